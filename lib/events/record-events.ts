/**
 * Stores one batch of checked events exactly once, in one transaction of two statements whatever the batch size:
 *   1. the conversions' ids (EventReceipt, ON CONFLICT DO NOTHING: an id already there is a duplicate, however old);
 *   2. (STORE_SQL) with the new conversions, each unit's per-goal totals (EventUnitGoal); the exposures (first exposure
 *      wins per test, environment, definition revision and unit, and its row keeps its event id: a retry finds it
 *      there, so a winning exposure needs no receipt; an exposure that loses gets one); ONE upsert of the aggregates.
 * A conversion's change is added to every test revision its unit is exposed to in that environment (stored before or
 * in this batch); a new exposure also gets the unit's goal totals stored before (conversions that arrived before it).
 * So attribution does not depend on arrival order: a unit's conversions in an environment count for every test
 * revision it is exposed to there, under the hour of that exposure (its cohort), whichever came first.
 * On PostgreSQL (several instances) batches of one environment take turns (EVENTS_LOCK).
 * The caller acknowledges only after the commit; on PostgreSQL the commit is made synchronous for this transaction
 * (whatever the server's default), and the embedded database fsyncs its WAL on commit (lib/db/pglite-server.mjs).
 */
import type { Pool, PoolClient } from 'pg';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { hourOf, type Checked, type ValidEvent } from './validate-events';

export type EventStatus = 'accepted' | 'duplicate' | 'rejected';
export interface EventResult {
  id: string;
  status: EventStatus;
  reason?: string;
}
export interface BatchResult {
  results: EventResult[];
  accepted: number;
  duplicates: number;
  rejected: number;
}

/** The database as lib/db/client.ts opens it: the pool when there is one (Prisma costs ~40 ms per 1,000-event batch here). */
export interface EventDatabase {
  prisma: PrismaClient;
  pool?: Pool;
  kind: 'pglite' | 'postgres';
}

/** One transaction's statements, whichever way they travel. */
interface Tx {
  rows<T>(sql: string, ...params: unknown[]): Promise<T[]>;
}

