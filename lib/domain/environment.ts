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

/** An allowed promotion as a value: only the pairs of PROMOTIONS type-check, so the store needs no check of its own. */
export type Promotion = { from: 'trunk'; to: PromotionTarget } | { from: 'qa'; to: 'production' };

const ALLOWED = PROMOTIONS.map(([a, b]) => `${a}→${b}`).join(', ');

/** The promotion `from` → `to`, or PROMOTION_NOT_ALLOWED with Proctor's message and the allowed pairs at `/to`. */
export function parsePromotion(from: unknown, to: unknown): Promotion {
  if (isPromotion(from, to)) return { from, to } as Promotion;
  throw new AppError('PROMOTION_NOT_ALLOWED', `Invalid combination of source and destination: source=${String(from)} dest=${String(to)}. Promote ${ALLOWED}.`, {
    details: [{ path: '/to', message: `allowed pairs: ${ALLOWED}` }],
  });
}

export function parseEnvironment(value: unknown, field = 'env'): Environment {
  if (isEnvironment(value)) return value;
  throw new AppError('NOT_FOUND', `Branch ${String(value)} is not a correct branch name. It must be one of (trunk, qa, production).`, {
    details: [{ path: `/${field}`, message: 'must be trunk, qa or production' }],
  });
}
