/**
 * The wrapper every /api/v1 route handler goes through, so handlers stay "parse → call → respond":
 *   request id (x-request-id in and out) → authentication (token, cookie, proxy header) → Origin check for
 *   cookie-authenticated mutations → role check → JSON body (size limit, malformed → 400 with line/column) → ajv
 *   validation (unknown fields named) → handler → JSON response; errors through errorResponse; an audit entry for every
 *   mutation and every refused request; one JSON log line per request.
 */
import { ANONYMOUS, type Anonymous } from '@/lib/auth/actor';
import type { AuthMethod } from '@/lib/auth/authenticate';
import { assertSameOrigin, isMutation } from '@/lib/auth/origin-check';
import { requireRole, type Role } from '@/lib/auth/roles';
import type { AuthUser } from '@/lib/auth/user-view';
import { auditOutcomeOf, recordAudit, type AuditOutcome } from '@/lib/audit/record-audit';
import { AppError, isAppError } from '@/lib/errors';
import { getLogger, withRequestId, type Logger } from '@/lib/log/logger';
import { clientAddress } from '@/lib/client-address';
import { getServices, type Services } from '@/lib/composition/services';
import { errorResponse } from './error-response';
import { assertNoNulInUrl } from './nul-in-url';
import { newRequestId } from './request-ids';
import { DEFAULT_MAX_BODY_BYTES, parseJsonBody } from './parse-json-body';
import { validateBody, type JsonSchema } from './validate-body';

export interface ApiRouteOptions {
  /** 'required' (default): anonymous requests get 401. 'optional': the handler sees user = null. */
  auth?: 'required' | 'optional';
  /** Minimum role (default viewer when auth is required). */
  role?: Role;
  /** JSON Schema of the body; when set the body is read, parsed and validated before the handler runs. */
  body?: JsonSchema;
  /** Default 1 MB. */
  maxBodyBytes?: number;
  /** Audit action name, e.g. "token.create". Mutations are always audited (default "<METHOD> <path>"). */
  action?: string;
  /** Status of a successful JSON response (default 200; 204 when the handler returns undefined). */
  successStatus?: number;
}

export interface AuditNote {
  target?: string;
  /** Overrides the actor name (e.g. the username a sign-in was attempted for). */
  actor?: string;
  message?: string;
  details?: Record<string, unknown>;
}

export interface ApiContext<B, P> {
  request: Request;
  requestId: string;
  user: AuthUser | null;
  /** Who the use cases run for: the user, or ANONYMOUS on an `auth: 'optional'` route. */
  actor: AuthUser | Anonymous;
  via: AuthMethod | null;
  body: B;
  params: P;
  query: URLSearchParams;
  ip: string | null;
  /** The process's services (lib/composition), with this request's logger. */
  deps: Services;
  logger: Logger;
  /** Handlers fill this in to make the audit entry say what was touched. */
  audit: AuditNote;
}

export type RouteHandler<P> = (request: Request, context?: { params: Promise<P> }) => Promise<Response>;

/** A handler made by apiRoute carries its options, so the OpenAPI document can be checked against what routes enforce. */
export type ApiRouteHandler<P> = RouteHandler<P> & { readonly apiRoute: Readonly<ApiRouteOptions> };

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** Which answers go to the audit log: every mutation, and any refusal that says "not allowed" or "not valid". */
export function isAudited(method: string, status: number): boolean {
  return isMutation(method) || status === 400 || status === 401 || status === 403 || status === 413 || status === 429;
}

export function requestIdOf(request: { headers: Headers }): string {
  return requestIdFrom(request.headers.get('x-request-id'));
}

/** The caller's x-request-id if it is a sane one, else a fresh id. */
export function requestIdFrom(header: string | string[] | null | undefined): string {
  const incoming = typeof header === 'string' ? header.trim() : undefined;
  return incoming && REQUEST_ID.test(incoming) ? incoming : newRequestId();
}

/** A JSON response with extra headers/status (e.g. Set-Cookie); plain return values are serialised the same way. */
export function jsonResponse(body: unknown, init: { status?: number; headers?: HeadersInit } = {}): Response {
  const headers = new Headers(init.headers);
  if (!headers.has('cache-control')) headers.set('cache-control', 'no-store');
  return Response.json(body, { status: init.status ?? 200, headers });
}

