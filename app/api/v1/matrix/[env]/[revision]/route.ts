import { matrixResponse, POINTER_CACHE_CONTROL, REVISION_CACHE_CONTROL } from '@/lib/distribution/matrix-response';
import { apiRoute } from '@/lib/http/api-route';
import { readEnvironmentMatrix, readMatrixAtRevision } from '@/lib/services/read-matrix';
import { assertEnvironment } from '@/lib/services/read-tests';

export const dynamic = 'force-dynamic';

/**
 * One revision's matrix at a URL whose bytes never change (`Cache-Control: immutable`), so a CDN or reverse proxy can
 * serve the fleet; the same variants and ETags as the branch URL. `/api/v1/matrix/{env}/current` is the short-lived
 * pointer: a 307 to the current revision's URL, cacheable for a couple of seconds.
 */
export const GET = apiRoute<undefined, { env: string; revision: string }>({ auth: 'optional' }, async (ctx) => {
  const env = assertEnvironment(ctx.params.env);
  void ctx.deps.matrices.distribution();
  if (ctx.params.revision === 'current') {
    const matrix = await readEnvironmentMatrix(ctx.deps, ctx.actor, { env });
    return new Response(null, {
      status: 307,
      headers: { location: `/api/v1/matrix/${env}/${matrix.revision}`, 'cache-control': POINTER_CACHE_CONTROL, 'x-proctor-revision': matrix.revision },
    });
  }
  const matrix = await readMatrixAtRevision(ctx.deps, ctx.actor, { env, revision: ctx.params.revision });
  return matrixResponse(ctx.request, matrix, null, REVISION_CACHE_CONTROL);
});
