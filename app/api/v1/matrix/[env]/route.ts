import { apiRoute } from '@/lib/http/api-route';
import { servicesFor } from '@/lib/server/service-context';
import { requireEnvironmentMatrix } from '@/lib/services/environment-matrix';
import { assertEnvironment } from '@/lib/services/read-tests';

export const dynamic = 'force-dynamic';

/**
 * Proctor's TestMatrixArtifact for trunk, qa or production, built from the branch head. Strong ETag = the head
 * revision; If-None-Match → 304. Readable without signing in, like Proctor's /matrix/raw, since applications fetch it.
 */
export const GET = apiRoute<undefined, { env: string }>({ auth: 'optional' }, async (ctx) => {
  const env = assertEnvironment(ctx.params.env);
  const matrix = await requireEnvironmentMatrix((await servicesFor(ctx)).store, env);
  const etag = `"${matrix.revision}"`;
  const headers: Record<string, string> = {
    etag,
    'cache-control': 'no-cache',
    'x-proctor-revision': matrix.revision,
    'content-type': 'application/json;charset=utf-8',
  };
  if (matrix.failure) headers['x-proctor-matrix-warning'] = `Newest revision ${matrix.failure.revision.slice(0, 7)} failed validation; serving the last good matrix.`;
  const ifNoneMatch = ctx.request.headers.get('if-none-match');
  if (ifNoneMatch && ifNoneMatch.split(',').map((tag) => tag.trim()).includes(etag)) return new Response(null, { status: 304, headers });
  return new Response(matrix.body, { status: 200, headers });
});
