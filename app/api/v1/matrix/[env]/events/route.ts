import { matrixEventStream } from '@/lib/distribution/matrix-response';
import { apiRoute } from '@/lib/http/api-route';
import { assertEnvironment } from '@/lib/services/read-tests';

export const dynamic = 'force-dynamic';

/**
 * Change stream (Server-Sent Events) for one environment's matrix: `event: revision` with {env, revision, failure} at
 * once and whenever the branch moves, so clients fetch the new matrix immediately instead of waiting for their poll.
 */
export const GET = apiRoute<undefined, { env: string }>({ auth: 'optional' }, async (ctx) => {
  const env = assertEnvironment(ctx.params.env);
  const distribution = await ctx.deps.matrices.distribution();
  return matrixEventStream(ctx.request, distribution, env, async () => {
    const state = await ctx.deps.matrices.get(env);
    return { revision: state.current?.revision ?? null, failure: state.failure };
  });
});
