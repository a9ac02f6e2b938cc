/**
 * The matrix endpoint's hot path, answered at the request edge (lib/http/request-edge.ts) before Next's route layer:
 * a fleet revalidating every few seconds costs an ETag comparison and a write of precomputed headers and bytes (the
 * branch head is read again only when a branch may have moved, see MatrixCache.freshNow), and
 * a change stream is one raw response in a shared hub (lib/distribution/matrix-streams.ts) instead of a Web stream.
 * Only answers that the route would give the same way and that are never audited (GET/HEAD → 200 or 304) are taken
 * here; anything else — no matrix built for the head yet, a revision not held, credentials that do not authenticate —
 * goes on to the route, which builds, refuses and audits as every API answer does. Each answer here is logged with the
 * same `request` line as apiRoute's, and carries the same security headers and x-request-id.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readSessionCookie } from '@/lib/auth/sessions';
import { getServices, type Services } from '@/lib/composition/services';
import { answerMatrix, BRANCH_CACHE_CONTROL, REVISION_CACHE_CONTROL, type MatrixAnswer } from '@/lib/distribution/matrix-response';
import { EVENT_STREAM_HEADERS, matrixStreamsFor } from '@/lib/distribution/matrix-streams';
import type { Environment } from '@/lib/domain/environment';
import { getLogger } from '@/lib/log/logger';
import { requestIdFrom } from './api-route';
import { API_CSP, STATIC_SECURITY_HEADERS } from './security-headers';

const MATRIX_PATH = /^\/api\/v1\/matrix\/(trunk|qa|production)(?:\/([0-9a-f]{40}|events))?(?:\?.*)?$/;

/** Headers every edge answer carries, as Next would add them (next.config.ts): flat name/value pairs. */
const SECURITY_HEADERS: string[] = [...STATIC_SECURITY_HEADERS.flatMap(({ key, value }) => [key, value]), 'Content-Security-Policy', API_CSP];

/** Where the request id goes in a raw header list made by rawHeaders. */
const REQUEST_ID_SLOT = SECURITY_HEADERS.length + 1;
/** Per answer (shared, see answerMatrix), its raw header list made once; each request copies it and sets its id. */
const rawHeaderLists = new WeakMap<MatrixAnswer, string[]>();

function rawHeaders(answer: MatrixAnswer, requestId: string): string[] {
  let list = rawHeaderLists.get(answer);
  if (!list) {
    list = [...SECURITY_HEADERS, 'x-request-id', ''];
    for (const name in answer.headers) list.push(name, answer.headers[name]);
    rawHeaderLists.set(answer, list);
  }
  const raw = list.slice();
  raw[REQUEST_ID_SLOT] = requestId;
  return raw;
}

/** The environment and revision of a matrix URL the edge may answer, or null. */
export function matrixEdgeTarget(method: string | undefined, url: string | undefined): MatrixEdgeTarget | null {
  if (method !== 'GET' && method !== 'HEAD') return null;
  const match = url ? MATRIX_PATH.exec(url) : null;
  if (!match) return null;
  if (match[2] === 'events') return method === 'GET' ? { env: match[1] as Environment, revision: null, events: true } : null;
  return { env: match[1] as Environment, revision: match[2] ?? null };
}

export interface MatrixEdgeTarget {
  env: Environment;
  /** A per-revision URL's revision; null for the branch URL. */
  revision: string | null;
  /** The change stream (…/events). */
  events?: true;
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The caller, checked by the same authenticate() as apiRoute; undefined = credentials that do not authenticate. */
async function caller(request: IncomingMessage, services: Services): Promise<{ user: string; via: string } | null | undefined> {
  const trusted = services.config.trustedUserHeader;
  const anonymous = !request.headers.authorization && !readSessionCookie(header(request, 'cookie')) && !(trusted && request.headers[trusted]);
  if (anonymous) return null;
  try {
    // A header Headers refuses (e.g. not Latin-1) lands in the catch: the route answers that request.
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    const auth = await services.authenticate(new Request(`http://edge${request.url}`, { headers }));
    return auth ? { user: auth.user.username, via: auth.via } : null;
  } catch {
    return undefined;
  }
}

/** Answers the request from the held bytes; false when it must go on to the route (nothing has been written then). */
export async function answerMatrixAtEdge(request: IncomingMessage, response: ServerResponse, target: MatrixEdgeTarget): Promise<boolean> {
  const started = performance.now();
  const services = await getServices();
  const who = await caller(request, services);
  if (who === undefined) return false;
  const requestId = requestIdFrom(request.headers['x-request-id']);
  // The same line as apiRoute's (requestId first, as its request logger adds it), without making a child logger.
  const log = (status: number) =>
    getLogger().info('request', {
      requestId,
      method: request.method,
      path: (request.url ?? '').split('?')[0],
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      user: who?.user,
      via: who?.via,
      // Answered before Next's route layer (operators can tell the hot path from the route's answers).
      edge: true,
    });
  if (target.events) {
    // One hub per process holds every stream: the same encoded bytes to each on a change, one keepalive timer.
    const streams = matrixStreamsFor(await services.matrices.distribution());
    response.writeHead(200, [...SECURITY_HEADERS, 'x-request-id', requestId, ...Object.entries(EVENT_STREAM_HEADERS).flat()]);
    log(200);
    await streams.add(target.env, response, () => services.matrices.get(target.env));
    return true;
  }
  let answer;
  if (target.revision) {
    const matrix = services.matrices.held(target.env, target.revision);
    if (!matrix) return false;
    answer = answerMatrix({ method: request.method!, ifNoneMatch: header(request, 'if-none-match'), acceptEncoding: header(request, 'accept-encoding') }, matrix, null, REVISION_CACHE_CONTROL);
  } else {
    const state = await services.matrices.fresh(target.env);
    if (!state?.current) return false;
    answer = answerMatrix({ method: request.method!, ifNoneMatch: header(request, 'if-none-match'), acceptEncoding: header(request, 'accept-encoding') }, state.current, state.failure, BRANCH_CACHE_CONTROL);
  }
  response.writeHead(answer.status, rawHeaders(answer, requestId));
  response.end(answer.body ?? undefined);
  log(answer.status);
  return true;
}
