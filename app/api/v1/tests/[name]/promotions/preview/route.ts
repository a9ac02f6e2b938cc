import { apiRoute } from '@/lib/http/api-route';
import { previewPromotion } from '@/lib/services/promotion-preview';

export const dynamic = 'force-dynamic';

/** ?from=&to=&revision=&issueKey= — what a promotion would copy, its drift and changes, and whether it is refused. */
export const GET = apiRoute<undefined, { name: string }>({}, async (ctx) => {
  const q = ctx.query;
  return previewPromotion(ctx.deps, ctx.actor, { name: ctx.params.name, from: q.get('from') ?? undefined, to: q.get('to') ?? undefined, revision: q.get('revision') ?? undefined, issueKey: q.get('issueKey') ?? undefined });
});