async function inTransaction<T>(db: EventDatabase, work: (tx: Tx) => Promise<T>): Promise<T> {
  if (!db.pool) {
    // Memory PGlite (tests): no pool.
    return db.prisma.$transaction((prisma) => work({ rows: <R>(sql: string, ...params: unknown[]) => prisma.$queryRawUnsafe<R[]>(sql, ...params) }), { timeout: 60_000, maxWait: 60_000 });
  }
  const client: PoolClient = await db.pool.connect();
  let broken: Error | undefined;
  try {
    // Acknowledged means on disk, even on a PostgreSQL server running with synchronous_commit = off (one round trip).
    await client.query(db.kind === 'postgres' ? 'BEGIN; SET LOCAL synchronous_commit = on' : 'BEGIN');
    const result = await work({ rows: async <R>(sql: string, ...params: unknown[]) => (await client.query(sql, params)).rows as R[] });
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

const unitKey = (event: { environment: string; unitType: string; unitId: string }) => `${event.environment}\u0000${event.unitType}\u0000${event.unitId}`;
const iso = (date: Date) => date.toISOString();
const byKey = <T>([a]: [string, T], [b]: [string, T]) => (a < b ? -1 : a > b ? 1 : 0);

export interface RecordOptions {
  /** The time of the check (callers pass it; storage itself keeps the events' own times). */
  now?: Date;
}

/** Stores the accepted events of `checked` and answers per event, in the order sent. */
export async function recordEvents(db: EventDatabase, checked: Checked[], _options: RecordOptions = {}): Promise<BatchResult> {
  const results: EventResult[] = checked.map((entry) => (entry.ok ? { id: entry.event.id, status: 'accepted' as const } : { id: entry.id, status: 'rejected' as const, reason: entry.reason }));
  // An id twice in one batch: the first is the event, the others its duplicates.
  const firstIndex = new Map<string, number>();
  checked.forEach((entry, index) => {
    if (!entry.ok) return;
    if (firstIndex.has(entry.event.id)) results[index].status = 'duplicate';
    else firstIndex.set(entry.event.id, index);
  });
  const candidates = [...firstIndex.values()].map((index) => (checked[index] as Extract<Checked, { ok: true }>).event);

  if (candidates.length > 0) {
    const stored = await inTransaction(db, (tx) => storeNew(tx, candidates, db.kind === 'postgres'));
    for (const [id, index] of firstIndex) if (!stored.has(id)) results[index].status = 'duplicate';
  }
  let accepted = 0;
  let duplicates = 0;
  let rejected = 0;
  for (const result of results) {
    if (result.status === 'accepted') accepted++;
    else if (result.status === 'duplicate') duplicates++;
    else rejected++;
  }
  return { results, accepted, duplicates, rejected };
}

/** Returns the ids that were new (stored now). */
async function storeNew(tx: Tx, events: ValidEvent[], server: boolean): Promise<Set<string>> {
  if (server) {
    // On a PostgreSQL server other sessions store events at the same time (several instances): batches of one
    // environment take turns (see EVENTS_LOCK). The embedded database has one session: transactions never overlap.
    for (const environment of [...new Set(events.map((event) => event.environment))].sort()) await tx.rows(LOCK_SQL, environment);
  }
  // Conversions: a receipt per id. In id order: batches holding the same ids wait for each other in one order.
  const receipts = events
    .filter((event) => event.kind === 'conversion')
    .map((event) => ({ id: event.id, at: iso(event.sentAt) }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const stored = new Set<string>();
  if (receipts.length > 0) {
    const fresh = await tx.rows<{ id: string }>(
      `INSERT INTO "EventReceipt" ("id", "at") SELECT r.id, r.at FROM json_to_recordset($1::json) AS r(id text, at timestamp)
       ON CONFLICT ("id") DO NOTHING RETURNING "id"`,
      JSON.stringify(receipts),
    );
    for (const row of fresh) stored.add(row.id);
  }
  // Exposures are told new from duplicate by STORE_SQL itself (their exposure row keeps the id of the event that won).
  const input = storeInput(events.filter((event) => event.kind === 'exposure' || stored.has(event.id)));
  if (input.conversions.length > 0 || input.exposures.length > 0) {
    const accepted = await tx.rows<{ id: string }>(STORE_SQL, JSON.stringify(input.conversions), JSON.stringify(input.exposures));
    for (const row of accepted) stored.add(row.id);
  }
  return stored;
}

interface ExposureRow {
  o: number;
  /** The event id, and its time as sent (the receipt's clock when the exposure loses). */
  i: string;
  sa: string;
  /** The first exposure of its (unit, test, revision) in the batch: the one that wins unless one is stored already. */
  w: boolean;
  v: string;
  ut: string;
  ui: string;
  t: string;
  d: string;
  b: number;
  l: string;
  f: boolean;
  m: string;
  at: string;
  h: string;
}
interface ConversionRow {
  v: string;
  ut: string;
  ui: string;
  g: string;
  q: boolean;
  c: number;
  s: number;
  sq: number;
  fa: string;
  la: string;
  /** The unit's exposures in this batch (rows of `exposures`), so that those won get this change too. */
  xs: ExposureRow[] | null;
}

/**
 * STORE_SQL's input (short keys: up to 1,000 rows travel per batch): the new conversions folded per unit and goal (a
 * binary goal, as the unit's first event of it in the batch said, counts once), and every exposure of the batch (one
 * per id), the first per (unit, test, revision) in the order sent marked `w`.
 */
function storeInput(events: ValidEvent[]): { conversions: ConversionRow[]; exposures: ExposureRow[] } {
  const first = new Map<string, ExposureRow>();
  const exposures: ExposureRow[] = [];
  const byUnit = new Map<string, ExposureRow[]>();
  const conversions = new Map<string, ConversionRow>();
  events.forEach((event, o) => {
    const unit = unitKey(event);
    if (event.kind === 'exposure') {
      const key = `${unit}\u0000${event.test}\u0000${event.definitionVersion}`;
      const w = !first.has(key);
      const row: ExposureRow = { o, i: event.id, sa: iso(event.sentAt), w, v: event.environment, ut: event.unitType, ui: event.unitId, t: event.test, d: event.definitionVersion, b: event.bucket, l: event.allocationId, f: event.fallback, m: event.matrixVersion, at: iso(event.at), h: iso(hourOf(event.at)) };
      exposures.push(row);
      if (!w) return;
      first.set(key, row);
      const list = byUnit.get(unit);
      if (list) list.push(row);
      else byUnit.set(unit, [row]);
      return;
    }
    const key = `${unit}\u0000${event.goal}`;
    const at = iso(event.at);
    const total = conversions.get(key);
    if (!total) {
      conversions.set(key, { v: event.environment, ut: event.unitType, ui: event.unitId, g: event.goal, q: event.unique, c: 1, s: event.value, sq: event.value * event.value, fa: at, la: at, xs: null });
      return;
    }
    if (at < total.fa) total.fa = at;
    if (at > total.la) total.la = at;
    if (total.q) return;
    total.c += 1;
    total.s += event.value;
    total.sq += event.value * event.value;
  });
  // In key order: unit goal rows are upserted in one order (batches of one environment take turns anyway on PostgreSQL).
  const sorted = [...conversions.entries()].sort(byKey).map(([key, row]) => {
    row.xs = byUnit.get(key.slice(0, key.lastIndexOf('\u0000'))) ?? null;
    return row;
  });
  return { conversions: sorted, exposures };
}

/**
 * EVENTS_LOCK (PostgreSQL): a batch's transaction first takes a transaction-level advisory lock per environment it
 * writes, in name order. Under READ COMMITTED a conversion and an exposure of one unit stored by two sessions at once
 * would each miss the other's uncommitted row (the conversion never attributed), or two sessions would both see no
 * exposure and both count one; taking turns per environment excludes that, and the next statements' snapshots, taken
 * once the lock is held, see what the batches before committed. It costs no rows (a row lock per unit wrote ~450 rows
 * per 1,000 events) and one slot of the shared lock table per environment, not per unit. Batches of one environment
 * take turns inside the database; their requests are still parsed and checked in parallel.
 */
const EVENTS_LOCK_CLASS = 19_001;
const LOCK_SQL = `SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(${EVENTS_LOCK_CLASS}, hashtext($1::text))) AS l`;

const AGGREGATE_KEY = `"testName", "environment", "definitionVersion", "allocationId", "bucket", "fallback", "goal", "hour"`;
const EXPOSURE_ROW = `t text, d text, b int, l text, f boolean, h timestamp`;
const EXPOSURE_KEY = (alias: string, row: string) =>
  `${alias}."environment" = ${row}.v AND ${alias}."unitType" = ${row}.ut AND ${alias}."unitId" = ${row}.ui AND ${alias}."testName" = ${row}.t AND ${alias}."definitionVersion" = ${row}.d`;

/**
 * The new events of a batch in one statement. Its parts all read the statement's snapshot — the database before this
 * batch, current because batches take turns (PostgreSQL) or the session is the only one (embedded) — and every join
 * goes from the batch's rows to an index (joins between the statement's own parts, whose sizes the planner cannot
 * estimate, ran as nested loops of 500 × 500 rows: 3 s a batch):
 *   delta     per unit and goal, what the batch changes in the unit's totals (a binary goal stored before stays),
 *   cand      every exposure of the batch with the event id its (unit, test, revision) row holds, if stored before:
 *             the same id = a duplicate; another id (or an exposure not first in the batch) = it lost: its receipt
 *             (lost) says whether it is new,
 *   won       the exposures that are the unit's first in their test revision (none stored before), stored with their id,
 *   changes   to the aggregates: each won exposure (goal ""), each won exposure with its unit's goal totals stored
 *             before, and each delta for the unit's exposures stored before or won now. Totals before + delta are the
 *             totals after (squares too: (s + Δ)² = s² + ((s + Δ)² − s²)), so nothing is counted twice or missed;
 * then ONE upsert applies the changes summed per aggregate row, in key order: concurrent batches lock the shared
 * aggregate rows in the same order and cannot deadlock. Answers the exposure ids that are new (won, or lost and new).
 */
const STORE_SQL = `WITH conv AS (
    SELECT * FROM json_to_recordset($1::json) AS c(v text, ut text, ui text, g text, q boolean, c int, s float8, sq float8, fa timestamp, la timestamp, xs json)
  ), delta AS (
    SELECT c.v, c.ut, c.ui, c.g, c.xs,
           CASE WHEN old."goal" IS NULL THEN 1 ELSE 0 END AS units,
           CASE WHEN old."goal" IS NULL OR NOT old."unique" THEN c.c ELSE 0 END AS count,
           CASE WHEN old."goal" IS NULL OR NOT old."unique" THEN c.s ELSE 0 END AS sum,
           CASE WHEN old."goal" IS NULL THEN c.s * c.s WHEN NOT old."unique" THEN (old."sum" + c.s) * (old."sum" + c.s) - old."sum" * old."sum" ELSE 0 END AS sq
    FROM conv c LEFT JOIN LATERAL (
      SELECT g."goal", g."unique", g."sum" FROM "EventUnitGoal" g WHERE g."environment" = c.v AND g."unitType" = c.ut AND g."unitId" = c.ui AND g."goal" = c.g OFFSET 0
    ) old ON true
  ), goals AS (
    INSERT INTO "EventUnitGoal" ("environment", "unitType", "unitId", "goal", "unique", "count", "sum", "sumSquares", "firstAt", "lastAt")
    SELECT v, ut, ui, g, q, c, s, sq, fa, la FROM conv
    ON CONFLICT ("environment", "unitType", "unitId", "goal") DO UPDATE SET
      "count" = CASE WHEN "EventUnitGoal"."unique" THEN "EventUnitGoal"."count" ELSE "EventUnitGoal"."count" + excluded."count" END,
      "sum" = CASE WHEN "EventUnitGoal"."unique" THEN "EventUnitGoal"."sum" ELSE "EventUnitGoal"."sum" + excluded."sum" END,
      "sumSquares" = CASE WHEN "EventUnitGoal"."unique" THEN "EventUnitGoal"."sumSquares" ELSE "EventUnitGoal"."sumSquares" + excluded."sumSquares" END,
      "firstAt" = LEAST("EventUnitGoal"."firstAt", excluded."firstAt"), "lastAt" = GREATEST("EventUnitGoal"."lastAt", excluded."lastAt")
  ), cand AS MATERIALIZED (
    SELECT x.*, held.i IS NOT NULL AS found, held.i AS held
    FROM json_to_recordset($2::json) AS x(o int, i text, sa timestamp, w boolean, v text, ut text, ui text, ${EXPOSURE_ROW}, m text, at timestamp)
    LEFT JOIN LATERAL (SELECT coalesce(e."eventId", '') AS i FROM "EventExposure" e WHERE ${EXPOSURE_KEY('e', 'x')} OFFSET 0) held ON true
  ), won AS MATERIALIZED (
    SELECT * FROM cand WHERE w AND NOT found
  ), lost AS (
    INSERT INTO "EventReceipt" ("id", "at")
    SELECT i, sa FROM cand WHERE NOT (w AND NOT found) AND held IS DISTINCT FROM i ORDER BY i
    ON CONFLICT ("id") DO NOTHING RETURNING "id"
  ), exposed AS (
    INSERT INTO "EventExposure" ("testName", "environment", "definitionVersion", "unitType", "unitId", "bucket", "allocationId", "fallback", "matrixVersion", "exposedAt", "hour", "eventId")
    SELECT t, v, d, ut, ui, b, l, f, m, at, h, i FROM won ORDER BY o
  ), changes AS (
    SELECT t, v, d, l, b, f, '' AS g, h, 1 AS units, 0 AS count, 0::float8 AS sum, 0::float8 AS sq FROM won
    UNION ALL
    SELECT w.t, w.v, w.d, w.l, w.b, w.f, old."goal", w.h, 1, old."count", old."sum", old."sum" * old."sum"
    FROM won w CROSS JOIN LATERAL (SELECT g."goal", g."count", g."sum" FROM "EventUnitGoal" g WHERE g."environment" = w.v AND g."unitType" = w.ut AND g."unitId" = w.ui OFFSET 0) old
    UNION ALL
    SELECT e."testName", e."environment", e."definitionVersion", e."allocationId", e."bucket", e."fallback", d.g, e."hour", d.units, d.count, d.sum, d.sq
    FROM delta d CROSS JOIN LATERAL (SELECT * FROM "EventExposure" x WHERE x."environment" = d.v AND x."unitType" = d.ut AND x."unitId" = d.ui OFFSET 0) e
    WHERE d.units <> 0 OR d.count <> 0
    UNION ALL
    SELECT x.t, d.v, x.d, x.l, x.b, x.f, d.g, x.h, d.units, d.count, d.sum, d.sq
    FROM delta d CROSS JOIN LATERAL json_to_recordset(d.xs) AS x(${EXPOSURE_ROW})
    WHERE (d.units <> 0 OR d.count <> 0)
      AND NOT EXISTS (SELECT 1 FROM "EventExposure" e WHERE e."environment" = d.v AND e."unitType" = d.ut AND e."unitId" = d.ui AND e."testName" = x.t AND e."definitionVersion" = x.d OFFSET 0)
  ), aggregated AS (
  INSERT INTO "EventAggregate" (${AGGREGATE_KEY}, "units", "count", "sum", "unitSumSquares")
  SELECT t, v, d, l, b, f, g, h, sum(units)::int, sum(count)::int, sum(sum), sum(sq) FROM changes
  GROUP BY t, v, d, l, b, f, g, h ORDER BY t, v, d, l, b, f, g, h
  ON CONFLICT (${AGGREGATE_KEY}) DO UPDATE SET
    "units" = "EventAggregate"."units" + excluded."units", "count" = "EventAggregate"."count" + excluded."count",
    "sum" = "EventAggregate"."sum" + excluded."sum", "unitSumSquares" = "EventAggregate"."unitSumSquares" + excluded."unitSumSquares"
  )
  SELECT i AS id FROM won UNION ALL SELECT "id" FROM lost`;
