/**
 * One test bucket against control for one goal: absolute lift (difference of per-unit means) and relative lift (ratio
 * − 1, delta method), each with a (1 − α) interval, and a two-sided Welch t-test p-value (Welch–Satterthwaite degrees
 * of freedom). In sequential mode the intervals are confidence sequences and the p-value is the sequential one
 * (./sequential.ts). Whatever cannot be estimated honestly (an arm under 2 units, zero spread in both arms, a control
 * mean of 0 for the relative lift) is null, never NaN.
 */
import { mean, sampleVariance, type Moments } from './moments';
import { sequentialHalfWidth, sequentialPValue } from './sequential';
import { twoSidedCritical, twoSidedTPValue } from './distributions';

export type Interval = [number, number];

export interface Estimate {
  estimate: number;
  interval: Interval | null;
}

export interface StatsOptions {
  alpha: number;
  mode: 'fixed' | 'sequential';
  /** N* of the sequential mode. */
  sequentialN: number;
}

export interface ArmComparison {
  absoluteLift: Estimate | null;
  relativeLift: Estimate | null;
  pValue: number | null;
  /** Welch–Satterthwaite degrees of freedom (fixed mode). */
  df: number | null;
}

export interface ArmEstimate {
  mean: number | null;
  interval: Interval | null;
}

const finite = (x: number) => (Number.isFinite(x) ? x : null);

function interval(center: number, halfWidth: number): Interval | null {
  return Number.isFinite(halfWidth) && Number.isFinite(center) ? [center - halfWidth, center + halfWidth] : null;
}

/** One arm's mean with its (1 − α) interval: t with n − 1 df, or the confidence sequence over its own units. */
export function estimateArm(m: Moments, options: StatsOptions): ArmEstimate {
  const mu = mean(m);
  const variance = sampleVariance(m);
  if (mu === null || variance === null) return { mean: mu, interval: null };
  const se = Math.sqrt(variance / m.n);
  const half = options.mode === 'sequential' ? (se === 0 ? 0 : sequentialHalfWidth(se, m.n, options.alpha, options.sequentialN)) : twoSidedCritical(options.alpha, m.n - 1) * se;
  return { mean: mu, interval: interval(mu, half) };
}

export function welchDf(vc: number, nc: number, vt: number, nt: number): number {
  const a = vc / nc;
  const b = vt / nt;
  return ((a + b) * (a + b)) / ((a * a) / (nc - 1) + (b * b) / (nt - 1));
}

export function compareArms(control: Moments, treatment: Moments, options: StatsOptions): ArmComparison {
  const none: ArmComparison = { absoluteLift: null, relativeLift: null, pValue: null, df: null };
  const mc = mean(control);
  const mt = mean(treatment);
  const vc = sampleVariance(control);
  const vt = sampleVariance(treatment);
  if (mc === null || mt === null || vc === null || vt === null) return none;
  const diff = mt - mc;
  const se2 = vc / control.n + vt / treatment.n;
  // No spread in either arm: the t statistic is 0/0 or ±∞ — nothing to say honestly beyond the difference itself.
  if (!(se2 > 0)) return { ...none, absoluteLift: { estimate: diff, interval: null }, relativeLift: mc !== 0 ? { estimate: mt / mc - 1, interval: null } : null };
  const se = Math.sqrt(se2);
  const df = welchDf(vc, control.n, vt, treatment.n);
  const n = control.n + treatment.n;
  const sequential = options.mode === 'sequential';
  const halfWidth = (seOf: number) => (sequential ? sequentialHalfWidth(seOf, n, options.alpha, options.sequentialN) : twoSidedCritical(options.alpha, df) * seOf);
  const pValue = sequential ? sequentialPValue(diff, se, n, options.alpha, options.sequentialN) : twoSidedTPValue(diff / se, df);
  let relativeLift: Estimate | null = null;
  if (mc !== 0) {
    // Delta method for mt/mc − 1 with independent arms.
    const relVar = vt / treatment.n / (mc * mc) + (mt * mt * vc) / control.n / (mc * mc * mc * mc);
    const relSe = Math.sqrt(relVar);
    const estimate = mt / mc - 1;
    relativeLift = { estimate, interval: relSe > 0 ? interval(estimate, halfWidth(relSe)) : null };
  }
  return { absoluteLift: { estimate: diff, interval: interval(diff, halfWidth(se)) }, relativeLift, pValue: finite(pValue), df: sequential ? null : finite(df) };
}
