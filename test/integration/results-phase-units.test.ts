/**
 * A unit counts once per phase (issue #20), through the real pipeline: events recorded and folded (lib/events), then
 * the results use case. A phase spans a room-to-grow change, and exposure is first-wins per revision, so a returning
 * unit has an exposure under each revision: it must count once, in the arm of its first arm exposure, with its
 * conversions once; a unit that was inactive and joined the arm that grew counts in that arm, and the sample-ratio check
 * expects joiners where the growth put them (all in the grown arm), not at the new revision's shares. A change that
 * moves users starts a new phase, where returning units count again. On PGlite, and on PostgreSQL in its stage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db/client';
import { foldEvents } from '@/lib/events/fold-events';
import { recordEvents } from '@/lib/events/record-events';
import { checkEvent, type CheckOptions } from '@/lib/events/validate-events';
import { rangeIntervals } from '@/lib/proctor/allocation-drift';
import type { Range, TestMatrixArtifact } from '@/lib/proctor/model';
import { readResults, readResultsHistory } from '@/lib/services/read-results';
import type { TestResultsView } from '@/lib/stats';
import { createTestDatabase } from '../support/db';
import { rng } from '../support/real-proctor-corpus';
import { R, release } from '../support/results-fixtures';
import { createTestServices, type TestServices } from '../support/test-services';
import { val } from '../support/use-case-fixtures';

const TEST = 'joined_test';
const V1: Range[] = [R(0, 0.2), R(1, 0.1), R(-1, 0.7)];
/** Room-to-grow: the treatment grows from 10% to 50% out of the inactive range; nobody moves between arms. */
const V2: Range[] = [R(0, 0.2), R(1, 0.1), R(1, 0.4), R(-1, 0.3)];
/** A reshuffle: half the users switch arms, a new phase. */
const V3: Range[] = [R(1, 0.5), R(0, 0.5)];

const bucketAt = (ranges: Range[], position: number) => rangeIntervals(ranges).find((i) => position < i.end)!.bucket;

let db: Database;
let services: TestServices;
let results: TestResultsView;
const versions: string[] = [];
/** What the simulation knows, per phase: each unit's bucket as counted (its first arm exposure, else inactive), and who bought. */
const tally = [new Map<string, number>(), new Map<string, number>()];
const buyers = new Set<string>();
const joiners = new Set<string>();

let seq = 0;
const now = new Date();
const matrix = {
  audit: { version: 'm1', updated: 0, updatedDate: '', updatedBy: '' },
  tests: { [TEST]: { buckets: [{ name: 'inactive', value: -1 }, { name: 'control', value: 0 }, { name: 'treatment', value: 1 }], silent: false } },
} as unknown as TestMatrixArtifact;
const options: CheckOptions = { now, retentionDays: 30, environment: null, matrices: { production: matrix } };
let pending: unknown[] = [];

function expose(unit: string, version: number, ranges: Range[], position: number, allocationId: string, daysAgo: number) {
  const bucket = bucketAt(ranges, position);
  const time = new Date(now.getTime() - daysAgo * 86_400_000).toISOString();
  pending.push({ id: `x-${++seq}`, type: 'exposure', time, environment: 'production', unit: { type: 'USER', id: unit }, test: TEST, bucket, allocationId, definitionVersion: versions[version], matrixVersion: 'm1' });
  return bucket;
}

async function flush() {
  for (let i = 0; i < pending.length; i += 1000) await recordEvents(db, pending.slice(i, i + 1000).map((event) => checkEvent(event, options)));
  pending = [];
  while ((await foldEvents(db)) > 0);
}

