import { apiRoute, queryInt } from '@/lib/http/api-route';
import { servicesFor } from '@/lib/server/service-context';
import { listConsumers } from '@/lib/services/list-consumers';

export const dynamic = 'force-dynamic';

/** Which applications run which matrix revision, per environment (?env= to narrow, ?activeMinutes= to widen). */
export const GET = apiRoute({}, async (ctx) => {
  const deps = await servicesFor(ctx);
  const env = ctx.query.get('env') ?? undefined;
  return listConsumers(deps, { env, activeMinutes: queryInt(ctx.query, 'activeMinutes', { min: 1, max: 60 * 24 * 30 }) ?? ctx.deps.config.consumerActiveMinutes });
});