export function apiRoute<B = undefined, P extends Record<string, string | string[]> = Record<string, never>>(
  options: ApiRouteOptions,
  handler: (ctx: ApiContext<B, P>) => Promise<unknown> | unknown,
): ApiRouteHandler<P> {
  const routeHandler: RouteHandler<P> = async (request, context) => {
    const started = performance.now();
    const requestId = requestIdOf(request);
    const url = new URL(request.url, 'http://localhost');
    let ip: string | null = null;
    let logger = withRequestId(getLogger(), requestId);
    let deps: Services | undefined;
    let user: AuthUser | null = null;
    let via: AuthMethod | null = null;
    const audit: AuditNote = {};
    let response: Response;
    let failure: unknown;

    try {
      deps = await getServices();
      ip = clientAddress(request, deps.config.trustedProxies);
      const auth = await deps.authenticate(request);
      user = auth?.user ?? null;
      via = auth?.via ?? null;
      if (user) logger = logger.child({ user: user.username });
      assertNoNulInUrl(url);
      assertSameOrigin(request, via, deps.config.publicUrl, deps.config.trustedProxies);
      if (options.auth !== 'optional' || options.role) requireRole(user, options.role ?? 'viewer');

      let body: unknown = undefined;
      if (options.body) {
        const parsed = await parseJsonBody(request, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
        body = validateBody(options.body, parsed);
      }
      const params = ((await context?.params) ?? {}) as P;
      const result = await handler({
        request,
        requestId,
        user,
        actor: user ?? ANONYMOUS,
        via,
        body: body as B,
        params,
        query: url.searchParams,
        ip,
        deps: { ...deps, logger },
        logger,
        audit,
      });
      response =
        result instanceof Response
          ? result
          : result === undefined
            ? new Response(null, { status: 204, headers: { 'cache-control': 'no-store' } })
            : jsonResponse(result, { status: options.successStatus ?? 200 });
    } catch (error) {
      failure = error;
      response = errorResponse(error, requestId, { logger });
    }
    response.headers.set('x-request-id', requestId);

    const status = response.status;
    // 400: a malformed request (e.g. a NUL in the address) is a refusal worth recording even on a read.
    if (deps && isAudited(request.method, status)) {
      const outcome: AuditOutcome = auditOutcomeOf(status, failure);
      await recordAudit(
        deps.prisma,
        {
          actor: audit.actor ?? user?.username ?? null,
          actorKind: via === 'token' ? 'token' : 'user',
          action: options.action ?? `${request.method} ${url.pathname}`,
          target: audit.target ?? null,
          outcome,
          message: failure ? (isAppError(failure) && failure.code !== 'INTERNAL' ? failure.message : `Something went wrong (ref ${requestId})`) : (audit.message ?? ''),
          requestId,
          ip,
          details: {
            method: request.method,
            path: url.pathname,
            status,
            ...(isAppError(failure) ? { code: failure.code } : {}),
            // The commit id of a push whose outcome is unknown (or was refused as not saved): how to find it later.
            ...(isAppError(failure) && typeof failure.data?.commit === 'string' ? { commit: failure.data.commit } : {}),
            ...audit.details,
          },
        },
        logger,
      );
    }

    logger.info('request', {
      method: request.method,
      path: url.pathname,
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      user: user?.username,
      via: via ?? undefined,
    });
    return response;
  };
  return Object.assign(routeHandler, { apiRoute: options });
}

/** Query parameter from a closed list; absent → undefined; anything else → VALIDATION_FAILED listing the choices. */
export function queryEnum<T extends string>(query: URLSearchParams, name: string, choices: readonly T[]): T | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if ((choices as readonly string[]).includes(raw)) return raw as T;
  throw new AppError('VALIDATION_FAILED', `Query parameter '${name}' must be one of ${choices.join(', ')}.`, {
    details: [{ path: `?${name}`, message: `must be one of ${choices.join(', ')}` }],
  });
}

/** Integer query parameter with bounds; absent → fallback; malformed → VALIDATION_FAILED naming the parameter. */
export function queryInt(query: URLSearchParams, name: string, options: { min?: number; max?: number; fallback?: number } = {}): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw.trim() === '') return options.fallback;
  const value = Number(raw);
  const min = options.min ?? Number.MIN_SAFE_INTEGER;
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new AppError('VALIDATION_FAILED', `Query parameter '${name}' must be a whole number from ${min} to ${max}.`, {
      details: [{ path: `?${name}`, message: `must be an integer from ${min} to ${max}` }],
    });
  }
  return value;
}

