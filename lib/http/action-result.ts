/**
 * Server actions return errors as values: Next.js replaces the message of an error thrown from a server action with a
 * generic one in production builds, so the UI could not show "PROTEST-7 is in status …". Same body as the REST API.
 */
import { randomUUID } from 'node:crypto';
import { getLogger } from '@/lib/log/logger';
import { logUnexpectedError, toErrorBody, type ErrorBody } from './error-response';

export type ActionResult<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

export async function toActionResult<T>(run: () => Promise<T> | T, requestId: string = randomUUID()): Promise<ActionResult<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    // redirect()/notFound() work by throwing; they must reach Next.js untouched.
    if (isNextControlFlow(error)) throw error;
    logUnexpectedError(error, requestId, getLogger());
    return { ok: false, error: toErrorBody(error, requestId) };
  }
}

function isNextControlFlow(error: unknown): boolean {
  const digest = (error as { digest?: unknown } | null)?.digest;
  return typeof digest === 'string' && /^(NEXT_REDIRECT|NEXT_NOT_FOUND|NEXT_HTTP_ERROR_FALLBACK|DYNAMIC_SERVER_USAGE)/.test(digest);
}
