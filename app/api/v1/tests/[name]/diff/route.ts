import { apiRoute } from '@/lib/http/api-route';
import { servicesFor } from '@/lib/server/service-context';
import { diffTest } from '@/lib/services/read-tests';

export const dynamic = 'force-dynamic';

/** ?from= &to= — each an environment (trunk|qa|production) or a 40-hex revision; default production → trunk. */
export const GET = apiRoute<undefined, { name: string }>({}, async (ctx) => {
  const { store } = await servicesFor(ctx);
  return diffTest(store, { name: ctx.params.name, from: ctx.query.get('from') ?? undefined, to: ctx.query.get('to') ?? undefined });
});
