/**
 * Counting what was received (docs/events.md): ingest appends each batch's new events to EventPending and acknowledges
 * (record-events.ts); a fold takes the oldest pending batches and counts them in ONE transaction with their deletion, so
 * every event is counted exactly once whatever crashes between (a fold that did not commit leaves its batches pending;
 * one that did removed them). Folding keeps, per environment, each unit's per-goal totals (EventUnitGoal), the first
 * exposure per test, environment, definition revision and unit with the unit's earlier exposures under other revisions
 * (EventExposure; earlier-exposures.ts), and the aggregates the results read (EventAggregate). A conversion's change
 * is added to every test revision its unit is exposed to in that environment (stored before or in this fold); a new
 * exposure also gets the unit's goal totals stored before. So attribution does not depend on arrival order.
 * Folds take turns (FOLD_LOCK, across instances too): only folds write those tables, so no two can miss each other's
 * rows. A fold's commit need not wait for the disk: if it is lost in a crash, so is the deletion of its batches.
 */
import { inTransaction, type EventDatabase, type Tx } from './event-database';
import { hourOf, type ValidEvent } from './validate-events';
import { parsePending } from './pending-events';
import { encodeEarlier, exposureKind, type EarlierExposure } from './earlier-exposures';

/** Advisory-lock class of the fold (turns.ts uses 19_002). */
const FOLD_LOCK_CLASS = 19_001;
/** Pending batches (each up to 1,000 events) counted per fold. */
const BATCHES_PER_FOLD = 5;

const unitKey = (event: { environment: string; unitType: string; unitId: string }) => `${event.environment}\u0000${event.unitType}\u0000${event.unitId}`;
const iso = (ms: number) => new Date(ms).toISOString();
const byKey = <T>([a]: [string, T], [b]: [string, T]) => (a < b ? -1 : a > b ? 1 : 0);

/** Counts the oldest pending batches; answers how many events were folded (0: nothing was pending). */
export async function foldEvents(db: EventDatabase, batches = BATCHES_PER_FOLD): Promise<number> {
  return inTransaction(db, { durable: false }, async (tx) => {
    if (db.kind === 'postgres') await tx.rows(`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(${FOLD_LOCK_CLASS})) AS l`);
    const taken = await tx.rows<{ seq: bigint | number | string; events: string }>(
      // SKIP LOCKED: a fold never waits on rows another fold took (with the turns above there is none; the concurrency
      // test relies on it to show what folding without them would do).
      `DELETE FROM "EventPending" WHERE "seq" IN (SELECT "seq" FROM "EventPending" ORDER BY "seq" LIMIT ${Math.max(1, Math.floor(batches))} FOR UPDATE SKIP LOCKED) RETURNING "seq", "events"`,
    );
    if (taken.length === 0) return 0;
    // In the order received: the first exposure of a unit wins.
    taken.sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
    const events = taken.flatMap((row) => parsePending(row.events));
    const input = storeInput(events);
    if (input.exposures.length > 0) await keepWon(tx, input);
    if (input.conversions.length > 0 || input.exposures.length > 0) await tx.rows(FOLD_SQL, JSON.stringify(input.conversions), JSON.stringify(input.exposures));
    return events.length;
  });
}

/** Every stored exposure of the fold's (unit, test) pairs: one index range per pair (the key starts with them). */
const STORED_SQL = `SELECT x.n, e."definitionVersion" AS d, e."bucket" AS b, e."fallback" AS f, e."exposedAt" AS at
  FROM json_to_recordset($1::json) AS x(n int, v text, ut text, ui text, t text)
  CROSS JOIN LATERAL (
    SELECT e."definitionVersion", e."bucket", e."fallback", e."exposedAt" FROM "EventExposure" e
    WHERE e."environment" = x.v AND e."unitType" = x.ut AND e."unitId" = x.ui AND e."testName" = x.t OFFSET 0
  ) e`;

/**
 * Keeps only the exposures that win (no exposure of their unit, test and revision stored before) and gives each its
 * earlier exposures under other revisions (earlier-exposures.ts): those stored before and those earlier in this fold.
 * Folds take turns, so what this statement reads is what FOLD_SQL's snapshot holds.
 */
