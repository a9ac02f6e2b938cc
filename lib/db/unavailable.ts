/**
 * "The database is briefly unreachable" — the embedded database process is being restarted (lib/db/pglite-process.ts),
 * or a PostgreSQL server is down or restarting — as opposed to a query that is wrong. Such errors are answered 503
 * DATABASE_UNAVAILABLE with Retry-After (lib/http/error-response.ts), and pages show a notice instead of signing the
 * user out (lib/server/current-user.ts).
 */
import { AppError, isAppError } from '@/lib/errors';

/** Seconds a client is asked to wait: a restart of the embedded database takes about a second on an idle machine. */
export const DATABASE_RETRY_AFTER_SECONDS = 3;

export const DATABASE_UNAVAILABLE_MESSAGE = 'The database is restarting or briefly unreachable; try again in a few seconds.';

/** Prisma's "can't reach the database server" (P1001), "timed out reaching it" (P1002), "it closed the connection" (P1017). */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1017']);
/** The driver adapter's kinds for the same (@prisma/adapter-pg convertDriverError). */
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout']);
/** node-postgres connecting or talking to a socket nobody answers on (ENOENT: the Unix socket file is gone). */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOENT']);
/** SQLSTATE class 08 (connection exception), 57P01–57P03 (the server is shutting down, crashed, or still starting). */
const SQLSTATE = /^(08[0-9A-Z]{3}|57P0[1-3])$/;

type Shape = { name?: unknown; code?: unknown; kind?: unknown; syscall?: unknown; severity?: unknown; message?: unknown; meta?: unknown; cause?: unknown };

function adapterCauseUnavailable(cause: unknown): boolean {
  if (typeof cause !== 'object' || cause === null) return false;
  const { kind, code } = cause as Shape;
  return (typeof kind === 'string' && ADAPTER_KINDS.has(kind)) || (kind === 'postgres' && typeof code === 'string' && SQLSTATE.test(code));
}

/**
 * True for errors that mean the database could not be reached. Prisma errors are recognised through their cause chain;
 * node-postgres errors (migrations, opening the database) only at the top, so that a cause buried in something else —
 * e.g. a tracker request refused by its server — is not taken for the database.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if (isAppError(error)) return error.code === 'DATABASE_UNAVAILABLE';
  const top = error as Shape;
  if (typeof top.code === 'string') {
    if (typeof top.syscall === 'string' && SOCKET_CODES.has(top.code) && (top.code !== 'ENOENT' || top.syscall === 'connect')) return true;
    if (typeof top.severity === 'string' && SQLSTATE.test(top.code)) return true;
  }
  if (top.message === 'Connection terminated unexpectedly' || top.message === 'Connection terminated') return true;
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const shape = current as Shape;
    if (typeof shape.name === 'string' && shape.name.startsWith('PrismaClient')) {
      // Driver errors the adapter does not classify keep their own code (a Unix socket that is gone: ENOENT) or message.
      if (typeof shape.code === 'string' && (PRISMA_CODES.has(shape.code) || SOCKET_CODES.has(shape.code))) return true;
      if (typeof shape.message === 'string' && shape.message.includes('Connection terminated unexpectedly')) return true;
    }
    const meta = shape.meta as { driverAdapterError?: { cause?: unknown } } | undefined;
    if (adapterCauseUnavailable(meta?.driverAdapterError?.cause)) return true;
    if (shape.name === 'DriverAdapterError' && adapterCauseUnavailable(shape.cause)) return true;
    current = shape.cause;
  }
  return false;
}

export function databaseUnavailableError(cause?: unknown): AppError {
  return new AppError('DATABASE_UNAVAILABLE', DATABASE_UNAVAILABLE_MESSAGE, { data: { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS }, cause });
}

/** The error as the application answers it: a database that cannot be reached becomes DATABASE_UNAVAILABLE. */
export function asAppFailure(error: unknown): unknown {
  return !isAppError(error) && isDatabaseUnavailable(error) ? databaseUnavailableError(error) : error;
}
