import { recordAudit } from '@/lib/audit/record-audit';
import { clientAddress } from '@/lib/client-address';
import { getServices } from '@/lib/composition/services';
import { resolveConsumerToken } from '@/lib/distribution/consumer-tokens';
import { APPLICATION_CACHE_CONTROL, matrixResponse } from '@/lib/distribution/matrix-response';
import { AppError, isAppError } from '@/lib/errors';
import { isAudited, requestIdOf } from '@/lib/http/api-route';
import { errorResponse } from '@/lib/http/error-response';
import { assertNoNulInUrl } from '@/lib/http/nul-in-url';
import { getLogger, withRequestId } from '@/lib/log/logger';
import { assertEnvironment } from '@/lib/services/read-tests';

export const dynamic = 'force-dynamic';

/**
 * An application's own matrix: only the tests of the specification it registered with its last heartbeat (`?version=`
 * picks that version's), verified and consolidated like Proctor's loaders do. Authorization: Bearer pct_… — the
 * application token it sends heartbeats with (heartbeat or all scope; an environment-bound token only for its
 * environment), which is why this route authenticates itself instead of going through apiRoute. Built and kept once per
 * (revision, specification); answered as the identity variant (Next compresses it on the way), strong ETag
 * `<revision>-<specification digest>`, 304 on revalidation; `private`, as it is per application.
 */
export async function GET(request: Request, context: { params: Promise<{ env: string; application: string }> }): Promise<Response> {
  const started = performance.now();
  const requestId = requestIdOf(request);
  const logger = withRequestId(getLogger(), requestId);
  const url = new URL(request.url, 'http://localhost');
  const path = url.pathname;
  let response: Response;
  let failure: unknown;
  try {
    const deps = await getServices();
    // PostgreSQL cannot take a NUL: refused (400) before the name or version reaches the lookup, as apiRoute does.
    assertNoNulInUrl(url);
    const params = await context.params;
    const env = assertEnvironment(params.env);
    const token = await resolveConsumerToken(deps.prisma, request.headers.get('authorization'), 'heartbeat');
    if (token.environment && token.environment !== env) {
      throw new AppError('FORBIDDEN', `This application token is for ${token.environment}; it cannot read the ${env} matrix of an application.`);
    }
    void deps.matrices.distribution();
    const version = url.searchParams.get('version') ?? undefined;
    const { matrix, failure: newest } = await deps.matrices.forApplication(env, params.application, version);
    response = matrixResponse(request, matrix, newest, APPLICATION_CACHE_CONTROL);
  } catch (error) {
    failure = error;
    response = errorResponse(error, requestId, { logger });
  }
  response.headers.set('x-request-id', requestId);
  if (isAudited(request.method, response.status)) {
    const deps = await getServices().catch(() => null);
    if (deps) {
      await recordAudit(
        deps.prisma,
        {
          actor: null,
          actorKind: 'token',
          action: `GET ${path}`,
          target: null,
          outcome: response.status >= 500 ? 'failed' : 'refused',
          message: isAppError(failure) && failure.code !== 'INTERNAL' ? failure.message : `Something went wrong (ref ${requestId})`,
          requestId,
          ip: clientAddress(request, deps.config.trustedProxies),
          details: { method: request.method, path, status: response.status, ...(isAppError(failure) ? { code: failure.code } : {}) },
        },
        logger,
      );
    }
  }
  logger.info('request', { method: request.method, path, status: response.status, ms: Math.round((performance.now() - started) * 10) / 10, via: 'application-token' });
  return response;
}
