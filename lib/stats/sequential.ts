/**
 * Confidence sequences as GrowthBook documents them for its sequential mode (asymptotic confidence sequences of
 * Waudby-Smith et al. 2023): the interval stays valid however often one looks. N* (the tuning parameter, default 5,000)
 * is the sample size where the sequence is tightest; ρ follows from α and N*.
 *   ρ = √((−2 ln α + ln(−2 ln α + 1)) / N*)
 *   half-width = √s² · √(2(nρ² + 1) / (n²ρ²) · ln(√(nρ² + 1) / α))   s² = per-observation variance, n = total units
 *   p = min(1, exp(−(ρ² n θ̂² / (2 SE² (nρ² + 1)) − ½ ln(nρ² + 1))))   the e-value's inverse, consistent with the interval
 */
export const DEFAULT_SEQUENTIAL_N = 5000;

export function sequentialRho(alpha: number, tuningN: number): number {
  const logAlpha = Math.log(alpha);
  return Math.sqrt((-2 * logAlpha + Math.log(-2 * logAlpha + 1)) / tuningN);
}

/** Half-width for an estimate with standard error `se` from `n` units in all. */
export function sequentialHalfWidth(se: number, n: number, alpha: number, tuningN: number): number {
  const rho = sequentialRho(alpha, tuningN);
  const s2 = se * se * n;
  const k = n * rho * rho + 1;
  return Math.sqrt(s2) * Math.sqrt(((2 * k) / (n * n * rho * rho)) * Math.log(Math.sqrt(k) / alpha));
}

export function sequentialPValue(estimate: number, se: number, n: number, alpha: number, tuningN: number): number {
  const rho = sequentialRho(alpha, tuningN);
  const k = n * rho * rho + 1;
  const tSquared = (estimate * estimate * n) / (se * se);
  const logE = (rho * rho * tSquared) / (2 * k) - 0.5 * Math.log(k);
  return logE <= 0 ? 1 : Math.min(1, Math.exp(-logE));
}
