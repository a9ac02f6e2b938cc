import { describe, expect, it } from 'vitest';
import { AppError, ERROR_CODES, type ErrorCode } from '@/lib/errors';
import { errorResponse, STATUS_BY_CODE, toErrorBody } from '@/lib/http/error-response';
import { createLogger } from '@/lib/log/logger';

const EXPECTED: [ErrorCode, number][] = [
  ['VALIDATION_FAILED', 422],
  ['BAD_REQUEST', 400],
  ['NOT_FOUND', 404],
  ['METHOD_NOT_ALLOWED', 405],
  ['ALREADY_EXISTS', 409],
  ['STALE_REVISION', 409],
  ['NO_CHANGES', 409],
  ['ISSUE_NOT_FOUND', 422],
  ['ISSUE_INVALID', 422],
  ['ISSUE_STATE_NOT_ALLOWED', 422],
  ['PROMOTION_NOT_ALLOWED', 409],
  ['SEPARATION_OF_DUTIES', 403],
  ['NOT_VERIFIED', 409],
  ['AUTO_PROMOTION_MOVES_USERS', 409],
  ['TRANSITION_NEEDS_PROMOTION', 422],
  ['INCOMPATIBLE_WITH_CONSUMERS', 409],
  ['RESULTS_MODE_LOCKED', 409],
  ['UPSTREAM_UNAVAILABLE', 503],
  ['UPSTREAM_REJECTED', 502],
  ['PUSH_OUTCOME_UNKNOWN', 504],
  ['NOT_READY', 503],
  ['DATABASE_UNAVAILABLE', 503],
  ['UNAUTHENTICATED', 401],
  ['FORBIDDEN', 403],
  ['RATE_LIMITED', 429],
  ['PAYLOAD_TOO_LARGE', 413],
];

function capture() {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: 'debug', write: (line) => lines.push(line) }) };
}

describe('errorResponse', () => {
  it('maps every error code (the table covers the closed list)', () => {
    expect(new Set([...EXPECTED.map(([code]) => code), 'INTERNAL'])).toEqual(new Set(ERROR_CODES));
    expect(STATUS_BY_CODE.INTERNAL).toBe(500);
  });

  it.each(EXPECTED)('%s → %i with the one body shape', async (code, status) => {
    const { logger, lines } = capture();
    const error = new AppError(code, `message for ${code}`, { details: [{ path: '/x', message: 'is wrong' }] });
    const response = errorResponse(error, 'req-1', { logger });
    expect(response.status).toBe(status);
    expect(response.headers.get('x-request-id')).toBe('req-1');
    expect(await response.json()).toEqual({ code, message: `message for ${code}`, details: [{ path: '/x', message: 'is wrong' }] });
    expect(lines).toEqual([]); // expected errors are not logged as failures
  });

  it('hides unknown errors behind a reference and logs them with the stack', async () => {
    const { logger, lines } = capture();
    const response = errorResponse(new TypeError('secret internals: cannot read x of undefined'), 'ref-42', { logger });
    expect(response.status).toBe(500);
    const body = await response.json();
    expect(body).toEqual({ code: 'INTERNAL', message: 'Something went wrong (ref ref-42)', details: [] });
    expect(JSON.stringify(body)).not.toContain('secret internals');
    expect(lines).toHaveLength(1);
    const logged = JSON.parse(lines[0]);
    expect(logged).toMatchObject({ level: 'error', requestId: 'ref-42', error: { name: 'TypeError', message: 'secret internals: cannot read x of undefined' } });
    expect(logged.error.stack).toContain('TypeError');
  });

  it('treats an AppError INTERNAL like an unknown error', () => {
    expect(toErrorBody(new AppError('INTERNAL', 'db exploded at /var/lib'), 'r')).toEqual({ code: 'INTERNAL', message: 'Something went wrong (ref r)', details: [] });
  });

  it('sets Retry-After for RATE_LIMITED and carries data', async () => {
    const response = errorResponse(new AppError('RATE_LIMITED', 'slow down', { data: { retryAfterSeconds: 61 } }), 'r', { logger: capture().logger });
    expect(response.headers.get('retry-after')).toBe('61');
    expect((await response.json()).data).toEqual({ retryAfterSeconds: 61 });
  });
});
