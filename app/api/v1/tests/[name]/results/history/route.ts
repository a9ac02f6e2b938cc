import { apiRoute } from '@/lib/http/api-route';
import { readResultsHistory } from '@/lib/services/read-results';

export const dynamic = 'force-dynamic';

/** ?environment=production &goal=purchase — per bucket per day: units, cumulative rate/mean and lift, phase boundaries. */
export const GET = apiRoute<undefined, { name: string }>({}, async (ctx) =>
  readResultsHistory(ctx.deps, ctx.actor, { name: ctx.params.name, environment: ctx.query.get('environment') ?? undefined, goal: ctx.query.get('goal') ?? undefined }),
);
