/**
 * Storing measurement events (lib/events): exact de-duplication, first exposure wins, conversions attributed whatever
 * the arrival order, binary vs counting goals, expiry and pruning without changing a count, and batches stored by two
 * sessions at once. On in-memory PGlite, and on PostgreSQL under scripts/test-postgres.mjs (createTestDatabase).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db/client';
import { foldEvents, pendingEventCount } from '@/lib/events/fold-events';
import { pruneEventReceipts } from '@/lib/events/prune-receipts';
import { readTestResults } from '@/lib/events/read-results';
import { MAX_EARLIER_TEXT } from '@/lib/events/earlier-exposures';
import { recordEvents } from '@/lib/events/record-events';
import { checkEvent, type CheckOptions } from '@/lib/events/validate-events';
import type { TestMatrixArtifact } from '@/lib/proctor/model';
import { createTestDatabase, openAnotherInstance } from '../support/db';

const NOW = new Date('2026-12-06T12:30:00.000Z');
const matrix = {
  audit: { version: 'm1', updated: 0, updatedDate: '', updatedBy: '' },
  tests: {
    color: { buckets: [{ name: 'inactive', value: -1 }, { name: 'control', value: 0 }, { name: 'green', value: 1 }], silent: false },
    quiet: { buckets: [{ name: 'control', value: 0 }], silent: true },
    shade: { buckets: [{ name: 'control', value: 0 }], silent: false },
  },
} as unknown as TestMatrixArtifact;
const options: CheckOptions = { now: NOW, retentionDays: 30, environment: null, matrices: { production: matrix, trunk: matrix } };

let seq = 0;
const id = (prefix = 'e') => `${prefix}-${++seq}`;
const exposure = (unit: string, bucket: number, extra: Record<string, unknown> = {}) => ({
  id: id(),
  type: 'exposure',
  time: '2026-12-06T10:15:00.000Z',
  environment: 'production',
  unit: { type: 'USER', id: unit },
  test: 'color',
  bucket,
  allocationId: '#A1',
  definitionVersion: 'v1',
  matrixVersion: 'm1',
  ...extra,
});
const conversion = (unit: string, goal: string, extra: Record<string, unknown> = {}) => ({
  id: id(),
  type: 'conversion',
  time: '2026-12-06T11:05:00.000Z',
  environment: 'production',
  unit: { type: 'USER', id: unit },
  goal,
  ...extra,
});

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

async function send(events: unknown[], at: CheckOptions = options) {
  return recordEvents(db, events.map((event) => checkEvent(event, at)), { now: at.now });
}

async function arms(test = 'color', environment: 'production' | 'trunk' = 'production') {
  while ((await foldEvents(db)) > 0);
  const results = await readTestResults(db.prisma, test, { environment });
  return Object.fromEntries(results.map((arm) => [`${arm.definitionVersion}/${arm.bucket}${arm.fallback ? '/fallback' : ''}`, arm]));
}

describe('storing events', () => {
  it('counts an event id once, within a batch, across batches and after any delay', async () => {
    const first = exposure('dup-1', 1);
    const answer = await send([first, first, exposure('dup-2', 0)]);
    expect(answer.results.map((r) => r.status)).toEqual(['accepted', 'duplicate', 'accepted']);
    expect(answer).toMatchObject({ accepted: 2, duplicates: 1, rejected: 0 });
    const later = { ...options, now: new Date(NOW.getTime() + 20 * 24 * 3_600_000) };
    expect((await send([first], later)).results[0].status).toBe('duplicate');
    const counts = await arms();
    expect(counts['v1/1'].exposedUnits).toBe(1);
    expect(counts['v1/0'].exposedUnits).toBe(1);
  });

  it('counts a counting conversion sent again in a later batch once', async () => {
    const once = conversion('dup-conv', 'clicks_dup');
    await send([exposure('dup-conv', 1, { definitionVersion: 'dup-v' }), once]);
    const again = await send([once, conversion('dup-conv', 'clicks_dup')]);
    expect(again.results.map((r) => r.status)).toEqual(['duplicate', 'accepted']);
    expect((await arms())['dup-v/1'].goals.clicks_dup).toMatchObject({ units: 1, count: 2 });
  });

  it('keeps the first exposure of a unit per definition revision; a new revision counts it again', async () => {
    await send([exposure('first-wins', 1)]);
    await send([exposure('first-wins', 0), exposure('first-wins', 0, { definitionVersion: 'v2' })]);
    const counts = await arms();
    expect(counts['v1/1'].exposedUnits).toBe(2); // dup-1 and first-wins
    expect(counts['v1/0'].exposedUnits).toBe(1); // dup-2 only: the second exposure of first-wins lost
    expect(counts['v2/0'].exposedUnits).toBe(1);
  });

  it('answers an exposure that won and one that lost exactly once each, however they are retried', async () => {
    // The winner's row keeps its id (no receipt); the loser has a receipt. Retried in any order, alone or together.
    const winner = exposure('lost-1', 1, { definitionVersion: 'lost' });
    const loser = exposure('lost-1', 0, { definitionVersion: 'lost' });
    const inBatch = exposure('lost-1', -1, { definitionVersion: 'lost' });
    expect((await send([winner])).results[0].status).toBe('accepted');
    expect((await send([loser, winner])).results.map((r) => r.status)).toEqual(['accepted', 'duplicate']);
    expect((await send([winner, loser, inBatch])).results.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'accepted']);
    expect((await send([inBatch, loser, winner])).results.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    // Two exposures of a new unit in one batch: the first wins, the second lost; retried, both are duplicates.
    const a = exposure('lost-2', 1, { definitionVersion: 'lost' });
    const b = exposure('lost-2', 0, { definitionVersion: 'lost' });
    expect((await send([a, b])).results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
    expect((await send([b, a])).results.map((r) => r.status)).toEqual(['duplicate', 'duplicate']);
    const counts = await arms();
    expect(counts['lost/1'].exposedUnits).toBe(2);
    expect(counts['lost/0']).toBeUndefined();
    expect(counts['lost/-1']).toBeUndefined();
  });

  it('attributes a conversion that arrived before its exposure exactly once, as if it came after', async () => {
    // Unit a: exposure then conversions. Unit b: the same events in the other order. Both end up identical.
    await send([exposure('order-a', 2, { test: 'color', bucket: 1, definitionVersion: 'order' })]);
    await send([conversion('order-a', 'purchase', { value: 5 }), conversion('order-a', 'purchase', { value: 3 })]);
    await send([conversion('order-b', 'purchase', { value: 5 })]);
    await send([conversion('order-b', 'purchase', { value: 3 }), exposure('order-b', 1, { definitionVersion: 'order' })]);
    const arm = (await arms())['order/1'];
    expect(arm.exposedUnits).toBe(2);
    expect(arm.goals.purchase).toEqual({ units: 2, count: 4, sum: 16, unitSumSquares: 2 * 64 });
    // A later conversion of an already exposed unit adds to the same cohort.
    await send([conversion('order-b', 'purchase', { value: 2 })]);
    expect((await arms())['order/1'].goals.purchase).toEqual({ units: 2, count: 5, sum: 18, unitSumSquares: 64 + 100 });
  });

  it('counts a binary (unique) goal once per unit, a counting goal every time', async () => {
    await send([exposure('goals', 1, { definitionVersion: 'goals' })]);
    await send([conversion('goals', 'signup', { unique: true }), conversion('goals', 'signup', { unique: true }), conversion('goals', 'click'), conversion('goals', 'click')]);
    await send([conversion('goals', 'signup', { unique: true })]);
    const arm = (await arms())['goals/1'];
    expect(arm.goals.signup).toMatchObject({ units: 1, count: 1, sum: 1 });
    expect(arm.goals.click).toMatchObject({ units: 1, count: 2, sum: 2, unitSumSquares: 4 });
  });

  it('attributes a conversion to every test revision the unit is exposed to in that environment, and only there', async () => {
    await send([exposure('multi', 1, { definitionVersion: 'm-a' }), exposure('multi', 0, { definitionVersion: 'm-b' }), exposure('multi', 0, { environment: 'trunk', definitionVersion: 'm-a' })]);
    await send([conversion('multi', 'buy')]);
    const counts = await arms();
    expect(counts['m-a/1'].goals.buy.count).toBe(1);
    expect(counts['m-b/0'].goals.buy.count).toBe(1);
    expect((await arms('color', 'trunk'))['m-a/0'].goals.buy).toBeUndefined();
  });

  it("keeps with each exposure the unit's earlier exposures under other revisions, stored before or earlier in the fold", async () => {
    await send([exposure('earlier', 1, { definitionVersion: 'e-1' })]);
    while ((await foldEvents(db)) > 0);
    // One fold: e-2 (inactive) and e-3 arrive together; the repeat under e-1 loses; another test is not "earlier".
    await send([
      exposure('earlier', -1, { definitionVersion: 'e-2' }),
      exposure('earlier', -1, { definitionVersion: 'e-1' }),
      exposure('earlier', 1, { definitionVersion: 'e-3', fallback: true }),
      exposure('earlier', 0, { definitionVersion: 'e-4' }),
      exposure('earlier', 0, { test: 'shade', definitionVersion: 'e-5' }),
      conversion('earlier', 'earlier_goal'),
    ]);
    const counts = await arms();
    const stored = await db.prisma.$queryRawUnsafe<Array<{ definitionVersion: string; earlier: string }>>(
      `SELECT "definitionVersion", "earlier" FROM "EventExposure" WHERE "unitId" = 'earlier' ORDER BY 1`,
    );
    expect(stored).toEqual([
      { definitionVersion: 'e-1', earlier: '' },
      { definitionVersion: 'e-2', earlier: '[["e-1","a"]]' },
      { definitionVersion: 'e-3', earlier: '[["e-1","a"],["e-2","i"]]' },
      { definitionVersion: 'e-4', earlier: '[["e-1","a"],["e-2","i"],["e-3","f"]]' },
      { definitionVersion: 'e-5', earlier: '' },
    ]);
    // The aggregates carry the same sets, and the conversion reached every revision's row once.
    const rows = (await readTestResults(db.prisma, 'color', { environment: 'production' })).filter((row) => row.definitionVersion.startsWith('e-'));
    expect(rows.map((row) => [row.definitionVersion, row.earlier.map((e) => `${e.definitionVersion}:${e.kind}`), row.exposedUnits, row.goals.earlier_goal?.count])).toEqual([
      ['e-1', [], 1, 1],
      ['e-2', ['e-1:arm'], 1, 1],
      ['e-3', ['e-1:arm', 'e-2:inactive'], 1, 1],
      ['e-4', ['e-1:arm', 'e-2:inactive', 'e-3:fallback'], 1, 1],
    ]);
    expect(counts['e-1/1'].exposedUnits).toBe(1);
  });

  it('folds a unit exposed under more revisions than a key can list (the newest are kept)', async () => {
    const long = Array.from({ length: 70 }, (_, i) => exposure('many-revisions', 0, { definitionVersion: `long-${String(i).padStart(2, '0')}-${'y'.repeat(60)}`, time: new Date(NOW.getTime() - (70 - i) * 60_000).toISOString() }));
    await send(long.slice(0, 35));
    while ((await foldEvents(db)) > 0);
    await send(long.slice(35));
    while ((await foldEvents(db)) > 0);
    expect(await pendingEventCount(db)).toBe(0);
    const stored = await db.prisma.$queryRawUnsafe<Array<{ n: bigint; longest: number }>>(
      `SELECT count(*) AS n, max(length("earlier"))::int AS longest FROM "EventExposure" WHERE "unitId" = 'many-revisions'`,
    );
    expect(Number(stored[0].n)).toBe(70);
    expect(stored[0].longest).toBeLessThanOrEqual(MAX_EARLIER_TEXT);
  });

  it('refuses unknown tests and buckets, silent tests, malformed and expired events with a reason, and keeps the rest', async () => {
    const old = new Date(NOW.getTime() - 31 * 24 * 3_600_000).toISOString();
    const answer = await send([
      exposure('r', 1, { test: 'nope' }),
      exposure('r', 7),
      exposure('r', 0, { test: 'quiet' }),
      { id: 'x', type: 'exposure' },
      conversion('r', 'buy', { time: old }),
      'not an object',
      exposure('r', 5, { fallback: true, definitionVersion: 'fb' }),
      conversion('r', 'buy'),
    ]);
    expect(answer.results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'rejected', 'rejected', 'accepted', 'accepted']);
    expect(answer.results[0].reason).toMatch(/no test 'nope' in the production matrix/);
    expect(answer.results[1].reason).toMatch(/no bucket 7/);
    expect(answer.results[2].reason).toMatch(/silent/);
    expect(answer.results[4].reason).toMatch(/expired/);
    expect((await arms())['fb/5/fallback'].exposedUnits).toBe(1);
  });

  it('refuses what the counting tables cannot hold, so that no event can stop the fold for the others', async () => {
    // A current UUIDv7 id (not expired) with a time far in the past; values whose squares overflow a double.
    const current = '01a24b39-aa00-7000-8000-000000000001'; // 2026-12-06T12:00Z
    const answer = await send([
      conversion('poison', 'buy', { id: current, time: '0001-01-01T00:00:00.000Z' }),
      conversion('poison', 'revenue', { value: 1e200 }),
      conversion('poison', 'revenue', { value: -1e13 }),
      conversion('poison', 'revenue', { value: 1e12 }),
      exposure('poison', 1),
      // A fallback may name any bucket, but not one past a 32-bit integer; revisions are parts of primary keys.
      exposure('poison', 2 ** 40, { fallback: true }),
      exposure('poison', 1, { definitionVersion: '\u00e9'.repeat(200) }),
      exposure('poison', 1, { allocationId: '\u{1F600}'.repeat(100) }),
    ]);
    expect(answer.results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'accepted', 'accepted', 'rejected', 'rejected', 'rejected']);
    expect(answer.results[0].reason).toMatch(/time .*older than the 30-day retention/);
    expect(answer.results[1].reason).toMatch(/value must be .* at most 1,000,000,000,000/);
    while ((await foldEvents(db)) > 0);
    expect(await pendingEventCount(db)).toBe(0);
    expect((await arms())['v1/1'].goals.revenue).toMatchObject({ units: 1, count: 1, sum: 1e12 });
  });

  it('refuses events for another environment than the token allows', async () => {
    const answer = await send([exposure('env', 1)], { ...options, environment: 'qa' });
    expect(answer.results[0]).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/only send events for qa/) });
  });

  it('prunes ids past the retention without changing a count, and an old retry is refused as expired, not counted', async () => {
    const v7 = (ms: number) => `${ms.toString(16).padStart(12, '0').replace(/^(.{8})(.{4})$/, '$1-$2')}-7abc-8def-0123456789ab`;
    const event = exposure('prune', 1, { id: v7(NOW.getTime() - 3_600_000), definitionVersion: 'prune' });
    expect((await send([event])).accepted).toBe(1);
    const before = await arms();
    const later = new Date(NOW.getTime() + 31 * 24 * 3_600_000);
    expect(await pruneEventReceipts(db.prisma, 30, later)).toBeGreaterThan(0);
    expect(await arms()).toEqual(before);
    const retry = await send([event], { ...options, now: later });
    expect(retry.results[0]).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/expired/) });
    expect((await arms())['prune/1'].exposedUnits).toBe(1);
  });

  it('keeps each receipt at the time sent, to the millisecond, at any year a UUIDv7 id can carry', async () => {
    const v7 = (ms: number) => `${ms.toString(16).padStart(12, '0').replace(/^(.{8})(.{4})$/, '$1-$2')}-7abc-8def-0123456789ab`;
    const plain = exposure('receipt-1', 1, { time: '2026-12-06T10:15:00.123Z' });
    // The largest UUIDv7 time (year 10889): as ISO text (+010889-…) PostgreSQL refused it and the whole batch failed.
    const far = exposure('receipt-2', 1, { id: v7(2 ** 48 - 1) });
    const answer = await send([plain, far]);
    expect(answer.results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
    const rows = await db.prisma.$queryRawUnsafe<Array<{ id: string; ms: number }>>(
      `SELECT "id", (extract(epoch FROM "at") * 1000)::float8 AS ms FROM "EventReceipt" WHERE "id" IN ($1, $2)`,
      plain.id,
      far.id,
    );
    expect(Object.fromEntries(rows.map((row) => [row.id, row.ms]))).toEqual({ [plain.id]: Date.parse(plain.time), [far.id]: 2 ** 48 - 1 });
  });

  it('stays exact when batches for the same units are stored by several sessions at once', async () => {
    const units = Array.from({ length: 40 }, (_, i) => `conc-${i}`);
    const batches = [0, 1, 2, 3].map((k) =>
      units.flatMap((unit) => (k % 2 === 0 ? [exposure(unit, 1, { definitionVersion: 'conc' }), conversion(unit, 'c')] : [conversion(unit, 'c'), exposure(unit, 1, { definitionVersion: 'conc' })])),
    );
    await Promise.all(batches.map((batch) => send(batch)));
    // Two instances fold at once, a batch at a time (on PostgreSQL two sessions: the folds must take turns).
    const other = await openAnotherInstance(db);
    try {
      const foldAll = async (from: Database) => {
        while ((await foldEvents(from, 1)) > 0);
      };
      await Promise.all([foldAll(db), foldAll(other), foldAll(db), foldAll(other)]);
    } finally {
      await other.close();
    }
    const arm = (await arms())['conc/1'];
    expect(arm.exposedUnits).toBe(40);
    expect(arm.goals.c).toEqual({ units: 40, count: 160, sum: 160, unitSumSquares: 40 * 16 });
  });

  it('counts received events once a fold commits, and not at all while a failed fold left them pending', async () => {
    const answer = await send([exposure('fold-1', 1, { definitionVersion: 'fold' }), conversion('fold-1', 'f', { value: 3 })]);
    expect(answer.accepted).toBe(2);
    expect(await pendingEventCount(db)).toBe(2);
    // A fold that fails after taking the batch (as if the process died before its commit) takes nothing.
    const failing: Database = {
      ...db,
      pool: undefined,
      prisma: new Proxy(db.prisma, {
        get(target, property, receiver) {
          if (property !== '$transaction') return Reflect.get(target, property, receiver);
          return (work: (tx: unknown) => Promise<unknown>, options: unknown) =>
            target.$transaction(
              (tx) =>
                work(
                  new Proxy(tx, {
                    get: (inner, name, innerReceiver) =>
                      name === '$queryRawUnsafe'
                        ? (sql: string, ...params: unknown[]) => (sql.startsWith('WITH conv') ? Promise.reject(new Error('killed mid-fold')) : inner.$queryRawUnsafe(sql, ...params))
                        : Reflect.get(inner, name, innerReceiver),
                  }),
                ),
              options as never,
            );
        },
      }),
    };
    await expect(foldEvents(failing)).rejects.toThrow('killed mid-fold');
    expect(await pendingEventCount(db)).toBe(2);
    const arm = (await arms())['fold/1'];
    expect(await pendingEventCount(db)).toBe(0);
    expect(arm.exposedUnits).toBe(1);
    expect(arm.goals.f).toMatchObject({ units: 1, count: 1, sum: 3 });
    // Folding again counts nothing twice.
    expect(await foldEvents(db)).toBe(0);
    expect((await arms())['fold/1']).toEqual(arm);
  });
});