async function keepWon(tx: Tx, input: { conversions: ConversionRow[]; exposures: ExposureRow[] }): Promise<void> {
  const pairs = new Map<string, number>();
  const keys: Array<{ n: number; v: string; ut: string; ui: string; t: string }> = [];
  const pairOf = input.exposures.map((x) => {
    const key = `${unitKey({ environment: x.v, unitType: x.ut, unitId: x.ui })}\u0000${x.t}`;
    let n = pairs.get(key);
    if (n === undefined) {
      pairs.set(key, (n = keys.length));
      keys.push({ n, v: x.v, ut: x.ut, ui: x.ui, t: x.t });
    }
    return n;
  });
  const stored: EarlierExposure[][] = keys.map(() => []);
  for (const row of await tx.rows<{ n: number; d: string; b: number; f: boolean; at: Date | string }>(STORED_SQL, JSON.stringify(keys))) {
    stored[row.n].push({ definitionVersion: row.d, kind: exposureKind(Number(row.b), row.f), at: new Date(row.at).getTime() });
  }
  const won = new Set<ExposureRow>();
  input.exposures.forEach((x, i) => {
    const pair = pairOf[i];
    if (stored[pair].some((e) => e.definitionVersion === x.d)) return;
    x.s = encodeEarlier(stored[pair]);
    won.add(x);
    // Later exposures of the pair in this fold have this one before them (as it is stored; one wins per revision).
    stored[pair].push({ definitionVersion: x.d, kind: exposureKind(x.b, x.f), at: Date.parse(x.at) });
  });
  input.exposures = input.exposures.filter((x) => won.has(x));
  for (const conversion of input.conversions) {
    const xs = conversion.xs?.filter((x) => won.has(x)) ?? [];
    conversion.xs = xs.length > 0 ? xs : null;
  }
}

/** How many events are received but not yet counted. */
export async function pendingEventCount(db: EventDatabase): Promise<number> {
  const rows = await db.prisma.$queryRawUnsafe<Array<{ n: bigint | number | null }>>(`SELECT sum("count")::bigint AS n FROM "EventPending"`);
  return Number(rows[0]?.n ?? 0);
}

interface ExposureRow {
  /** The event id (kept in the exposure's row). */
  i: string;
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
  /** The unit's earlier exposures to the test under other revisions, encoded (set by keepWon). */
  s: string;
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
 * FOLD_SQL's input (short keys): the conversions summed per unit and goal (a binary goal, as the unit's first event of
 * it in the fold said, counts once), and the first exposure per (unit, test, revision) in the order received.
 */
function storeInput(events: ValidEvent[]): { conversions: ConversionRow[]; exposures: ExposureRow[] } {
  const first = new Map<string, ExposureRow>();
  const exposures: ExposureRow[] = [];
  const byUnit = new Map<string, ExposureRow[]>();
  const conversions = new Map<string, ConversionRow>();
  for (const event of events) {
    const unit = unitKey(event);
    if (event.kind === 'exposure') {
      const key = `${unit}\u0000${event.test}\u0000${event.definitionVersion}`;
      if (first.has(key)) continue;
      const row: ExposureRow = { i: event.id, v: event.environment, ut: event.unitType, ui: event.unitId, t: event.test, d: event.definitionVersion, b: event.bucket, l: event.allocationId, f: event.fallback, m: event.matrixVersion, at: iso(event.at), h: iso(hourOf(event.at)), s: '' };
      exposures.push(row);
      first.set(key, row);
      const list = byUnit.get(unit);
      if (list) list.push(row);
      else byUnit.set(unit, [row]);
      continue;
    }
    const key = `${unit}\u0000${event.goal}`;
    const at = iso(event.at);
    const total = conversions.get(key);
    if (!total) {
      conversions.set(key, { v: event.environment, ut: event.unitType, ui: event.unitId, g: event.goal, q: event.unique, c: 1, s: event.value, sq: event.value * event.value, fa: at, la: at, xs: null });
      continue;
    }
    if (at < total.fa) total.fa = at;
    if (at > total.la) total.la = at;
    if (total.q) continue;
    total.c += 1;
    total.s += event.value;
    total.sq += event.value * event.value;
  }
  // In key order: unit goal rows are upserted in one order.
  const sorted = [...conversions.entries()].sort(byKey).map(([key, row]) => {
    row.xs = byUnit.get(key.slice(0, key.lastIndexOf('\u0000'))) ?? null;
    return row;
  });
  return { conversions: sorted, exposures };
}

