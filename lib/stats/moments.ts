/**
 * Per-unit moments of one arm for one goal, from the aggregates: n exposed units (units that never converted count as
 * 0), Σ of the unit's value and Σ of its square. Binary goal: a unit's value is 1 when it converted, so both sums are
 * the converting units. Counting/value goal: the unit's sum, and Σ (unit's sum)².
 */
export interface Moments {
  n: number;
  sum: number;
  sumSquares: number;
}

export function binaryMoments(exposedUnits: number, convertingUnits: number): Moments {
  return { n: exposedUnits, sum: convertingUnits, sumSquares: convertingUnits };
}

export function valueMoments(exposedUnits: number, sum: number, unitSumSquares: number): Moments {
  return { n: exposedUnits, sum, sumSquares: unitSumSquares };
}

export function mean(m: Moments): number | null {
  return m.n > 0 ? m.sum / m.n : null;
}

/** Sample variance (n − 1); null below 2 units. Never negative (rounding of large sums is clipped at 0). */
export function sampleVariance(m: Moments): number | null {
  if (m.n < 2) return null;
  const mu = m.sum / m.n;
  return Math.max(0, (m.sumSquares - m.n * mu * mu) / (m.n - 1));
}
