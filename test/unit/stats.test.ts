/**
 * lib/stats against SciPy (issue #20): every statistic of test/fixtures/stats-reference.json, written by
 * scripts/stats-fixtures.py with scipy.stats (ttest_ind_from_stats equal_var=False, t.ppf, norm.ppf, chisquare).
 */
import { describe, expect, it } from 'vitest';
import reference from '../fixtures/stats-reference.json';
import { compareArms, estimateArm, holmAdjust, sampleRatioCheck, enoughData, verdictOf, type Moments } from '@/lib/stats';
import { twoSidedCritical } from '@/lib/stats/distributions';

const RELATIVE = 1e-9;

/** Tight relative tolerance; null must stay null (nothing estimable), never NaN. */
function close(actual: number | null | undefined, expected: number | null | undefined, label: string) {
  if (expected === null || expected === undefined) {
    expect(actual ?? null, label).toBeNull();
    return;
  }
  expect(actual, label).not.toBeNull();
  const a = actual as number;
  const tolerance = Math.max(Math.abs(expected) * RELATIVE, 1e-15);
  expect(Math.abs(a - expected), `${label}: ${a} vs SciPy ${expected}`).toBeLessThanOrEqual(tolerance);
}

function closeInterval(actual: [number, number] | null, expected: number[] | null, label: string) {
  if (expected === null) return expect(actual, label).toBeNull();
  expect(actual, label).not.toBeNull();
  close(actual![0], expected[0], `${label} low`);
  close(actual![1], expected[1], `${label} high`);
}

type Estimate = { estimate: number; interval: number[] | null } | null;
function closeEstimate(actual: { estimate: number; interval: [number, number] | null } | null, expected: Estimate, label: string) {
  if (expected === null) return expect(actual, label).toBeNull();
  close(actual?.estimate, expected.estimate, `${label} estimate`);
  closeInterval(actual?.interval ?? null, expected.interval, `${label} interval`);
}

describe('comparisons against SciPy', () => {
  for (const c of reference.comparisons) {
    it(c.name, () => {
      const options = { alpha: c.alpha, mode: c.mode as 'fixed' | 'sequential', sequentialN: c.sequentialN };
      for (const side of ['control', 'treatment'] as const) {
        const arm = estimateArm(c[side] as Moments, options);
        close(arm.mean, c.expected[side].mean, `${side} mean`);
        closeInterval(arm.interval, c.expected[side].interval, `${side} interval`);
      }
      const result = compareArms(c.control as Moments, c.treatment as Moments, options);
      const e = c.expected.comparison;
      closeEstimate(result.absoluteLift, e.absoluteLift as Estimate, 'absolute lift');
      closeEstimate(result.relativeLift, e.relativeLift as Estimate, 'relative lift');
      close(result.pValue, e.pValue, 'p-value');
      close(result.df, e.df, 'df');
      expect(JSON.stringify(result)).not.toMatch(/NaN|Infinity/);
    });
  }
});

describe('quantiles against SciPy', () => {
  for (const q of reference.quantiles) {
    it(`p=${q.p} df=${q.df ?? '∞'}`, () => {
      const alpha = 2 * (1 - q.p);
      close(twoSidedCritical(alpha, q.df ?? Infinity), ('t' in q ? q.t : q.z) as number, 'quantile');
    });
  }
});

describe('sample-ratio check against SciPy chisquare', () => {
  for (const s of reference.srm) {
    it(s.name, () => {
      const result = sampleRatioCheck(s.observed, s.expected);
      close(result.chiSquare, s.chiSquare, 'chi-square');
      // p-values below 1e-300 underflow differently; both are "0" for the verdict.
      if (s.pValue < 1e-300) expect(result.pValue!).toBeLessThan(1e-300);
      else close(result.pValue, s.pValue, 'p-value');
      expect(result.level).toBe(s.pValue < 0.001 ? 'mismatch' : s.pValue < 0.01 ? 'warning' : 'ok');
    });
  }
  it('an arm expected to get nobody that got traffic is a mismatch; tiny expectations are not enough data', () => {
    expect(sampleRatioCheck([10, 3], [13, 0]).level).toBe('mismatch');
    expect(sampleRatioCheck([3, 4], [3.5, 3.5]).level).toBe('not-enough-data');
  });
});

describe('Holm correction', () => {
  for (const h of reference.holm) {
    it(h.pValues.join(', '), () => {
      const adjusted = holmAdjust(h.pValues);
      h.adjusted.forEach((p, i) => close(adjusted[i], p, `adjusted ${i}`));
    });
  }
  it('leaves null p-values out of the family', () => {
    expect(holmAdjust([0.01, null, 0.02])).toEqual([0.02, null, 0.02]);
  });
});

describe('minimum data and verdicts', () => {
  it('needs 8 units per arm and 150 conversions', () => {
    expect(enoughData([7, 1000], 500).ok).toBe(false);
    expect(enoughData([8, 8], 149).ok).toBe(false);
    expect(enoughData([8, 8], 150)).toEqual({ ok: true, reason: null });
  });
  it('says better/worse only below alpha and with enough data', () => {
    expect(verdictOf(true, 0.1, 0.049, 0.05)).toBe('better');
    expect(verdictOf(true, -0.1, 0.049, 0.05)).toBe('worse');
    expect(verdictOf(true, 0.1, 0.05, 0.05)).toBe('inconclusive');
    expect(verdictOf(true, 0.1, 0.07, 0.1)).toBe('better');
    expect(verdictOf(false, 0.1, 0.0001, 0.05)).toBe('not-enough-data');
    expect(verdictOf(true, 0.1, null, 0.05)).toBe('not-enough-data');
  });
});
