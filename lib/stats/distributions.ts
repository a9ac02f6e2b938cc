/**
 * The distribution functions results use, all from stdlib's maintained packages (issue #20: no hand-written
 * approximations). Upper tails are taken as the lower tail of the mirrored value where that keeps precision.
 */
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';

/** Two-sided p-value of a t statistic with `df` degrees of freedom (Infinity → the normal). */
export function twoSidedTPValue(t: number, df: number): number {
  const tail = Number.isFinite(df) ? tCdf(-Math.abs(t), df) : normalCdf(-Math.abs(t), 0, 1);
  return Math.min(1, 2 * tail);
}

/** The 1 − α/2 quantile: the multiplier of a two-sided (1 − α) interval. */
export function twoSidedCritical(alpha: number, df: number): number {
  return Number.isFinite(df) ? tQuantile(1 - alpha / 2, df) : normalQuantile(1 - alpha / 2, 0, 1);
}

/** P(X ≥ x) for a chi-square with k degrees of freedom. */
export function chiSquareUpperTail(x: number, k: number): number {
  return Math.max(0, 1 - chisquareCdf(x, k));
}
