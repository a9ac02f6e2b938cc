/**
 * Proctor's environments and the promotions between them: the one home of these words. Pure (runs in the browser).
 * Each environment maps to a configurable git branch in the store; this module knows nothing of git.
 *
 * `parseEnvironment` is the edge of a use case. An unknown environment is NOT_FOUND (it names a branch that does not
 * exist: `/api/v1/matrix/prod` is a missing resource), with Proctor's message and one detail at the field's JSON
 * pointer (`/env`). (The store's own copy said BAD_REQUEST without a detail; no request ever reached it.)
 */
import { AppError } from '@/lib/errors';

export const ENVIRONMENTS = ['trunk', 'qa', 'production'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** The environments a definition can be promoted into. */
export type PromotionTarget = Exclude<Environment, 'trunk'>;

/** Seed 004: whole files are copied trunk → qa → production; trunk → production is Proctor's direct promotion. */
export const PROMOTIONS: ReadonlyArray<readonly [Environment, PromotionTarget]> = [
  ['trunk', 'qa'],
  ['qa', 'production'],
  ['trunk', 'production'],
];

export function isEnvironment(value: unknown): value is Environment {
  return typeof value === 'string' && (ENVIRONMENTS as readonly string[]).includes(value);
}

export function isPromotion(from: unknown, to: unknown): to is PromotionTarget {
  return PROMOTIONS.some(([a, b]) => a === from && b === to);
}

export function parseEnvironment(value: unknown, field = 'env'): Environment {
  if (isEnvironment(value)) return value;
  throw new AppError('NOT_FOUND', `Branch ${String(value)} is not a correct branch name. It must be one of (trunk, qa, production).`, {
    details: [{ path: `/${field}`, message: 'must be trunk, qa or production' }],
  });
}
