/**
 * One closed list of error codes for the whole application. Every expected failure is an AppError; the HTTP layer maps
 * `code` to a status in one place (lib/http/error-response.ts). Messages name the thing and the fix.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'BAD_REQUEST',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'ALREADY_EXISTS',
  'STALE_REVISION',
  'NO_CHANGES',
  'ISSUE_NOT_FOUND',
  'ISSUE_INVALID',
  'ISSUE_STATE_NOT_ALLOWED',
  'PROMOTION_NOT_ALLOWED',
  'SEPARATION_OF_DUTIES',
  'NOT_VERIFIED',
  'AUTO_PROMOTION_MOVES_USERS',
  'TRANSITION_NEEDS_PROMOTION',
  'INCOMPATIBLE_WITH_CONSUMERS',
  'RESULTS_MODE_LOCKED',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_REJECTED',
  /** A push went out but neither its answer nor a look at the upstream says whether it landed. */
  'PUSH_OUTCOME_UNKNOWN',
  'NOT_READY',
  'DATABASE_UNAVAILABLE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorDetail {
  /** JSON pointer or field name the detail concerns ("" when it concerns the whole request). */
  path: string;
  message: string;
}

/**
 * Next.js bundles lib/ once per entry (instrumentation.ts, which builds the app context and its store, and each route's
 * chunks), so one process can hold two AppError classes. An AppError thrown by the store must still be recognised by a
 * route's error mapping, or a STALE_REVISION becomes a 500: `instanceof AppError` therefore checks a process-wide brand
 * rather than the class identity.
 */
const BRAND = Symbol.for('proctor-studio.AppError');

export class AppError extends Error {
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
  }

  readonly code: ErrorCode;
  readonly details: ErrorDetail[];
  /** Extra machine-readable data (e.g. both revisions of a stale-revision error). */
  readonly data?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: { details?: ErrorDetail[]; data?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    Object.defineProperty(this, BRAND, { value: true });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details ?? [];
    this.data = options.data;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
