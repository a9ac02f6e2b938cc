/**
 * Answers, before Next.js sees them, the requests no route of ours can take: a method or path /api does not have (JSON
 * 404/405 in our error body, lib/http/api-surface.ts) and TRACE/TRACK anywhere. This has to sit on the Node server's
 * request event: Next builds a fetch Request for route handlers and proxy.ts, and fetch refuses TRACE outright, so
 * Next answered a bare 500 before any code of ours ran; and for methods a route does not export it answers an empty
 * 405 without Allow. Installed once by instrumentation.ts.
 */
import http from 'node:http';
import { AppError } from '@/lib/errors';
import { getLogger, withRequestId } from '@/lib/log/logger';
import { requestIdOf } from './api-route';
import { apiSurfaceRefusal } from './api-surface';
import { errorResponse } from './error-response';
import { API_CSP, STATIC_SECURITY_HEADERS } from './security-headers';

const INSTALLED = Symbol.for('proctor-studio.apiSurfaceGuard');
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
  const api = apiSurfaceRefusal(method, pathname);
  if (api) return api;
  if (!UNREPRESENTABLE.has(method.toUpperCase())) return null;
  const allow = ['GET', 'HEAD', 'POST'];
  return new AppError('METHOD_NOT_ALLOWED', `${method} is not accepted here; pages take ${allow.join(', ')}.`, { details: [{ path: pathname, message: `allowed methods: ${allow.join(', ')}` }], data: { allow } });
}

async function answer(request: http.IncomingMessage, response: http.ServerResponse, refusal: AppError): Promise<void> {
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
}

export function installApiSurfaceGuard(): void {
  const proto = http.Server.prototype as http.Server & { [INSTALLED]?: true };
  if (proto[INSTALLED]) return;
  proto[INSTALLED] = true;
  const emit = proto.emit as (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;
  proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'request') {
      const [request, response] = args as [http.IncomingMessage, http.ServerResponse];
      const refusal = refusalFor(request.method ?? 'GET', request.url ?? '/');
      if (refusal) {
        answer(request, response, refusal).catch(() => response.destroy());
        return true;
      }
    }
    return emit.call(this, event, ...args);
  } as typeof proto.emit;
}
