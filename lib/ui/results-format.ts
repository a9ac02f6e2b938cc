/**
 * Results in plain words (issue #20): rates as percentages, lifts with their sign and interval, p-values without float
 * noise ("p = 0.012", "p < 0.001"), verdicts and the sample-ratio check said as a person would. Pure, browser-safe.
 */
import type { Interval, PhaseResult, ResultsHealthValue, Verdict } from './api';

const MINUS = '\u2212';

/** Fixed decimals, a real minus sign, no "-0". */
function fixed(value: number, decimals: number): string {
  const text = Math.abs(value).toFixed(decimals);
  const zero = Number(text) === 0;
  return `${value < 0 && !zero ? MINUS : ''}${text}`;
}

function signed(value: number, decimals: number): string {
  const text = fixed(value, decimals);
  return text.startsWith(MINUS) || Number(fixed(Math.abs(value), decimals)) === 0 ? text : `+${text}`;
}

/** Decimals so that the figure keeps about 3 significant digits (counts and means of any size). */
function decimalsFor(value: number): number {
  const magnitude = Math.abs(value);
  if (magnitude === 0 || !Number.isFinite(magnitude)) return 2;
  return Math.max(0, Math.min(4, 2 - Math.floor(Math.log10(magnitude))));
}

/** A goal's value: a rate (binary goal) as "12.3%", a mean (count goal) with ~3 significant digits. */
export function formatValue(value: number, kind: 'binary' | 'count'): string {
  return kind === 'binary' ? `${fixed(value * 100, 1)}%` : fixed(value, decimalsFor(value));
}

export function formatValueInterval(interval: Interval | null, kind: 'binary' | 'count'): string {
  return interval ? `${formatValue(interval[0], kind)} to ${formatValue(interval[1], kind)}` : 'no interval yet';
}

/** Relative lift: a fraction shown as "+2.3% (−0.4% to +5.1%)". */
export function formatRelativeLift(estimate: number, interval: Interval | null): string {
  const pct = (x: number) => `${signed(x * 100, 1)}%`;
  return `${pct(estimate)}${interval ? ` (${pct(interval[0])} to ${pct(interval[1])})` : ''}`;
}

/** Absolute lift: percentage points for a rate, the mean's unit for a count. */
export function formatAbsoluteLift(estimate: number, interval: Interval | null, kind: 'binary' | 'count'): string {
  const decimals = kind === 'binary' ? 2 : decimalsFor(interval ? Math.max(Math.abs(interval[0]), Math.abs(interval[1])) : estimate);
  const one = (x: number) => (kind === 'binary' ? `${signed(x * 100, decimals)} pp` : signed(x, decimals));
  return `${one(estimate)}${interval ? ` (${one(interval[0])} to ${one(interval[1])})` : ''}`;
}

/** "p = 0.012", "p = 0.43", "p < 0.001"; two significant digits are all a p-value honestly carries. */
export function formatPValue(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return 'p not computed';
  if (p < 0.001) return 'p < 0.001';
  if (p >= 0.995) return 'p = 1.0';
  return `p = ${Number(p.toPrecision(2))}`;
}

export function formatConfidence(alpha: number): string {
  return `${Number(((1 - alpha) * 100).toPrecision(4))}%`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export const VERDICT_WORDS: Record<Verdict, string> = {
  better: 'Better than control',
  worse: 'Worse than control',
  inconclusive: 'No clear difference yet',
  'not-enough-data': 'Not enough data yet',
};

export const HEALTH_WORDS: Record<ResultsHealthValue, string> = {
  srm: 'Traffic split off',
  'not-enough-data': 'Not enough data',
  significant: 'Significant result',
  ok: 'Collecting',
  'no-data': 'No data',
};

/**
 * The sample-ratio check in plain words: which buckets got which share against the configured one, and what to do.
 * Null when there is nothing to say (the split matches, or too few units to judge).
 */
export function srmMessage(phase: PhaseResult): { level: 'warning' | 'mismatch'; text: string; advice: string } | null {
  const { srm } = phase;
  if (srm.level !== 'warning' && srm.level !== 'mismatch') return null;
  const observedTotal = Object.values(srm.observed).reduce((a, b) => a + b, 0);
  const expectedTotal = Object.values(srm.expected).reduce((a, b) => a + b, 0);
  const parts = phase.arms.map((arm) => {
    const observed = srm.observed[String(arm.bucket)] ?? 0;
    const expected = srm.expected[String(arm.bucket)] ?? 0;
    const share = (n: number, total: number) => (total > 0 ? `${fixed((n / total) * 100, 1)}%` : '0%');
    return `${arm.name} got ${share(observed, observedTotal)} of the units (${formatCount(observed)}) where ${share(expected, expectedTotal)} was expected`;
  });
  const text = `${parts.join('; ')}.`;
  const advice =
    srm.level === 'mismatch'
      ? 'This split is very unlikely by chance (' + formatPValue(srm.pValue) + '), so the results below are not trustworthy: check that every bucket logs its exposures (a bucket whose page fails or redirects before logging loses units), that bots or caches are not filtering one bucket, and that the allocation was not changed outside Proctor Studio. Fix the cause, then start a new phase.'
      : 'The split is off by more than chance usually explains (' + formatPValue(srm.pValue) + '). Keep an eye on it: check that every bucket logs its exposures the same way.';
  return { level: srm.level, text, advice };
}

const CONCLUSION_FIELDS = [
  ['hypothesis', 'Hypothesis'],
  ['result', 'Result'],
  ['decision', 'Decision'],
] as const;

/** The written conclusion as an issue comment or commit text: one line per field filled in ('' when none is). */
export function conclusionText(testName: string, c: { hypothesis: string; result: string; decision: string }): string {
  const lines = CONCLUSION_FIELDS.filter(([key]) => c[key].trim()).map(([key, label]) => `${label}: ${c[key].trim()}`);
  return lines.length ? [`Conclusion of ${testName}:`, ...lines].join('\n') : '';
}
