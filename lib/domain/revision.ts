/**
 * A revision is a full 40-hex git commit id, parsed once where a use case receives it (`baseRevision`, `toRevision`,
 * `revision`, `targetRevision`, …) into a `Revision` the store trusts. Abbreviations, `HEAD~1` or branch names are
 * refused: a revision names exactly the commit the user loaded. A refusal is BAD_REQUEST with one detail whose path is
 * the JSON pointer of the request field (`/baseRevision`). Pure (runs in the browser).
 */
import { AppError } from '@/lib/errors';

export type Revision = string & { readonly __brand: 'Revision' };

const REVISION = /^[0-9a-f]{40}$/;

export function isRevision(value: unknown): value is Revision {
  return typeof value === 'string' && REVISION.test(value);
}

export function parseRevision(value: unknown, field = 'revision'): Revision {
  if (isRevision(value)) return value;
  const shown = typeof value === 'string' ? value.slice(0, 60).replace(/[\u0000-\u001f\u007f]/g, '?') : String(value ?? '');
  throw new AppError('BAD_REQUEST', `${field} must be a full 40-character git revision (the one you loaded), got '${shown}'.`, {
    details: [{ path: `/${field}`, message: 'must be a 40-character hexadecimal revision' }],
  });
}

/** A revision or nothing (an optional field left out, null or empty). */
export function parseOptionalRevision(value: unknown, field: string): Revision | null {
  return value === undefined || value === null || value === '' ? null : parseRevision(value, field);
}
