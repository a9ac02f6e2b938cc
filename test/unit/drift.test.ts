import { describe, expect, it } from 'vitest';
import { computeDrift, driftState } from '@/lib/domain/drift';

const T1 = '1'.repeat(40);
const T2 = '2'.repeat(40);

describe('driftState: one rule for the tests list, the drift endpoint and the test page', () => {
  it.each([
    ['not in the environment', T2, null, 'none'],
    ['promoted from trunk’s latest revision', T2, { sourceTrunkRevision: T2 }, 'current'],
    ['promoted from an older trunk revision', T2, { sourceTrunkRevision: T1 }, 'older'],
    ['no trunk revision recorded (not promoted by the studio)', T2, { sourceTrunkRevision: null }, 'older'],
    ['gone from trunk', null, { sourceTrunkRevision: T1 }, 'older'],
  ] as const)('%s → %s', (_case, trunk, env, expected) => {
    expect(driftState(trunk, env)).toBe(expected);
  });

  it('computeDrift answers the same per test', () => {
    const drift = computeDrift(
      [{ testName: 'a', revision: T2, version: '-1' }],
      [{ testName: 'a', revision: 'q', version: T2 }],
      [{ testName: 'a', revision: 'p', version: T1 }],
    );
    expect(drift).toEqual([
      { testName: 'a', trunkRevision: T2, qa: { state: 'current', revision: 'q', sourceTrunkRevision: T2 }, production: { state: 'older', revision: 'p', sourceTrunkRevision: T1 } },
    ]);
  });
});
