/**
 * Next bundles lib/errors.ts into more than one chunk (instrumentation vs routes); an AppError made by one copy must
 * pass `instanceof AppError` / isAppError of another, or the HTTP layer turns it into a 500.
 */
import { describe, expect, it, vi } from 'vitest';
import * as first from '@/lib/errors';

describe('AppError across module copies', () => {
  it('is recognised by a second copy of lib/errors', async () => {
    vi.resetModules();
    const second = (await import('@/lib/errors')) as typeof first;
    expect(second.AppError).not.toBe(first.AppError); // really two classes
    const error = new second.AppError('STALE_REVISION', 'stale');
    expect(error instanceof first.AppError).toBe(true);
    expect(first.isAppError(error)).toBe(true);
    expect(first.isAppError(new first.AppError('NO_CHANGES', 'x'))).toBe(true);
  });

  it('does not take other errors for AppErrors', () => {
    expect(first.isAppError(new Error('x'))).toBe(false);
    expect(first.isAppError(Object.assign(new Error('x'), { code: 'NOT_FOUND', name: 'AppError' }))).toBe(false);
    expect(first.isAppError(null)).toBe(false);
    expect(first.isAppError('AppError')).toBe(false);
  });
});
