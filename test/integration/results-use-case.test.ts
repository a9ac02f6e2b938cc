/**
 * The results use cases (issue #20) on a real database (PGlite, or PostgreSQL with PROCTOR_TEST_PG) and the in-memory
 * definition store: phases split at an allocation change that moves users between active buckets and continue across
 * a room-to-grow change; expected shares come from the allocation live when the units were exposed; a planted SRM is a
 * mismatch commented once on the test's issue; a planted winner is 'better', a flat goal is not significant; the minimum
 * data rule; the settings (α validated, mode locked once there is data) and the conclusion's optimistic concurrency.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db/client';
import { readResults, readResultsHealth, readResultsHistory } from '@/lib/services/read-results';
import { saveResultsSettings } from '@/lib/services/results-settings';
import { saveConclusion, readConclusion } from '@/lib/services/test-conclusion';
import { createTestDatabase } from '../support/db';
import { R, release as releaseWith } from '../support/results-fixtures';
import { createTestServices, type TestServices } from '../support/test-services';
import { erin, val } from '../support/use-case-fixtures';

let db: Database;
let services: TestServices;

/** Aggregates as the events pipeline keeps them: exposures (goal "") and a binary goal per bucket, in one hour. */
async function aggregate(testName: string, version: string, allocationId: string, bucket: number, units: number, converted: Record<string, number | { units: number; count: number; sum: number; sq: number }>, hour = '2030-01-01T10:00:00Z') {
  const rows: Array<[string, number, number, number, number]> = [['', units, 0, 0, 0]];
  for (const [goal, c] of Object.entries(converted)) rows.push(typeof c === 'number' ? [goal, c, c, c, c] : [goal, c.units, c.count, c.sum, c.sq]);
  for (const [goal, u, count, sum, sq] of rows) {
    await db.prisma.$executeRawUnsafe(
      `INSERT INTO "EventAggregate" ("testName","environment","definitionVersion","allocationId","bucket","fallback","goal","hour","units","count","sum","unitSumSquares")
       VALUES ($1,'production',$2,$3,$4,false,$5,$6::timestamp,$7,$8,$9,$10)`,
      testName, version, allocationId, bucket, goal, hour, u, count, sum, sq,
    );
  }
}

const release = (testName: string, ranges: Parameters<typeof releaseWith>[2], id: string, issueKey: string) => releaseWith(services, testName, ranges, id, issueKey);
const versions: Record<string, string> = {};
let issues: Record<string, string>;

beforeAll(async () => {
  db = await createTestDatabase();
  services = createTestServices({ prisma: db.prisma });
  issues = { start: services.tracker.add().key, grow: services.tracker.add().key, reshuffle: services.tracker.add().key, srm: services.tracker.add().key };
  // phased: 25/25 with half inactive → room-to-grow to 50/50 (nobody moves between arms) → a reshuffle that moves users.
  versions.v1 = await release('phased', [R(0, 0.25), R(1, 0.25), R(-1, 0.5)], '#A1', issues.start);
  await aggregate('phased', versions.v1, '#A1', 0, 2500, { purchase: 250 });
  await aggregate('phased', versions.v1, '#A1', 1, 2500, { purchase: 375 });
  versions.v2 = await release('phased', [R(0, 0.25), R(1, 0.25), R(0, 0.25), R(1, 0.25)], '#A2', issues.grow);
  await aggregate('phased', versions.v2, '#A2', 0, 5000, { purchase: 500 });
  await aggregate('phased', versions.v2, '#A2', 1, 5000, { purchase: 760 });
  versions.v3 = await release('phased', [R(1, 0.5), R(0, 0.5)], '#A3', issues.reshuffle);
  // Phase 2: the treatment wins on purchase; "search" is flat (a counting goal).
  await aggregate('phased', versions.v3, '#A3', 0, 6000, { purchase: 600, search: { units: 1800, count: 3600, sum: 3600, sq: 9000 } });
  await aggregate('phased', versions.v3, '#A3', 1, 6000, { purchase: 900, search: { units: 1790, count: 3610, sum: 3610, sq: 9100 } });
  // A planted SRM: configured 50/50, the treatment lost 20% of its exposure logs.
  versions.srm = await release('srm_test', [R(0, 0.5), R(1, 0.5)], '#A1', issues.srm);
  await aggregate('srm_test', versions.srm, '#A1', 0, 5000, { purchase: 500 });
  await aggregate('srm_test', versions.srm, '#A1', 1, 4000, { purchase: 400 });
  // A split-bucket growth (seed 004): the treatment grows from the inactive range, arms' ratio goes from 2:1 to 2:3.
  versions.g1 = await release('grown', [R(0, 0.2), R(1, 0.1), R(-1, 0.7)], '#A1', issues.start);
  await aggregate('grown', versions.g1, '#A1', 0, 2000, { purchase: 200 });
  await aggregate('grown', versions.g1, '#A1', 1, 1000, { purchase: 100 });
  versions.g2 = await release('grown', [R(0, 0.2), R(1, 0.1), R(1, 0.2), R(-1, 0.5)], '#A2', issues.grow);
  await aggregate('grown', versions.g2, '#A2', 0, 2000, { purchase: 200 });
  await aggregate('grown', versions.g2, '#A2', 1, 3000, { purchase: 300 });
  // Too little data for a verdict.
  versions.small = await release('small_test', [R(0, 0.5), R(1, 0.5)], '#A1', issues.start);
  await aggregate('small_test', versions.small, '#A1', 0, 100, { purchase: 10 });
  await aggregate('small_test', versions.small, '#A1', 1, 100, { purchase: 40 });
}, 120_000);
afterAll(async () => {
  await db?.close();
});

