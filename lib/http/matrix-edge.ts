/**
 * The matrix endpoint's hot path, answered at the request edge (lib/http/request-edge.ts) before Next's route layer:
 * a fleet revalidating every few seconds costs an ETag comparison and a write of precomputed headers and bytes (the
 * branch head is read again only when a branch may have moved, see MatrixCache.freshNow), and
 * a change stream is one raw response in a shared hub (lib/distribution/matrix-streams.ts) instead of a Web stream.
 * Only answers that the route would give the same way and that are never audited (GET/HEAD → 200 or 304) are taken
 * here; anything else — no matrix built for the head yet, a revision not held, credentials that do not authenticate —
 * goes on to the route, which builds, refuses and audits as every API answer does. Each answer here is logged with the
 * same `request` line as apiRoute's and carries x-request-id; a 200 also the same security headers (a 304: see
 * rawHeaders).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readSessionCookie } from '@/lib/auth/sessions';
import { getServices, servicesIfReady, type Services } from '@/lib/composition/services';
import type { BuiltMatrix, MatrixState } from '@/lib/distribution/matrix-cache';
import { answerMatrix, BRANCH_CACHE_CONTROL, REVISION_CACHE_CONTROL, type MatrixAnswer } from '@/lib/distribution/matrix-response';
import { EVENT_STREAM_HEADERS, matrixStreamsFor } from '@/lib/distribution/matrix-streams';
import type { Environment } from '@/lib/domain/environment';
import { getLogger, jsonMember, jsonMembers, joinMembers, type JsonMembers } from '@/lib/log/logger';
import { requestIdFrom } from './api-route';
import { API_CSP, STATIC_SECURITY_HEADERS } from './security-headers';

const MATRIX_PATH = /^\/api\/v1\/matrix\/(trunk|qa|production)(?:\/([0-9a-f]{40}|events))?(?:\?.*)?$/;

/** Headers every edge answer carries, as Next would add them (next.config.ts): flat name/value pairs. */
const SECURITY_HEADERS: string[] = [...STATIC_SECURITY_HEADERS.flatMap(({ key, value }) => [key, value]), 'Content-Security-Policy', API_CSP];

/** Per answer (shared, see answerMatrix), its raw header list made once, the request id first; each request copies it. */
const rawHeaderLists = new WeakMap<MatrixAnswer, string[]>();

/**
 * A 200 carries the security headers as Next would add them. A 304 has no body for them to guard, and a cache keeps
 * the stored 200's fields (RFC 9111 §4.3.4), so it carries only the request id and answerMatrix's fields: the fleet's
 * revalidations are small to send and to parse.
 */
