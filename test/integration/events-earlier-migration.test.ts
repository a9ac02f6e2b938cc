/**
 * The migration that gives exposures their earlier exposures (20261208010000_events_earlier) on a database holding
 * events counted before it: each exposure gets the unit's exposures to the test under other revisions that came before
 * it (by exposure time), and the aggregates are rebuilt under those sets with the same totals. PGlite, and PostgreSQL
 * in its stage.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '@/lib/db/migrate';
import { encodeEarlier, MAX_EARLIER_TEXT, parseEarlier } from '@/lib/events/earlier-exposures';
import { createEmptyTestConnection, type TestConnection } from '@/test/support/db';

const MIGRATION = '20261208010000_events_earlier';
const migrationsDir = path.resolve(__dirname, '../../prisma/migrations');

let target: TestConnection;
let dir: string;
const rows = async <T>(sql: string) => (await target.conn.query(sql)).rows as T[];

beforeAll(async () => {
  target = await createEmptyTestConnection();
  dir = mkdtempSync(path.join(os.tmpdir(), 'proctor-migrations-'));
  cpSync(migrationsDir, dir, { recursive: true });
  rmSync(path.join(dir, MIGRATION), { recursive: true });
  await applyMigrations(target.conn, { migrationsDir: dir });
  // As the fold kept them before: unit a under v1 (control) then v2 (treatment); unit b under v1 (inactive) then v2;
  // unit c under v2 only. a and b bought (a twice, a counting goal).
  await target.conn.query(`INSERT INTO "EventExposure" ("testName","environment","definitionVersion","unitType","unitId","bucket","allocationId","fallback","matrixVersion","exposedAt","hour") VALUES
    ('t','production','v1','USER','a',0,'#A1',false,'m','2030-01-01 10:10','2030-01-01 10:00'),
    ('t','production','v2','USER','a',0,'#A1',false,'m','2030-01-02 10:10','2030-01-02 10:00'),
    ('t','production','v1','USER','b',-1,'#A1',false,'m','2030-01-01 11:10','2030-01-01 11:00'),
    ('t','production','v2','USER','b',1,'#A1',false,'m','2030-01-02 11:10','2030-01-02 11:00'),
    ('t','production','v2','USER','c',1,'#A1',false,'m','2030-01-02 12:10','2030-01-02 12:00')`);
  // Unit d under 60 revisions of another test, with long revision names: more than a key may hold.
  await target.conn.query(`INSERT INTO "EventExposure" ("testName","environment","definitionVersion","unitType","unitId","bucket","allocationId","fallback","matrixVersion","exposedAt","hour")
    SELECT 'long','production','r' || lpad(i::text, 2, '0') || repeat('x', 40),'USER','d',0,'#A1',false,'m',timestamp '2030-01-01' + i * interval '1 hour',timestamp '2030-01-01' + i * interval '1 hour'
    FROM generate_series(0, 59) i`);
  await target.conn.query(`INSERT INTO "EventUnitGoal" ("environment","unitType","unitId","goal","unique","count","sum","sumSquares","firstAt","lastAt") VALUES
    ('production','USER','a','buy',false,2,5,13,'2030-01-03','2030-01-03'),
    ('production','USER','b','buy',false,1,1,1,'2030-01-03','2030-01-03')`);
  await target.conn.query(`INSERT INTO "EventAggregate" ("testName","environment","definitionVersion","allocationId","bucket","fallback","goal","hour","units","count","sum","unitSumSquares") VALUES
    ('t','production','v1','#A1',0,false,'','2030-01-01 10:00',1,0,0,0), ('t','production','v1','#A1',0,false,'buy','2030-01-01 10:00',1,2,5,25),
    ('t','production','v2','#A1',0,false,'','2030-01-02 10:00',1,0,0,0), ('t','production','v2','#A1',0,false,'buy','2030-01-02 10:00',1,2,5,25),
    ('t','production','v1','#A1',-1,false,'','2030-01-01 11:00',1,0,0,0), ('t','production','v1','#A1',-1,false,'buy','2030-01-01 11:00',1,1,1,1),
    ('t','production','v2','#A1',1,false,'','2030-01-02 11:00',1,0,0,0), ('t','production','v2','#A1',1,false,'buy','2030-01-02 11:00',1,1,1,1),
    ('t','production','v2','#A1',1,false,'','2030-01-02 12:00',1,0,0,0)`);
  await applyMigrations(target.conn, { migrationsDir });
}, 120_000);
afterAll(async () => {
  await target?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the earlier-exposures migration', () => {
  it("gives each exposure the unit's earlier exposures under other revisions, by exposure time", async () => {
    expect(await rows(`SELECT "unitId", "definitionVersion", "earlier" FROM "EventExposure" WHERE "testName" = 't' ORDER BY 1, 2`)).toEqual([
      { unitId: 'a', definitionVersion: 'v1', earlier: '' },
      { unitId: 'a', definitionVersion: 'v2', earlier: '[["v1","a"]]' },
      { unitId: 'b', definitionVersion: 'v1', earlier: '' },
      { unitId: 'b', definitionVersion: 'v2', earlier: '[["v1","i"]]' },
      { unitId: 'c', definitionVersion: 'v2', earlier: '' },
    ]);
  });

  it('keeps the newest earlier exposures that fit in a primary key (MAX_EARLIER_TEXT), as the fold does', async () => {
    const [last] = await rows<{ earlier: string }>(`SELECT "earlier" FROM "EventExposure" WHERE "testName" = 'long' ORDER BY "exposedAt" DESC LIMIT 1`);
    expect(last.earlier.length).toBeLessThanOrEqual(MAX_EARLIER_TEXT);
    const kept = parseEarlier(last.earlier).map((e) => e.definitionVersion.slice(0, 3));
    expect(kept.length).toBeGreaterThan(10);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => `r${String(59 - kept.length + i).padStart(2, '0')}`));
    expect(last.earlier.length).toBe(encodeEarlier(Array.from({ length: 59 }, (_, i) => ({ definitionVersion: `r${String(i).padStart(2, '0')}${'x'.repeat(40)}`, kind: 'arm' as const, at: i }))).length);
  });

  it('rebuilds the aggregates under those sets with the same totals', async () => {
    const aggregates = await rows<Record<string, unknown>>(
      `SELECT "definitionVersion", "bucket", "goal", "earlier", "units", "count", "sum", "unitSumSquares" FROM "EventAggregate" WHERE "testName" = 't' ORDER BY 1, 2, 3, 4`,
    );
    expect(aggregates).toEqual([
      { definitionVersion: 'v1', bucket: -1, goal: '', earlier: '', units: 1, count: 0, sum: 0, unitSumSquares: 0 },
      { definitionVersion: 'v1', bucket: -1, goal: 'buy', earlier: '', units: 1, count: 1, sum: 1, unitSumSquares: 1 },
      { definitionVersion: 'v1', bucket: 0, goal: '', earlier: '', units: 1, count: 0, sum: 0, unitSumSquares: 0 },
      { definitionVersion: 'v1', bucket: 0, goal: 'buy', earlier: '', units: 1, count: 2, sum: 5, unitSumSquares: 25 },
      { definitionVersion: 'v2', bucket: 0, goal: '', earlier: '[["v1","a"]]', units: 1, count: 0, sum: 0, unitSumSquares: 0 },
      { definitionVersion: 'v2', bucket: 0, goal: 'buy', earlier: '[["v1","a"]]', units: 1, count: 2, sum: 5, unitSumSquares: 25 },
      { definitionVersion: 'v2', bucket: 1, goal: '', earlier: '', units: 1, count: 0, sum: 0, unitSumSquares: 0 },
      { definitionVersion: 'v2', bucket: 1, goal: '', earlier: '[["v1","i"]]', units: 1, count: 0, sum: 0, unitSumSquares: 0 },
      { definitionVersion: 'v2', bucket: 1, goal: 'buy', earlier: '[["v1","i"]]', units: 1, count: 1, sum: 1, unitSumSquares: 1 },
    ]);
  });
});
