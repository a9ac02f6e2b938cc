/**
 * Next bundles lib/ into more than one chunk (instrumentation, where the store lives, vs routes). Values made by one copy
 * must be recognised by another: an AppError (or the HTTP layer turns it into a 500), a DoubleValue (or a double
 * constant is written as an object).
 */
import { readFileSync } from 'node:fs';
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

describe('DoubleValue across module copies', () => {
  it('a definition read by one copy of the core is written by another with its doubles intact', async () => {
    const reader = await import('@/lib/proctor/parse-definition');
    vi.resetModules();
    const writer = (await import('@/lib/proctor/serialize-definition')) as typeof import('@/lib/proctor/serialize-definition');
    const text = readFileSync('proctor-data/test-definitions/checkout_button_color/definition.json', 'utf8');
    const definition = reader.parseDefinition(text);
    const withDouble = { ...definition, constants: { ...definition.constants, RATIO: reader.parseDefinition('{"constants":{"r":1.0}}').constants.r } };
    const written = writer.serializeDefinition(withDouble);
    expect(written).toContain('"RATIO" : 1.0');
    expect(writer.serializeDefinition(definition)).toBe(text);
  });
});
