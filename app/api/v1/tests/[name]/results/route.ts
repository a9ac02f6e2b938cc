import { apiRoute } from '@/lib/http/api-route';
import { readResults } from '@/lib/services/read-results';

export const dynamic = 'force-dynamic';

/** ?environment=production &phase=N — the test's results per phase (issue #20), from the event aggregates. */
export const GET = apiRoute<undefined, { name: string }>({}, async (ctx) =>
  readResults(ctx.deps, ctx.actor, { name: ctx.params.name, environment: ctx.query.get('environment') ?? undefined, phase: ctx.query.get('phase') ?? undefined }),
);
