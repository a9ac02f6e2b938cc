import { describe, expect, it } from 'vitest';
import { boundaryDay, historyChartData } from '../../lib/ui/history-chart-data';
import type { ResultsHistory } from '../../lib/ui/api';

const history: ResultsHistory = {
  testName: 't', environment: 'production', goal: 'applied', kind: 'binary', control: { bucket: 0, name: 'control' },
  buckets: [
    { bucket: 0, name: 'control', points: [
      { phase: 0, day: '2026-01-01', exposedUnits: 10, cumulativeUnits: 10, mean: 0.1, interval: [0.05, 0.15], lift: null },
      { phase: 0, day: '2026-01-03', exposedUnits: 5, cumulativeUnits: 15, mean: 0.12, interval: [0.07, 0.17], lift: null },
    ] },
    { bucket: 1, name: 'green', points: [
      { phase: 0, day: '2026-01-01', exposedUnits: 11, cumulativeUnits: 11, mean: 0.2, interval: [0.1, 0.3], lift: { estimate: 1, interval: [-0.5, 2.5] } },
    ] },
  ],
  alpha: 0.05, mode: 'fixed',
  phaseBoundaries: [{ index: 1, at: '2026-01-02T10:00:00Z', definitionVersion: 'abcdef123', revision: 'c0ffee1234', issueKey: 'PROTEST-1' }],
};

describe('historyChartData', () => {
  it('makes one row per day with each bucket under its own keys, lift only for test buckets', () => {
    const { rows, series } = historyChartData(history);
    expect(series.map((s) => [s.key, s.name, s.isControl])).toEqual([['b0', 'control', true], ['b1', 'green', false]]);
    expect(rows.map((r) => r.day)).toEqual(['2026-01-01', '2026-01-03']);
    expect(rows[0]).toMatchObject({ b0_units: 10, b0_value: 0.1, b0_band: [0.05, 0.15], b1_units: 11, b1_lift: 1, b1_liftBand: [-0.5, 2.5] });
    expect(rows[0]).not.toHaveProperty('b0_lift');
    expect(rows[1]).not.toHaveProperty('b1_value');
  });

  it('puts a phase boundary on its day, or the first day after it that has data', () => {
    const { rows } = historyChartData(history);
    expect(boundaryDay(rows, '2026-01-02T10:00:00Z')).toBe('2026-01-03');
    expect(boundaryDay(rows, '2026-01-01T00:00:00Z')).toBe('2026-01-01');
    expect(boundaryDay(rows, '2026-02-01T00:00:00Z')).toBeNull();
  });
});
