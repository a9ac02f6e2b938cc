import { apiRoute } from '@/lib/http/api-route';
import { getTestHistory } from '@/lib/services/read-tests';

export const dynamic = 'force-dynamic';

/** ?env=trunk|qa|production &limit= &offset= — newest first, from the history index. */
export const GET = apiRoute<undefined, { name: string }>({}, async (ctx) => {
  const q = ctx.query;
  return getTestHistory(ctx.deps, ctx.actor, { name: ctx.params.name, env: q.get('env') ?? undefined, limit: q.get('limit') ?? undefined, offset: q.get('offset') ?? undefined });
});
