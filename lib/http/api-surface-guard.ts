/**
 * The requests no route of ours can take, answered at the request edge (lib/http/request-edge.ts): a method or path
 * /api does not have (JSON 404/405 in our error body, lib/http/api-surface.ts) and TRACE/TRACK anywhere. This has to
 * sit on the Node server's request event: Next builds a fetch Request for route handlers and proxy.ts, and fetch
 * refuses TRACE outright, so Next answered a bare 500 before any code of ours ran; and for methods a route does not
 * export it answers an empty 405 without Allow.
 */
import type http from 'node:http';
import { AppError } from '@/lib/errors';
import { getLogger, withRequestId } from '@/lib/log/logger';
import { requestIdOf } from './api-route';
import { apiSurfaceRefusal } from './api-surface';
import { errorResponse } from './error-response';
import { API_CSP, STATIC_SECURITY_HEADERS } from './security-headers';

/** Methods fetch's Request refuses to represent (so no handler could ever receive them). */
const UNREPRESENTABLE = new Set(['TRACE', 'TRACK', 'CONNECT']);

/** The refusal for this method and address, or null to let Next handle the request. */
export function refusalFor(method: string, rawUrl: string): AppError | null {
  let pathname: string;
  try {
    pathname = new URL(rawUrl, 'http://localhost').pathname;
  } catch {
    return null;
  }
  // Percent-encoded bytes that are not UTF-8 (e.g. %ED%A0%80, a lone surrogate) cannot be a name: Next's router
  // would throw decoding them (a bare 500), so they are refused here, for pages and API alike.
  try {
    decodeURIComponent(pathname);
  } catch {
    return new AppError('BAD_REQUEST', 'The address holds percent-encoded bytes that are not valid UTF-8. Check the link and try again.', {
      details: [{ path: pathname, message: 'percent-encoding must decode to UTF-8 text' }],
    });
  }
  const api = apiSurfaceRefusal(method, pathname);
  if (api) return api;
  if (!UNREPRESENTABLE.has(method.toUpperCase())) return null;
  const allow = ['GET', 'HEAD', 'POST'];
  return new AppError('METHOD_NOT_ALLOWED', `${method} is not accepted here; pages take ${allow.join(', ')}.`, { details: [{ path: pathname, message: `allowed methods: ${allow.join(', ')}` }], data: { allow } });
}

/** Writes the refusal in our error body with the security headers; resolves with what it answered. */
export async function answerRefusal(request: http.IncomingMessage, response: http.ServerResponse, refusal: AppError): Promise<{ requestId: string; status: number }> {
  const incomingId = request.headers['x-request-id'];
  const requestId = requestIdOf({ headers: new Headers(typeof incomingId === 'string' ? { 'x-request-id': incomingId } : {}) });
  const logger = withRequestId(getLogger(), requestId);
  const web = errorResponse(refusal, requestId, { logger });
  const body = request.method === 'HEAD' ? '' : await web.text();
  request.resume();
  for (const { key, value } of STATIC_SECURITY_HEADERS) response.setHeader(key, value);
  response.setHeader('content-security-policy', API_CSP);
  web.headers.forEach((value, key) => response.setHeader(key, value));
  response.writeHead(web.status);
  response.end(body);
  logger.info('request', { method: request.method, path: (request.url ?? '').split('?')[0], status: web.status });
  return { requestId, status: web.status };
}
