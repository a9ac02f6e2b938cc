import { apiRoute } from '@/lib/http/api-route';
import { readResults } from '@/lib/services/read-results';
import { resultsCsv } from '@/lib/services/results-csv';

export const dynamic = 'force-dynamic';

/** ?environment=production — the results of every phase as CSV. */
export const GET = apiRoute<undefined, { name: string }>({}, async (ctx) => {
  const results = await readResults(ctx.deps, ctx.actor, { name: ctx.params.name, environment: ctx.query.get('environment') ?? undefined });
  return new Response(resultsCsv(results), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${results.testName}-${results.environment}-results.csv"`,
      'cache-control': 'no-store',
    },
  });
});