function rawHeaders(answer: MatrixAnswer, requestId: string): string[] {
  let list = rawHeaderLists.get(answer);
  if (!list) {
    list = ['x-request-id', '', ...(answer.status === 304 ? [] : SECURITY_HEADERS)];
    for (const name in answer.headers) list.push(name, answer.headers[name]);
    rawHeaderLists.set(answer, list);
  }
  const raw = list.slice();
  raw[1] = requestId;
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

/** No credentials of any kind: the caller is anonymous without asking authenticate(). */
function anonymous(request: IncomingMessage, services: Services): boolean {
  const trusted = services.config.trustedUserHeader;
  return !request.headers.authorization && !readSessionCookie(header(request, 'cookie')) && !(trusted && request.headers[trusted]);
}

/** The caller, checked by the same authenticate() as apiRoute; undefined = credentials that do not authenticate. */
async function caller(request: IncomingMessage, services: Services): Promise<{ user: string; via: string } | null | undefined> {
  if (anonymous(request, services)) return null;
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

/** The answer from held bytes, or null when the route must build it (a head not built yet, a revision not held). */
function answerFrom(request: IncomingMessage, target: MatrixEdgeTarget, state: MatrixState | null | undefined, held: BuiltMatrix | null): MatrixAnswer | null {
  const asked = { method: request.method!, ifNoneMatch: header(request, 'if-none-match'), acceptEncoding: header(request, 'accept-encoding') };
  if (target.revision) return held ? answerMatrix(asked, held, null, REVISION_CACHE_CONTROL) : null;
  return state?.current ? answerMatrix(asked, state.current, state.failure, BRANCH_CACHE_CONTROL) : null;
}

/** Writes the answer and its `request` line (the same line as apiRoute's, requestId first, without a child logger). */
function send(request: IncomingMessage, response: ServerResponse, answer: MatrixAnswer, started: number, who: { user: string; via: string } | null): void {
  const requestId = requestIdFrom(request.headers['x-request-id']);
  response.writeHead(answer.status, rawHeaders(answer, requestId));
  response.end(answer.body ?? undefined);
  if (who) logRequest(request, requestId, answer.status, started, who);
  else logAnonymousAnswer(request, requestId, answer, started);
}

/** The URL without its query, as the request line logs it. */
function pathOf(request: IncomingMessage): string {
  const url = request.url ?? '';
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

function logRequest(request: IncomingMessage, requestId: string, status: number, started: number, who: { user: string; via: string } | null): void {
  getLogger().info('request', {
    requestId,
    method: request.method,
    path: pathOf(request),
    status,
    ms: elapsedMs(started),
    user: who?.user,
    via: who?.via,
    // Answered before Next's route layer (operators can tell the hot path from the route's answers).
    edge: true,
  });
}

function elapsedMs(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

/** The request line's fields of one answer to one path, but requestId and ms: serialised once (logAnonymousAnswer). */
interface LineParts {
  method: string | undefined;
  /** method, path, status */
  middle: JsonMembers;
  /** edge */
  end: JsonMembers;
}

const lineParts = new WeakMap<MatrixAnswer, Map<string, LineParts>>();

/**
 * logRequest's line for an anonymous caller, its fixed fields serialised once per answer and path (a fleet's
 * revalidations log the same method, path and status on every request): only requestId and ms are made per request.
 */
function logAnonymousAnswer(request: IncomingMessage, requestId: string, answer: MatrixAnswer, started: number): void {
  const path = pathOf(request);
  let byPath = lineParts.get(answer);
  if (!byPath) lineParts.set(answer, (byPath = new Map()));
  let parts = byPath.get(path);
  if (!parts || parts.method !== request.method) {
    parts = {
      method: request.method,
      middle: jsonMembers({ method: request.method, path, status: answer.status }),
      end: jsonMembers({ edge: true }),
    };
    // A few paths per answer (a branch's URL, a revision's): bounded all the same.
    if (byPath.size < 16) byPath.set(path, parts);
  }
  getLogger().infoMembers('request', joinMembers(jsonMember('requestId', requestId), parts.middle, jsonMember('ms', elapsedMs(started)), parts.end));
}

/**
 * The fleet's revalidation without a promise: an anonymous caller, services made, and the head known (freshNow) or the
 * revision held. False when any of that is missing — nothing has been written, and answerMatrixAtEdge takes it.
 */
export function answerMatrixAtEdgeNow(request: IncomingMessage, response: ServerResponse, target: MatrixEdgeTarget): boolean {
  const started = performance.now();
  const services = servicesIfReady();
  if (!services || target.events || !anonymous(request, services)) return false;
  const state = target.revision ? undefined : services.matrices.freshNow(target.env);
  if (!target.revision && state === undefined) return false;
  const answer = answerFrom(request, target, state, target.revision ? services.matrices.held(target.env, target.revision) : null);
  if (!answer) return false;
  send(request, response, answer, started, null);
  return true;
}

/** Answers the request from the held bytes; false when it must go on to the route (nothing has been written then). */
export async function answerMatrixAtEdge(request: IncomingMessage, response: ServerResponse, target: MatrixEdgeTarget): Promise<boolean> {
  const started = performance.now();
  const services = await getServices();
  const who = await caller(request, services);
  if (who === undefined) return false;
  if (target.events) {
    const requestId = requestIdFrom(request.headers['x-request-id']);
    // One hub per process holds every stream: the same encoded bytes to each on a change, one keepalive timer.
    const streams = matrixStreamsFor(await services.matrices.distribution());
    response.writeHead(200, [...SECURITY_HEADERS, 'x-request-id', requestId, ...Object.entries(EVENT_STREAM_HEADERS).flat()]);
    logRequest(request, requestId, 200, started, who);
    await streams.add(target.env, response, () => services.matrices.get(target.env));
    return true;
  }
  const state = target.revision ? null : await services.matrices.fresh(target.env);
  const answer = answerFrom(request, target, state, target.revision ? services.matrices.held(target.env, target.revision) : null);
  if (!answer) return false;
  send(request, response, answer, started, who);
  return true;
}
