import { describe, expect, it } from 'vitest';
import { conclusionText, formatAbsoluteLift, formatConfidence, formatPValue, formatRelativeLift, formatValue, srmMessage } from '../../lib/ui/results-format';
import type { PhaseResult } from '../../lib/ui/api';

describe('results in plain words', () => {
  it('formats relative lifts with sign, real minus and interval, without float noise', () => {
    expect(formatRelativeLift(0.023, [-0.004, 0.051])).toBe('+2.3% (\u22120.4% to +5.1%)');
    expect(formatRelativeLift(0.1 + 0.2 - 0.3, null)).toBe('0.0%');
    expect(formatRelativeLift(-0.00001, [-0.02, 0.02])).toBe('0.0% (\u22122.0% to +2.0%)');
  });

  it('formats absolute lifts as percentage points for rates and in units for counts', () => {
    expect(formatAbsoluteLift(0.0123, [0.001, 0.0236], 'binary')).toBe('+1.23 pp (+0.10 pp to +2.36 pp)');
    expect(formatAbsoluteLift(-1.5, [-3.25, 0.25], 'count')).toBe('\u22121.50 (\u22123.25 to +0.25)');
  });

  it('formats p-values plainly', () => {
    expect(formatPValue(0.0123456)).toBe('p = 0.012');
    expect(formatPValue(0.0004)).toBe('p < 0.001');
    expect(formatPValue(0.1 + 0.2)).toBe('p = 0.3');
    expect(formatPValue(0.9999)).toBe('p = 1.0');
    expect(formatPValue(null)).toBe('p not computed');
  });

  it('formats rates, means and confidence', () => {
    expect(formatValue(0.12345, 'binary')).toBe('12.3%');
    expect(formatValue(3.14159, 'count')).toBe('3.14');
    expect(formatValue(1234.5, 'count')).toBe('1235');
    expect(formatConfidence(0.05)).toBe('95%');
    expect(formatConfidence(0.01)).toBe('99%');
  });

  it('names observed against expected shares when the split is off', () => {
    const phase = {
      arms: [
        { bucket: 0, name: 'control', expectedShare: 0.5, exposedUnits: 600, goals: {} },
        { bucket: 1, name: 'one_tap_apply', expectedShare: 0.5, exposedUnits: 400, goals: {} },
      ],
      srm: { level: 'mismatch', chiSquare: 40, pValue: 1e-9, observed: { '0': 600, '1': 400 }, expected: { '0': 500, '1': 500 } },
    } as unknown as PhaseResult;
    const message = srmMessage(phase)!;
    expect(message.text).toBe('control got 60.0% of the units (600) where 50.0% was expected; one_tap_apply got 40.0% of the units (400) where 50.0% was expected.');
    expect(message.advice).toMatch(/p < 0.001/);
    expect(srmMessage({ ...phase, srm: { ...phase.srm, level: 'ok' } })).toBeNull();
  });

  it('writes the conclusion as text for the issue, one line per field filled in', () => {
    expect(conclusionText('t', { hypothesis: ' Green is seen more. ', result: '', decision: 'Choose green.' })).toBe('Conclusion of t:\nHypothesis: Green is seen more.\nDecision: Choose green.');
    expect(conclusionText('t', { hypothesis: ' ', result: '', decision: '' })).toBe('');
  });
});