describe('phases', () => {
  it('continue across a room-to-grow change and split at a change that moves users between active buckets', async () => {
    const results = await readResults(services, val, { name: 'phased', environment: 'production' });
    expect(results.phases).toHaveLength(2);
    const [first, second] = results.phases;
    expect(first.startedBy).toBeNull();
    expect(first.revisions.map((r) => [r.definitionVersion, r.issueKey])).toEqual([[versions.v1, issues.start], [versions.v2, issues.grow]]);
    expect(second.startedBy).toMatchObject({ definitionVersion: versions.v3, issueKey: issues.reshuffle });
    expect(second.startedBy!.movedShare).toBeCloseTo(0.5, 12);
    expect(first.endedAt).toBe(second.startedAt);
    // Units of both revisions of phase 1 count there; phase 2 only its own.
    expect(first.arms.map((a) => a.exposedUnits)).toEqual([7500, 7500]);
    expect(second.arms.map((a) => a.exposedUnits)).toEqual([6000, 6000]);
    expect(first.srm.level).toBe('ok');
    expect(first.srm.expected).toEqual({ 0: 7500, 1: 7500 });
  });

  it('expects each revision\'s units at the shares of the allocation they were exposed under', async () => {
    const results = await readResults(services, val, { name: 'grown', environment: 'production' });
    expect(results.phases).toHaveLength(1);
    const phase = results.phases[0];
    expect(phase.srm.expected).toEqual({ 0: 4000, 1: 4000 });
    expect(phase.srm.level).toBe('ok');
    expect(phase.arms.map((a) => a.expectedShare)).toEqual([0.5, 0.5]);
  });

  it('says which phase was asked for, and refuses one that does not exist', async () => {
    const one = await readResults(services, val, { name: 'phased', environment: 'production', phase: '1' });
    expect(one.phases.map((p) => p.index)).toEqual([1]);
    await expect(readResults(services, val, { name: 'phased', environment: 'production', phase: '7' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('verdicts', () => {
  it('a planted winner is better and significant, a flat goal is not', async () => {
    const results = await readResults(services, val, { name: 'phased', environment: 'production' });
    expect(results.goals).toEqual([{ name: 'purchase', kind: 'binary' }, { name: 'search', kind: 'count' }]);
    const current = results.phases[1];
    const purchase = current.comparisons.find((c) => c.goal === 'purchase')!;
    expect(purchase.verdict).toBe('better');
    expect(purchase.pValue!).toBeLessThan(0.001);
    expect(purchase.relativeLift!.estimate).toBeCloseTo(0.5, 12);
    const search = current.comparisons.find((c) => c.goal === 'search')!;
    expect(search.verdict).toBe('inconclusive');
    expect(search.pValue!).toBeGreaterThan(0.05);
    expect(results.health).toBe('significant');
    expect(JSON.stringify(results)).not.toMatch(/NaN|Infinity/);
  });

  it('gives no verdict below the minimum data', async () => {
    const results = await readResults(services, val, { name: 'small_test', environment: 'production' });
    expect(results.phases[0].enoughData).toMatchObject({ ok: false });
    expect(results.phases[0].comparisons[0].verdict).toBe('not-enough-data');
    expect(results.health).toBe('not-enough-data');
  });
});

describe('sample-ratio mismatch', () => {
  it('is detected against the configured shares and commented on the issue once', async () => {
    const before = services.tracker.comments.length;
    const results = await readResults(services, val, { name: 'srm_test', environment: 'production' });
    expect(results.phases[0].srm.level).toBe('mismatch');
    expect(results.phases[0].srm.pValue!).toBeLessThan(0.001);
    expect(results.health).toBe('srm');
    await readResults(services, val, { name: 'srm_test', environment: 'production' });
    await readResultsHealth(services, val);
    const srmComments = services.tracker.comments.slice(before).filter((c) => c.body.includes('Sample-ratio mismatch'));
    expect(srmComments).toHaveLength(1);
    expect(srmComments[0].key).toBe(issues.srm);
  });

  it('the health list has a badge per test', async () => {
    const health = await readResultsHealth(services, val);
    expect(Object.fromEntries(health.tests.map((t) => [t.testName, t.health]))).toEqual({ grown: 'ok', phased: 'significant', small_test: 'not-enough-data', srm_test: 'srm' });
  });
});

describe('history', () => {
  it('per bucket per day with phase boundaries', async () => {
    const history = await readResultsHistory(services, val, { name: 'phased', environment: 'production', goal: 'purchase' });
    expect(history.phaseBoundaries).toEqual([expect.objectContaining({ index: 1, definitionVersion: versions.v3, issueKey: issues.reshuffle })]);
    const treatment = history.buckets.find((b) => b.bucket === 1)!;
    expect(treatment.points.map((p) => [p.phase, p.cumulativeUnits])).toEqual([[0, 7500], [1, 6000]]);
    expect(treatment.points[1].lift!.estimate).toBeCloseTo(0.05, 12);
  });
});

describe('settings', () => {
  it('validates α and locks the mode once the test has data', async () => {
    const base = { alpha: 0.05, correction: 'none' as const, mode: 'fixed' as const, controlBucket: 0, sequentialN: 5000 };
    await expect(saveResultsSettings(services, erin, { name: 'phased', settings: { ...base, alpha: 0.6 } })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(saveResultsSettings(services, erin, { name: 'phased', settings: { ...base, alpha: 0 } })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(saveResultsSettings(services, erin, { name: 'phased', settings: { ...base, mode: 'sequential' } })).rejects.toMatchObject({ code: 'RESULTS_MODE_LOCKED' });
    await expect(saveResultsSettings(services, val, { name: 'phased', settings: base })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // A test without data may switch; α is applied to every interval and verdict.
    expect((await saveResultsSettings(services, erin, { name: 'no_data_yet', settings: { ...base, mode: 'sequential' } })).view.mode).toBe('sequential');
    await saveResultsSettings(services, erin, { name: 'phased', settings: { ...base, alpha: 0.0001, correction: 'holm' } });
    const strict = await readResults(services, val, { name: 'phased', environment: 'production' });
    expect(strict.alpha).toBe(0.0001);
    const wide = strict.phases[1].comparisons.find((c) => c.goal === 'purchase')!.absoluteLift!.interval!;
    await saveResultsSettings(services, erin, { name: 'phased', settings: base });
    const normal = (await readResults(services, val, { name: 'phased', environment: 'production' })).phases[1].comparisons.find((c) => c.goal === 'purchase')!.absoluteLift!.interval!;
    expect(wide[1] - wide[0]).toBeGreaterThan(normal[1] - normal[0]);
  });
});

describe('conclusion', () => {
  it('is saved against the revision read: a stale save is a 409', async () => {
    const first = await saveConclusion(services, erin, { name: 'phased', conclusion: { hypothesis: 'Green sells more', result: '+50% purchases', decision: 'Ship treatment', expectedRevision: 0 } });
    expect(first.revision).toBe(1);
    await expect(saveConclusion(services, erin, { name: 'phased', conclusion: { hypothesis: 'x', result: 'y', decision: 'z', expectedRevision: 0 } })).rejects.toMatchObject({ code: 'STALE_REVISION' });
    const second = await saveConclusion(services, erin, { name: 'phased', conclusion: { hypothesis: 'Green sells more', result: '+50%', decision: 'Ship', expectedRevision: 1 } });
    expect(second.revision).toBe(2);
    await expect(saveConclusion(services, erin, { name: 'phased', conclusion: { hypothesis: 'x', result: 'y', decision: 'z', expectedRevision: 1 } })).rejects.toMatchObject({ code: 'STALE_REVISION' });
    expect((await readConclusion(services, val, { name: 'phased' })).decision).toBe('Ship');
    await expect(saveConclusion(services, erin, { name: 'phased', conclusion: { hypothesis: 'a\u0000b', result: 'y', decision: 'z', expectedRevision: 2 } })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
