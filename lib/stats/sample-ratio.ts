/**
 * Sample-ratio mismatch: Pearson's chi-square of the observed units per arm against the expected counts (from the
 * configured allocation shares; arms that got no traffic are counted). Judged at p < 0.001 (mismatch), warning between
 * 0.001 and 0.01. Arms expected to get nobody are left out unless someone landed there (then: mismatch). Below 5
 * expected units in an arm the chi-square approximation does not hold: not enough data.
 */
import { chiSquareUpperTail } from './distributions';

export type SrmLevel = 'ok' | 'warning' | 'mismatch' | 'not-enough-data';

export interface SrmResult {
  level: SrmLevel;
  chiSquare: number | null;
  pValue: number | null;
}

export const SRM_MISMATCH_P = 0.001;
export const SRM_WARNING_P = 0.01;
export const SRM_MIN_EXPECTED = 5;

export function sampleRatioCheck(observed: number[], expected: number[]): SrmResult {
  const cells = observed.map((o, i) => ({ o, e: expected[i] ?? 0 }));
  if (cells.some((c) => c.e <= 0 && c.o > 0)) return { level: 'mismatch', chiSquare: null, pValue: 0 };
  const used = cells.filter((c) => c.e > 0);
  if (used.length < 2 || used.some((c) => c.e < SRM_MIN_EXPECTED)) return { level: 'not-enough-data', chiSquare: null, pValue: null };
  const chiSquare = used.reduce((s, c) => s + ((c.o - c.e) * (c.o - c.e)) / c.e, 0);
  const pValue = chiSquareUpperTail(chiSquare, used.length - 1);
  const level: SrmLevel = pValue < SRM_MISMATCH_P ? 'mismatch' : pValue < SRM_WARNING_P ? 'warning' : 'ok';
  return { level, chiSquare, pValue };
}
