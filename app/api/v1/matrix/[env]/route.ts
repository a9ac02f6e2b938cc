import { matrixResponse } from '@/lib/distribution/matrix-response';
import { startMatrixDistribution } from '@/lib/distribution/matrix-distribution';
import { apiRoute } from '@/lib/http/api-route';
import { getAppContext } from '@/lib/server/app-context';
import { requireEnvironmentMatrix } from '@/lib/distribution/matrix-cache';
import { assertEnvironment } from '@/lib/services/read-tests';

export const dynamic = 'force-dynamic';

/**
 * Proctor's TestMatrixArtifact for trunk, qa or production, built from the branch head and served from memory. Strong
 * ETag = the head revision; If-None-Match → 304; `Cache-Control: public, no-cache`. Readable without signing in, like
 * Proctor's /matrix/raw, since applications fetch it. A head that fails validation is not served: the last good matrix
 * is, with an X-Proctor-Matrix-Warning header.
 */
export const GET = apiRoute<undefined, { env: string }>({ auth: 'optional' }, async (ctx) => {
  const env = assertEnvironment(ctx.params.env);
  const app = await getAppContext();
  void startMatrixDistribution(app.store, { publishDir: app.config.matrixPublishDir, logger: app.logger });
  const matrix = await requireEnvironmentMatrix(app.store, env);
  return matrixResponse(ctx.request, matrix, matrix.failure);
});
