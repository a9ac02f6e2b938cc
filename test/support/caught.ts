import { AppError } from '@/lib/errors';

/** The AppError a call (or promise) rejects with; fails the test when it resolves or throws something else. */
export async function caught(promise: Promise<unknown> | (() => unknown)): Promise<AppError> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}