/** Counts a unit's exposure in a phase as the rule says: its first arm exposure, else its first exposure (inactive). */
function count(phase: number, unit: string, bucket: number) {
  const known = tally[phase].get(unit);
  if (known === undefined || (known === -1 && bucket !== -1)) {
    if (known === -1) joiners.add(unit);
    tally[phase].set(unit, bucket);
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  services = createTestServices({ prisma: db.prisma });
  const issue = services.tracker.add().key;
  versions.push(await release(services, TEST, V1, '#A1', issue));
  const next = rng(7); // the same units every run
  const positions = new Map<string, number>();
  // v1: 3,000 units; every tenth buys (whatever its arm: the arms are flat here).
  for (let i = 0; i < 3000; i++) {
    const unit = `u${i}`;
    positions.set(unit, next());
    count(0, unit, expose(unit, 0, V1, positions.get(unit)!, '#A1', 6));
    if (i % 10 === 0) {
      buyers.add(unit);
      pending.push({ id: `c-${++seq}`, type: 'conversion', time: new Date(now.getTime() - 5 * 86_400_000).toISOString(), environment: 'production', unit: { type: 'USER', id: unit }, goal: 'buy', unique: true });
    }
  }
  await flush();
  versions.push(await release(services, TEST, V2, '#A2', issue));
  // v2 (same phase): half the v1 units come back, and 3,000 new ones. One batch holds a unit's v1 and v2 exposures
  // arriving together (u1 again under v1 loses: it is stored already).
  for (let i = 0; i < 3000; i += 2) count(0, `u${i}`, expose(`u${i}`, 1, V2, positions.get(`u${i}`)!, '#A2', 3));
  expose('u1', 0, V1, positions.get('u1')!, '#A1', 3);
  for (let i = 3000; i < 6000; i++) {
    positions.set(`u${i}`, next());
    count(0, `u${i}`, expose(`u${i}`, 1, V2, positions.get(`u${i}`)!, '#A2', 3));
  }
  await flush();
  versions.push(await release(services, TEST, V3, '#A3', issue));
  // v3, a new phase: a third of all units come back; they count again here.
  for (let i = 0; i < 6000; i += 3) count(1, `u${i}`, expose(`u${i}`, 2, V3, positions.get(`u${i}`)!, '#A3', 1));
  await flush();
  results = await readResults(services, val, { name: TEST, environment: 'production' });
}, 180_000);
afterAll(async () => {
  await db?.close();
});

const unitsIn = (phase: number, bucket: number) => [...tally[phase].values()].filter((b) => b === bucket).length;
const buyersIn = (phase: number, bucket: number) => [...tally[phase].entries()].filter(([unit, b]) => b === bucket && buyers.has(unit)).length;

describe('a unit counts once per phase', () => {
  it('counts a unit exposed under both revisions of a phase once, in the arm of its first arm exposure, with its conversions once', () => {
    expect(results.phases).toHaveLength(2);
    const [first] = results.phases;
    expect(first.revisions.map((r) => r.definitionVersion)).toEqual([versions[0], versions[1]]);
    expect(joiners.size).toBeGreaterThan(400);
    expect(first.arms.map((a) => [a.name, a.exposedUnits])).toEqual([['control', unitsIn(0, 0)], ['treatment', unitsIn(0, 1)]]);
    // Inactive: units whose first exposure in the phase was inactive, the joiners among them.
    expect(first.inactive.exposedUnits).toBe(unitsIn(0, -1) + joiners.size);
    expect(first.arms.map((a) => a.goals.buy.units)).toEqual([buyersIn(0, 0), buyersIn(0, 1)]);
    // 6,000 distinct units in the phase, each once (the inactive figure also holds the joiners' first exposures).
    expect(first.arms.reduce((s, a) => s + a.exposedUnits, 0) + first.inactive.exposedUnits).toBe(6000 + joiners.size);
  });

  it("expects joiners in the arm that grew: a room-to-grow change raises no sample-ratio alarm", () => {
    const [first] = results.phases;
    // v1's arm units at 2:1; the joiners (inactive under v1, in the grown range under v2) all in the treatment; the
    // units new under v2 at v2's shares 0.2 : 0.5.
    const v1Arms = [...tally[0].entries()].filter(([unit, b]) => b !== -1 && Number(unit.slice(1)) < 3000 && !joiners.has(unit)).length;
    const v2New = [...tally[0].entries()].filter(([unit, b]) => b !== -1 && Number(unit.slice(1)) >= 3000).length;
    expect(first.srm.expected[0]).toBeCloseTo((v1Arms * 2) / 3 + (v2New * 2) / 7, 6);
    expect(first.srm.expected[1]).toBeCloseTo(v1Arms / 3 + joiners.size + (v2New * 5) / 7, 6);
    expect(first.srm.level).toBe('ok');
  });

  it('counts returning units again in a new phase, once', () => {
    const second = results.phases[1];
    expect(second.startedBy?.definitionVersion).toBe(versions[2]);
    expect(second.arms.map((a) => a.exposedUnits)).toEqual([unitsIn(1, 0), unitsIn(1, 1)]);
    expect(second.arms.reduce((s, a) => s + a.exposedUnits, 0)).toBe(2000);
    expect(second.srm.level).toBe('ok');
  });

  it('draws the history graph from the same units', async () => {
    const history = await readResultsHistory(services, val, { name: TEST, environment: 'production', goal: 'buy' });
    const last = (bucket: number, phase: number) => history.buckets.find((b) => b.bucket === bucket)!.points.filter((p) => p.phase === phase).at(-1)!;
    expect([last(0, 0).cumulativeUnits, last(1, 0).cumulativeUnits]).toEqual([unitsIn(0, 0), unitsIn(0, 1)]);
    expect([last(0, 1).cumulativeUnits, last(1, 1).cumulativeUnits]).toEqual([unitsIn(1, 0), unitsIn(1, 1)]);
  });
});