const AGGREGATE_KEY = `"testName", "environment", "definitionVersion", "allocationId", "bucket", "fallback", "goal", "hour", "earlier"`;
const EXPOSURE_ROW = `t text, d text, b int, l text, f boolean, h timestamp, s text`;

/**
 * The events of one fold in one statement. Its parts all read the statement's snapshot — the database before this fold,
 * current because folds take turns (FOLD_LOCK) — and every join goes from the fold's rows to an index (joins between
 * the statement's own parts, whose sizes the planner cannot estimate, ran as nested loops of 500 × 500 rows: 3 s):
 *   delta     per unit and goal, what the fold changes in the unit's totals (a binary goal stored before stays),
 *   won       the exposures that are the unit's first in their test revision (keepWon found none stored before), stored
 *             with their id and their earlier exposures under other revisions (part of the aggregate key),
 *   changes   to the aggregates: each won exposure (goal ""), each won exposure with its unit's goal totals stored
 *             before, and each delta for the unit's exposures stored before or won now. Totals before + delta are the
 *             totals after (squares too: (s + Δ)² = s² + ((s + Δ)² − s²)), so nothing is counted twice or missed;
 * then ONE upsert applies the changes summed per aggregate row, in key order.
 */
const FOLD_SQL = `WITH conv AS (
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
  ), won AS MATERIALIZED (
    SELECT x.* FROM json_to_recordset($2::json) AS x(i text, v text, ut text, ui text, ${EXPOSURE_ROW}, m text, at timestamp)
  ), exposed AS (
    INSERT INTO "EventExposure" ("testName", "environment", "definitionVersion", "unitType", "unitId", "bucket", "allocationId", "fallback", "matrixVersion", "exposedAt", "hour", "eventId", "earlier")
    SELECT t, v, d, ut, ui, b, l, f, m, at, h, i, s FROM won
  ), changes AS (
    SELECT t, v, d, l, b, f, '' AS g, h, s, 1 AS units, 0 AS count, 0::float8 AS sum, 0::float8 AS sq FROM won
    UNION ALL
    SELECT w.t, w.v, w.d, w.l, w.b, w.f, old."goal", w.h, w.s, 1, old."count", old."sum", old."sum" * old."sum"
    FROM won w CROSS JOIN LATERAL (SELECT g."goal", g."count", g."sum" FROM "EventUnitGoal" g WHERE g."environment" = w.v AND g."unitType" = w.ut AND g."unitId" = w.ui OFFSET 0) old
    UNION ALL
    SELECT e."testName", e."environment", e."definitionVersion", e."allocationId", e."bucket", e."fallback", d.g, e."hour", e."earlier", d.units, d.count, d.sum, d.sq
    FROM delta d CROSS JOIN LATERAL (SELECT * FROM "EventExposure" x WHERE x."environment" = d.v AND x."unitType" = d.ut AND x."unitId" = d.ui OFFSET 0) e
    WHERE d.units <> 0 OR d.count <> 0
    UNION ALL
    SELECT x.t, d.v, x.d, x.l, x.b, x.f, d.g, x.h, x.s, d.units, d.count, d.sum, d.sq
    FROM delta d CROSS JOIN LATERAL json_to_recordset(d.xs) AS x(${EXPOSURE_ROW})
    WHERE d.units <> 0 OR d.count <> 0
  ), aggregated AS (
  INSERT INTO "EventAggregate" (${AGGREGATE_KEY}, "units", "count", "sum", "unitSumSquares")
  SELECT t, v, d, l, b, f, g, h, s, sum(units)::int, sum(count)::int, sum(sum), sum(sq) FROM changes
  GROUP BY t, v, d, l, b, f, g, h, s ORDER BY t, v, d, l, b, f, g, h, s
  ON CONFLICT (${AGGREGATE_KEY}) DO UPDATE SET
    "units" = "EventAggregate"."units" + excluded."units", "count" = "EventAggregate"."count" + excluded."count",
    "sum" = "EventAggregate"."sum" + excluded."sum", "unitSumSquares" = "EventAggregate"."unitSumSquares" + excluded."unitSumSquares"
  )
  SELECT count(*)::int AS won FROM won`;
