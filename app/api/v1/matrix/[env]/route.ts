import { matrixResponse } from '@/lib/distribution/matrix-response';
import { apiRoute } from '@/lib/http/api-route';
import { readEnvironmentMatrix } from '@/lib/services/read-matrix';
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
  void ctx.deps.matrices.distribution();
  const matrix = await readEnvironmentMatrix(ctx.deps, ctx.actor, { env });
  return matrixResponse(ctx.request, matrix, matrix.failure);
});
