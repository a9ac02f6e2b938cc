/**
 * For server components: run a service call and keep its AppError as data, so the page shows the same readable
 * message as the API ({code, message, details}) instead of Next's generic production error.
 */
import { randomUUID } from 'node:crypto';
import { toErrorBody, logUnexpectedError } from '@/lib/http/error-response';
import type { ApiErrorBody } from '@/lib/ui/api-error';

export type Loaded<T> = { ok: true; value: T } | { ok: false; error: ApiErrorBody };

export async function load<T>(run: () => Promise<T>): Promise<Loaded<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    // Next's redirect()/notFound() signal by throwing; they must pass through.
    if (error && typeof error === 'object' && 'digest' in error && typeof (error as { digest: unknown }).digest === 'string' && /^NEXT_/.test((error as { digest: string }).digest)) throw error;
    const requestId = randomUUID().slice(0, 8);
    logUnexpectedError(error, requestId);
    return { ok: false, error: toErrorBody(error, requestId) };
  }
}
