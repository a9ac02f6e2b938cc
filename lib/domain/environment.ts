/**
 * Proctor's environments and the promotions between them: the one home of these words. Pure (runs in the browser).
 * Each environment maps to a configurable git branch in the store; this module knows nothing of git.
 */
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
