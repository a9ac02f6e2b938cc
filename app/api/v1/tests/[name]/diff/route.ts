import { apiRoute } from '@/lib/http/api-route';
import { diffTest } from '@/lib/services/read-tests';

export const dynamic = 'force-dynamic';

/** ?from= &to= — each an environment (trunk|qa|production) or a 40-hex revision; default production → trunk. */
export const GET = apiRoute<undefined, { name: string }>({}, async (ctx) => {
  return diffTest(ctx.deps, ctx.actor, { name: ctx.params.name, from: ctx.query.get('from') ?? undefined, to: ctx.query.get('to') ?? undefined });
});
