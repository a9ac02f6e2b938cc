import { recordAudit } from '@/lib/audit/record-audit';
import { resolveConsumerToken } from '@/lib/distribution/consumer-tokens';
import { HEARTBEAT_BODY, HEARTBEAT_INTERVAL_SECONDS, recordHeartbeat, type Heartbeat } from '@/lib/distribution/record-heartbeat';
import { requestIdOf } from '@/lib/http/api-route';
import { clientAddress } from '@/lib/client-address';
import { errorResponse } from '@/lib/http/error-response';
import { isAppError } from '@/lib/errors';
import { parseJsonBody } from '@/lib/http/parse-json-body';
import { validateBody } from '@/lib/http/validate-body';
import { getLogger, withRequestId } from '@/lib/log/logger';
import { getServices } from '@/lib/composition/services';

export const dynamic = 'force-dynamic';

/**
 * An application instance reports itself (Authorization: Bearer pct_… — an application token, not a person's, which
 * is why this route does its own authentication instead of going through apiRoute). The answer carries the current
 * revision of its environment's matrix, a last-resort change notice for clients that can neither stream nor poll.
 */
export async function POST(request: Request): Promise<Response> {
  const requestId = requestIdOf(request);
  const logger = withRequestId(getLogger(), requestId);
  try {
    const deps = await getServices();
    const token = await resolveConsumerToken(deps.prisma, request.headers.get('authorization'), 'heartbeat');
    const body = validateBody<Heartbeat>(HEARTBEAT_BODY, await parseJsonBody(request, 4 * 1024 * 1024));
    await recordHeartbeat(deps.prisma, token, body);
    void deps.matrices.distribution();
    const state = await deps.matrices.get(body.environment);
    return Response.json(
      { ok: true, serverTime: Date.now(), heartbeatIntervalSeconds: HEARTBEAT_INTERVAL_SECONDS, currentRevision: state.current?.revision ?? null },
      { headers: { 'cache-control': 'no-store', 'x-request-id': requestId } },
    );
  } catch (error) {
    const response = errorResponse(error, requestId, { logger });
    logger.info('request', { method: 'POST', path: '/api/v1/heartbeat', status: response.status });
    // Accepted heartbeats (one per instance every 30 s) are not audited; refused ones are, like every refused request.
    const deps = await getServices().catch(() => null);
    if (deps) {
      await recordAudit(deps.prisma, {
        actor: null,
        actorKind: 'token',
        action: 'heartbeat',
        target: null,
        outcome: response.status >= 500 ? 'failed' : 'refused',
        message: isAppError(error) && error.code !== 'INTERNAL' ? error.message : `Something went wrong (ref ${requestId})`,
        requestId,
        ip: clientAddress(request, deps.config.trustedProxies),
        details: { method: 'POST', path: '/api/v1/heartbeat', status: response.status, ...(isAppError(error) ? { code: error.code } : {}) },
      }, logger);
    }
    return response;
  }
}
