import { describe, expect, it } from 'vitest';
import data from '../fixtures/allocation/drift.json';
import { allocationDrift, bucketShares } from '../../lib/proctor/allocation-drift';
import { suggestStableGrowth } from '../../lib/proctor/suggest-stable-growth';
import type { Range } from '../../lib/proctor/model';

const toRanges = (rows: number[][]): Range[] => rows.map(([bucketValue, length]) => ({ bucketValue, length }));

describe('allocationDrift', () => {
  for (const c of data.cases) {
    it(c.name, () => {
      const drift = allocationDrift(toRanges(c.before), { rule: null, id: '', name: '', ranges: toRanges(c.after) });
      const key = (m: { from: number; to: number }) => `${m.from}>${m.to}`;
      const got = Object.fromEntries(drift.moves.map((m) => [key(m), m.fraction]));
      const want = Object.fromEntries(c.moves.map(([from, to, f]) => [key({ from, to }), f]));
      expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
      for (const k of Object.keys(want)) expect(got[k]).toBeCloseTo(want[k], 12);
      expect(drift.moved).toBeCloseTo(c.moved, 12);
      expect(drift.movedBetweenActiveBuckets).toBeCloseTo(c.movedBetweenActiveBuckets, 12);
    });
  }
});

describe('suggestStableGrowth', () => {
  for (const c of data.growth) {
    it(c.name, () => {
      const s = suggestStableGrowth(toRanges(c.before), c.targets as unknown as Record<number, number>);
      expect(s.strategy).toBe(c.strategy);
      expect(s.ranges.map((r) => r.bucketValue)).toEqual(c.ranges.map((r) => r[0]));
      s.ranges.forEach((r, i) => expect(r.length).toBeCloseTo(c.ranges[i][1], 12));
    });
  }

  it('refuses growth that needs more than the inactive space', () => {
    expect(() => suggestStableGrowth(toRanges([[0, 0.5], [1, 0.5]]), { 0: 0.4, 1: 0.6 })).toThrow(/inactive space/);
  });

  it('property: random layouts and targets never move users between active buckets', () => {
    let seed = 12345;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let run = 0; run < 2000; run++) {
      const n = 1 + Math.floor(rand() * 6);
      const weights = Array.from({ length: n }, () => rand());
      const total = weights.reduce((a, b) => a + b, 0);
      const before = weights.map((w) => ({ bucketValue: Math.floor(rand() * 4) - 1, length: w / total }));
      const shares = bucketShares(before);
      let room = shares.get(-1) ?? 0;
      const targets: Record<number, number> = {};
      for (const b of [0, 1, 2]) {
        if (rand() < 0.3) continue;
        const cur = shares.get(b) ?? 0;
        const next = rand() < 0.5 ? cur * rand() : cur + room * rand();
        room -= Math.max(0, next - cur);
        targets[b] = next;
      }
      const s = suggestStableGrowth(before, targets);
      expect(allocationDrift(before, s.ranges).movedBetweenActiveBuckets).toBeLessThan(1e-12);
      const got = bucketShares(s.ranges);
      for (const [b, t] of Object.entries(targets)) expect(Math.abs((got.get(Number(b)) ?? 0) - t)).toBeLessThan(1e-9);
      expect(Math.abs(s.ranges.reduce((a, r) => a + r.length, 0) - 1)).toBeLessThan(1e-9);
    }
  });
});
