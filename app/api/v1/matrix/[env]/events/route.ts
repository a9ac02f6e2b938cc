import { matrixEventStream } from '@/lib/distribution/matrix-response';
import { startMatrixDistribution } from '@/lib/distribution/matrix-distribution';
import { apiRoute } from '@/lib/http/api-route';
import { getAppContext } from '@/lib/server/app-context';
import { getEnvironmentMatrix } from '@/lib/distribution/matrix-cache';
import { assertEnvironment } from '@/lib/services/read-tests';

export const dynamic = 'force-dynamic';

/**
 * Change stream (Server-Sent Events) for one environment's matrix: `event: revision` with {env, revision, failure} at
 * once and whenever the branch moves, so clients fetch the new matrix immediately instead of waiting for their poll.
 */
export const GET = apiRoute<undefined, { env: string }>({ auth: 'optional' }, async (ctx) => {
  const env = assertEnvironment(ctx.params.env);
  const app = await getAppContext();
  const distribution = await startMatrixDistribution(app.store, { publishDir: app.config.matrixPublishDir, logger: app.logger });
  return matrixEventStream(ctx.request, distribution, env, async () => {
    const state = await getEnvironmentMatrix(app.store, env);
    return { revision: state.current?.revision ?? null, failure: state.failure };
  });
});
