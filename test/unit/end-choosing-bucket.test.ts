import { describe, expect, it } from 'vitest';
import { endChoosingBucket } from '../../lib/editor/end-choosing-bucket';
import { bucketShares, definitionDrift } from '../../lib/proctor/allocation-drift';
import type { Allocation, TestDefinition } from '../../lib/proctor/model';

const BUCKETS = [
  { name: 'inactive', value: -1 },
  { name: 'control', value: 0 },
  { name: 'green', value: 1 },
  { name: 'blue', value: 2 },
];

function definition(allocations: [string | null, number[][]][]): TestDefinition {
  return {
    version: null, constants: {}, specialConstants: {}, salt: '&t', rule: null, buckets: BUCKETS, silent: false, metaTags: [], testType: 'USER',
    description: 'd', dependsOn: null, evaluateForIncognitoUsers: false, enableUnitlessAllocations: false, forceLogging: false, payloadExperimentConfig: null,
    allocations: allocations.map(([rule, ranges], i): Allocation => ({ rule, id: `#${String.fromCharCode(65 + i)}1`, name: '', ranges: ranges.map(([bucketValue, length]) => ({ bucketValue, length })) })),
  };
}

const LAYOUTS: [string, [string | null, number[][]][]][] = [
  ['even split', [[null, [[0, 0.5], [1, 0.5]]]]],
  ['chosen in the middle, with inactive', [[null, [[-1, 0.4], [0, 0.2], [1, 0.2], [2, 0.2]]]]],
  ['chosen split over two ranges (an earlier split-bucket growth)', [[null, [[1, 0.1], [0, 0.1], [-1, 0.7], [1, 0.1]]]]],
  ['chosen last, others first', [[null, [[0, 0.25], [2, 0.25], [1, 0.5]]]]],
  ['two allocations with rules, chosen absent from one', [['${country == "US"}', [[0, 0.5], [1, 0.5]]], [null, [[0, 0.5], [-1, 0.5]]]]],
];

describe('endChoosingBucket', () => {
  for (const [name, layout] of LAYOUTS) {
    it(`${name}: everyone in the chosen bucket, nobody in it moves`, () => {
      const before = definition(layout);
      const { definition: after } = endChoosingBucket(before, 'green');
      const drift = definitionDrift(before, after);
      // Nobody already in green moves: no move has green as its origin.
      for (const entry of drift.allocations) expect(entry.drift.moves.filter((m) => m.from === 1)).toEqual([]);
      // Every allocation gives green all of its users, keeping its rule and id line.
      after.allocations.forEach((a, i) => {
        expect(bucketShares(a.ranges)).toEqual(new Map([[1, 1]]));
        expect(a.rule).toBe(before.allocations[i].rule);
      });
      expect(after.buckets).toEqual(before.buckets);
      // Everybody outside green before moves into it (and only into it).
      for (const entry of drift.allocations) {
        const outside = 1 - (bucketShares(entry.before).get(1) ?? 0);
        expect(entry.drift.moved).toBeCloseTo(outside, 12);
        expect(entry.drift.moves.every((m) => m.to === 1)).toBe(true);
      }
    });
  }

  it('names the buckets whose users join', () => {
    expect(endChoosingBucket(definition(LAYOUTS[1][1]), 'green').joining).toEqual(['inactive', 'control', 'blue']);
  });

  it('refuses an unknown bucket and the inactive bucket', () => {
    expect(() => endChoosingBucket(definition(LAYOUTS[0][1]), 'purple')).toThrow(/no bucket named 'purple'/);
    expect(() => endChoosingBucket(definition(LAYOUTS[0][1]), 'inactive')).toThrow(/inactive bucket/);
  });
});
