import { apiRoute } from '@/lib/http/api-route';
import { readResultsHealth } from '@/lib/services/read-results';

export const dynamic = 'force-dynamic';

/** Per test and environment with data: the health badge of its current phase (srm, not-enough-data, significant, ok). */
export const GET = apiRoute({}, async (ctx) => readResultsHealth(ctx.deps, ctx.actor));
