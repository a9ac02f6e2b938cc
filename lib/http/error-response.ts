/**
 * The ONE mapping from error codes to HTTP statuses, and the one error body: {code, message, details: [{path, message}]}
 * (plus `data` when the AppError carries machine-readable data, e.g. both revisions of a STALE_REVISION).
 *
 * Choices worth knowing:
 * - NO_CHANGES is 409: the request is well-formed but conflicts with the current state (nothing to commit).
 * - ISSUE_NOT_FOUND is 422, not 404: the URL was found; an issue key inside the request does not exist. A missing issue
 *   addressed by the URL (GET /api/v1/issues/X-1) is NOT_FOUND → 404.
 * - A database that cannot be reached (the embedded one restarting, a PostgreSQL server down) is DATABASE_UNAVAILABLE →
 *   503 with Retry-After, whatever layer the driver's error came through (lib/db/unavailable.ts recognises it).
 * - Unknown errors are 500 "Something went wrong (ref <requestId>)"; the real error is logged with its stack, never sent.
 */
import { asAppFailure } from '@/lib/db/unavailable';
import { isAppError, type ErrorCode, type ErrorDetail } from '@/lib/errors';
import { getLogger, type Logger } from '@/lib/log/logger';

export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 422,
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  ALREADY_EXISTS: 409,
  STALE_REVISION: 409,
  NO_CHANGES: 409,
  ISSUE_NOT_FOUND: 422,
  ISSUE_INVALID: 422,
  ISSUE_STATE_NOT_ALLOWED: 422,
  PROMOTION_NOT_ALLOWED: 409,
  SEPARATION_OF_DUTIES: 403,
  NOT_VERIFIED: 409,
  AUTO_PROMOTION_MOVES_USERS: 409,
  TRANSITION_NEEDS_PROMOTION: 422,
  INCOMPATIBLE_WITH_CONSUMERS: 409,
  RESULTS_MODE_LOCKED: 409,
  UPSTREAM_UNAVAILABLE: 503,
  UPSTREAM_REJECTED: 502,
  PUSH_OUTCOME_UNKNOWN: 504,
  NOT_READY: 503,
  DATABASE_UNAVAILABLE: 503,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  INTERNAL: 500,
};

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details: ErrorDetail[];
  data?: Record<string, unknown>;
}

export function statusForCode(code: ErrorCode): number {
  return STATUS_BY_CODE[code] ?? 500;
}

/** The error as the client sees it (also used for server action results). Unknown errors lose everything but the ref. */
export function toErrorBody(failure: unknown, requestId: string): ErrorBody {
  const error = asAppFailure(failure);
  if (isAppError(error) && error.code !== 'INTERNAL') {
    const body: ErrorBody = { code: error.code, message: error.message, details: error.details };
    if (error.data && Object.keys(error.data).length > 0) body.data = error.data;
    return body;
  }
  return { code: 'INTERNAL', message: `Something went wrong (ref ${requestId})`, details: [] };
}

/** Logs unexpected errors (with stack) so the ref in the message can be found. Expected AppErrors are not logged here. */
export function logUnexpectedError(failure: unknown, requestId: string, logger: Logger = getLogger()): void {
  const error = asAppFailure(failure);
  if (error !== failure) {
    // A driver error recognised as "database unreachable": worth a line, not a stack.
    logger.warn('database unavailable', { requestId, error: (failure as Error).message });
    return;
  }
  if (isAppError(error) && error.code !== 'INTERNAL') return;
  logger.error('unexpected error', { requestId, error });
}

export function errorResponse(failure: unknown, requestId: string, options: { logger?: Logger; headers?: HeadersInit } = {}): Response {
  logUnexpectedError(failure, requestId, options.logger);
  const error = asAppFailure(failure);
  const body = toErrorBody(error, requestId);
  const headers = new Headers(options.headers);
  headers.set('x-request-id', requestId);
  headers.set('cache-control', 'no-store');
  if (isAppError(error) && (error.code === 'RATE_LIMITED' || error.code === 'DATABASE_UNAVAILABLE')) {
    const retryAfter = Number(error.data?.retryAfterSeconds);
    if (Number.isFinite(retryAfter) && retryAfter > 0) headers.set('retry-after', String(Math.ceil(retryAfter)));
  }
  if (isAppError(error) && error.code === 'METHOD_NOT_ALLOWED' && Array.isArray(error.data?.allow)) headers.set('allow', (error.data.allow as string[]).join(', '));
  if (isAppError(error) && error.code === 'UNAUTHENTICATED') headers.set('www-authenticate', 'Bearer realm="proctor"');
  return Response.json(body, { status: statusForCode(body.code), headers });
}

