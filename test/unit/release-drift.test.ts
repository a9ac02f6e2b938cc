/** The drift of a whole definition change (issue #16's auto-promotion rule) and the emergency stop's definition. */
import { describe, expect, it } from 'vitest';
import { isAllInactive } from '@/lib/domain/test-status';
import { definitionDrift } from '@/lib/proctor/allocation-drift';
import type { TestDefinition } from '@/lib/proctor/model';
import { stoppedDefinition } from '@/lib/services/release-actions';
import { runningDefinition, withMoreGreen, withMoreGreenNoDrift } from '@/test/support/use-case-fixtures';

const running = runningDefinition('drift_tst') as TestDefinition;

describe('definitionDrift', () => {
  it('names the share of users switching between active buckets, per allocation and at most', () => {
    const drift = definitionDrift(running, withMoreGreen(running) as TestDefinition);
    expect(drift.movedBetweenActiveBuckets).toBeCloseTo(0.1, 12);
    expect(drift.allocations.map((a) => [a.index, a.rule])).toEqual([[0, "country == 'US'"]]);
    expect(drift.allocations[0].drift.moves).toEqual([
      { from: -1, to: 0, fraction: expect.closeTo(0.1, 12) },
      { from: 0, to: 1, fraction: expect.closeTo(0.1, 12) },
    ]);
  });

  it('is zero when buckets only grow into inactive space', () => {
    const drift = definitionDrift(running, withMoreGreenNoDrift(running) as TestDefinition);
    expect(drift.movedBetweenActiveBuckets).toBe(0);
    expect(drift.moved).toBeCloseTo(0.1, 12);
  });
});

describe('stoppedDefinition', () => {
  it('sends everyone to the inactive bucket, adding one when the test has none', () => {
    expect(isAllInactive(stoppedDefinition(running))).toBe(true);
    const withoutInactive = { ...running, buckets: running.buckets.filter((b) => b.value !== -1) };
    const stopped = stoppedDefinition(withoutInactive);
    expect(stopped.buckets[0]).toMatchObject({ name: 'inactive', value: -1 });
    expect(isAllInactive(stopped)).toBe(true);
  });
});
