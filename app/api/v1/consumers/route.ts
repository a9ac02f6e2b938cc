import { apiRoute, queryInt } from '@/lib/http/api-route';
import { listConsumers } from '@/lib/services/list-consumers';

export const dynamic = 'force-dynamic';

/** Which applications run which matrix revision, per environment (?env= to narrow, ?activeMinutes= to widen). */
export const GET = apiRoute({}, async (ctx) => {
  const env = ctx.query.get('env') ?? undefined;
  return listConsumers(ctx.deps, ctx.actor, { env, activeMinutes: queryInt(ctx.query, 'activeMinutes', { min: 1, max: 60 * 24 * 30 }) });
});
