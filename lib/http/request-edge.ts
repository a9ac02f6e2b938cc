/**
 * The Node server's request event, before Next.js sees a request: the one hook we put there (installed once by
 * instrumentation.ts, on http.Server.prototype.emit, which `next start`'s already created server also delivers through).
 *
 * 1. The real TCP peer is stamped into PEER_ADDRESS_HEADER, after deleting any copy the client sent: route handlers see
 *    only headers, never the socket (lib/http/client-address.ts reads it). Every request that goes on past the
 *    synchronous matrix answer (3) is stamped; that answer reads no address.
 * 2. Requests no route of ours can take — an /api path or method we do not have, TRACE/TRACK/CONNECT anywhere — are
 *    answered here in our JSON error body (lib/http/api-surface-guard.ts says why this cannot be done in a route), and
 *    audited by the same rule as every API answer.
 * 3. The matrix endpoint's 200/304 answers come from precomputed bytes here, without Next's route layer
 *    (lib/http/matrix-edge.ts says which requests and why nothing is bypassed); the rest go on to the route.
 */
import http, { type IncomingMessage } from 'node:http';
import { recordAudit } from '@/lib/audit/record-audit';
import type { AppError } from '@/lib/errors';
import { getLogger } from '@/lib/log/logger';
import { isAudited } from './api-route';
import { answerRefusal, refusalFor } from './api-surface-guard';
import { answerMatrixAtEdge, answerMatrixAtEdgeNow, matrixEdgeTarget } from './matrix-edge';
import { PEER_ADDRESS_HEADER } from '@/lib/client-address';
import { getServices } from '@/lib/composition/services';

const INSTALLED = Symbol.for('proctor-studio.request-edge');

/** Replaces whatever the client put in PEER_ADDRESS_HEADER with the socket's remote address. */
export function stampPeerAddress(request: IncomingMessage): void {
  delete request.headers[PEER_ADDRESS_HEADER];
  const address = request.socket?.remoteAddress;
  if (address) request.headers[PEER_ADDRESS_HEADER] = address;
}

async function auditRefusal(request: IncomingMessage, requestId: string, refusal: AppError, status: number): Promise<void> {
  const method = request.method ?? 'GET';
  if (!isAudited(method, status)) return;
  const path = (request.url ?? '').split('?')[0];
  const deps = await getServices();
  await recordAudit(deps.prisma, {
    actor: null,
    actorKind: 'user',
    action: `${method} ${path}`,
    target: null,
    outcome: 'refused',
    message: refusal.message,
    requestId,
    ip: (request.headers[PEER_ADDRESS_HEADER] as string | undefined) ?? null,
    details: { method, path, status, code: refusal.code },
  });
}

export function installRequestEdge(): void {
  const proto = http.Server.prototype as http.Server & { [INSTALLED]?: true };
  if (proto[INSTALLED]) return;
  proto[INSTALLED] = true;
  const emit = proto.emit as (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;
  proto.emit = function emitAtRequestEdge(this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'request') {
      const [request, response] = args as [IncomingMessage, http.ServerResponse];
      // First the matrix URLs (a strict pattern of GET/HEAD on paths we serve, so never one refusalFor refuses): a
      // fleet's revalidations then skip parsing the URL.
      const matrix = matrixEdgeTarget(request.method, request.url);
      if (matrix) {
        // A fleet's anonymous revalidation is answered in this call; the rest (credentials, a head to read) after awaits.
        // That answer reads no client address: the peer is stamped only on requests that go on.
        try {
          if (answerMatrixAtEdgeNow(request, response, matrix)) return true;
        } catch (error) {
          getLogger().warn('request edge: matrix answer failed; passing it to the route', { error: (error as Error).message });
          if (response.headersSent) {
            if (!response.writableEnded) response.destroy();
            return true;
          }
        }
        stampPeerAddress(request);
        answerMatrixAtEdge(request, response, matrix).then(
          (answered) => {
            if (!answered) emit.call(this, event, ...args);
          },
          (error: unknown) => {
            getLogger().warn('request edge: matrix answer failed; passing it to the route', { error: (error as Error).message });
            if (!response.headersSent) emit.call(this, event, ...args);
          },
        );
        return true;
      }
      stampPeerAddress(request);
      const refusal = refusalFor(request.method ?? 'GET', request.url ?? '/');
      if (refusal) {
        answerRefusal(request, response, refusal)
          .then(({ requestId, status }) => auditRefusal(request, requestId, refusal, status))
          .catch((error: unknown) => {
            getLogger().warn('request edge: refusal not answered or audited', { error: (error as Error).message });
            if (!response.headersSent) response.destroy();
          });
        return true;
      }
    }
    return emit.call(this, event, ...args);
  } as typeof proto.emit;
}
