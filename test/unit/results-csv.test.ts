/** The results CSV: one line per phase, arm and goal; cells quoted as RFC 4180 wants; formulas never run in a spreadsheet. */
import { describe, expect, it } from 'vitest';
import { resultsCsv } from '@/lib/services/results-csv';
import type { TestResultsView } from '@/lib/stats';

const view: TestResultsView = {
  testName: 't',
  environment: 'production',
  control: { bucket: 0, name: 'control' },
  alpha: 0.05,
  correction: 'none',
  mode: 'fixed',
  sequentialN: 5000,
  goals: [{ name: 'purchase', kind: 'binary' }],
  phases: [
    {
      index: 0,
      startedAt: '2030-01-01T00:00:00.000Z',
      endedAt: null,
      startedBy: null,
      revisions: [],
      arms: [
        { bucket: 0, name: 'control', expectedShare: 0.5, exposedUnits: 100, goals: { purchase: { units: 10, count: 10, sum: 10, mean: 0.1, interval: [0.04, 0.16] } } },
        { bucket: 1, name: '=HYPERLINK("x"),y', expectedShare: 0.5, exposedUnits: 100, goals: { purchase: { units: 20, count: 20, sum: 20, mean: 0.2, interval: null } } },
      ],
      fallback: { exposedUnits: 0 },
      inactive: { exposedUnits: 0 },
      srm: { level: 'ok', chiSquare: 0, pValue: 1, observed: {}, expected: {} },
      enoughData: { ok: false, reason: 'few' },
      comparisons: [{ goal: 'purchase', bucket: 1, absoluteLift: { estimate: 0.1, interval: null }, relativeLift: null, pValue: null, adjustedPValue: null, verdict: 'not-enough-data' }],
    },
  ],
  health: 'not-enough-data',
};

describe('resultsCsv', () => {
  it('writes one line per phase, arm and goal, with the comparison on the test bucket', () => {
    const lines = resultsCsv(view).trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe('0,2030-01-01T00:00:00.000Z,0,control,true,0.5,100,purchase,binary,10,10,10,0.1,0.04,0.16,,,,,,,,,,ok,1,0.05,none,fixed');
    expect(lines[2]).toContain(',1,"\'=HYPERLINK(""x""),y",false,');
    expect(lines[2]).toContain(',0.1,,,,,,,,not-enough-data,');
  });
});
