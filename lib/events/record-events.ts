/**
 * Stores one batch of checked events in ONE transaction, a handful of set-based statements whatever the batch size:
 *   1. lock the batch's units (EventUnit rows, upserted in key order: see the model's comment),
 *   2. keep the new event ids (EventReceipt, ON CONFLICT DO NOTHING: an id already there is a duplicate, however old),
 *   3. conversions: the unit's per-goal totals (EventUnitGoal), and their change added to the aggregates of every test
 *      revision the unit is already exposed to in that environment,
 *   4. exposures: first exposure wins per (test, environment, definition revision, unit); a new one adds one exposed
 *      unit to its aggregate AND the unit's goal totals so far (conversions that arrived before it).
 * Steps 3 and 4 make attribution independent of arrival order: a unit's conversions in an environment count for every
 * test revision it is exposed to there, aggregated under the hour of that exposure (its cohort), whichever came first.
 * The caller acknowledges only after the commit; on PostgreSQL the commit is made synchronous for this transaction
 * (whatever the server's default), and the embedded database fsyncs its WAL on commit (lib/db/pglite-server.mjs).
 */
import type { Pool, PoolClient } from 'pg';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { hourOf, type Checked, type ConversionEvent, type ExposureEvent } from './validate-events';

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
  run(sql: string, ...params: unknown[]): Promise<unknown>;
  rows<T>(sql: string, ...params: unknown[]): Promise<T[]>;
}

async function inTransaction<T>(db: EventDatabase, work: (tx: Tx) => Promise<T>): Promise<T> {
  if (!db.pool) {
    return db.prisma.$transaction(
      (prisma) => work({ run: (sql, ...params) => prisma.$executeRawUnsafe(sql, ...params), rows: <R>(sql: string, ...params: unknown[]) => prisma.$queryRawUnsafe<R[]>(sql, ...params) }),
      { timeout: 60_000, maxWait: 60_000 },
    );
  }
  const client: PoolClient = await db.pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work({ run: (sql, ...params) => client.query(sql, params), rows: async <R>(sql: string, ...params: unknown[]) => (await client.query(sql, params)).rows as R[] });
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

/**
 * Concurrent batches update the same aggregate rows (a few per test and hour) in whatever order their statements
 * meet them, so PostgreSQL can detect a deadlock and abort one of them (seen in the bench with 4 batches in flight).
 * The aborted transaction left nothing behind: it is run again. (Applying each batch's aggregate changes in one
 * statement in key order would avoid the deadlock itself; not done yet.)
 */
async function withDeadlockRetry<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if ((code !== '40P01' && code !== '40001') || attempt >= attempts) throw error;
    }
  }
}

const unitKey = (event: { environment: string; unitType: string; unitId: string }) => `${event.environment}\u0000${event.unitType}\u0000${event.unitId}`;
const iso = (date: Date) => date.toISOString();

export interface RecordOptions {
  now?: Date;
}

/** Stores the accepted events of `checked` and answers per event, in the order sent. */
export async function recordEvents(db: EventDatabase, checked: Checked[], options: RecordOptions = {}): Promise<BatchResult> {
  const now = options.now ?? new Date();
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
    // On a PostgreSQL server, other sessions store events at the same time (several instances): the batch's units are
    // locked first (see EventUnit) and the commit is made synchronous whatever the server's default. The embedded
    // database has one session (transactions never overlap) and commits synchronously (lib/db/pglite-server.mjs).
    const stored = await withDeadlockRetry(() => inTransaction(db, (tx) => storeNew(tx, candidates, now, db.kind === 'postgres')));
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
async function storeNew(tx: Tx, events: Array<ExposureEvent | ConversionEvent>, now: Date, server: boolean): Promise<Set<string>> {
  // Acknowledged means on disk, even on a server running with synchronous_commit = off.
  if (server) await tx.run(`SET LOCAL synchronous_commit = on`);

  const units = server ? [...new Map(events.map((event) => [unitKey(event), event])).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : [];
  if (server) await tx.run(
    // DO UPDATE … WHERE false writes nothing but still locks the existing row (PostgreSQL's ON CONFLICT rules).
    `INSERT INTO "EventUnit" ("environment", "unitType", "unitId", "firstSeenAt")
     SELECT u.environment, u."unitType", u."unitId", $2::timestamp FROM jsonb_to_recordset($1::jsonb) AS u(environment text, "unitType" text, "unitId" text, ord int) ORDER BY u.ord
     ON CONFLICT ("environment", "unitType", "unitId") DO UPDATE SET "firstSeenAt" = "EventUnit"."firstSeenAt" WHERE false`,
    JSON.stringify(units.map(([, e], ord) => ({ environment: e.environment, unitType: e.unitType, unitId: e.unitId, ord }))),
    iso(now),
  );

  const fresh = await tx.rows<{ id: string }>(
    `INSERT INTO "EventReceipt" ("id", "at") SELECT r.id, r.at FROM jsonb_to_recordset($1::jsonb) AS r(id text, at timestamp)
     ON CONFLICT ("id") DO NOTHING RETURNING "id"`,
    JSON.stringify(events.map((event) => ({ id: event.id, at: iso(event.sentAt) }))),
  );
  const stored = new Set(fresh.map((row) => row.id));
  const conversions = events.filter((event): event is ConversionEvent => event.kind === 'conversion' && stored.has(event.id));
  const exposures = events.filter((event): event is ExposureEvent => event.kind === 'exposure' && stored.has(event.id));
  if (conversions.length > 0) await storeConversions(tx, conversions);
  if (exposures.length > 0) await storeExposures(tx, exposures);
  return stored;
}

/**
 * Conversions in one statement: the units' goal totals are upserted (a binary goal, as the unit's first event of it
 * said, stays at 1), and what changed — against the totals read in the same snapshot, current because the units are
 * locked — is added to the aggregates of every test revision each unit is already exposed to.
 */
async function storeConversions(tx: Tx, conversions: ConversionEvent[]): Promise<void> {
  const byGoal = new Map<string, { environment: string; unitType: string; unitId: string; goal: string; unique: boolean; count: number; sum: number; sumSquares: number; firstAt: string; lastAt: string }>();
  for (const event of conversions) {
    const key = `${unitKey(event)}\u0000${event.goal}`;
    const at = iso(event.at);
    const total = byGoal.get(key);
    if (!total) {
      byGoal.set(key, { environment: event.environment, unitType: event.unitType, unitId: event.unitId, goal: event.goal, unique: event.unique, count: 1, sum: event.value, sumSquares: event.value * event.value, firstAt: at, lastAt: at });
      continue;
    }
    if (at < total.firstAt) total.firstAt = at;
    if (at > total.lastAt) total.lastAt = at;
    if (total.unique) continue;
    total.count += 1;
    total.sum += event.value;
    total.sumSquares += event.value * event.value;
  }
  await tx.run(
    `WITH input AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(environment text, "unitType" text, "unitId" text, goal text, "unique" boolean, count int, sum float8, "sumSquares" float8, "firstAt" timestamp, "lastAt" timestamp)
     ), old AS (
       SELECT g."environment", g."unitType", g."unitId", g."goal", g."count", g."sum"
       FROM "EventUnitGoal" g JOIN input i ON g."environment" = i.environment AND g."unitType" = i."unitType" AND g."unitId" = i."unitId" AND g."goal" = i.goal
     ), up AS (
       INSERT INTO "EventUnitGoal" ("environment", "unitType", "unitId", "goal", "unique", "count", "sum", "sumSquares", "firstAt", "lastAt")
       SELECT environment, "unitType", "unitId", goal, "unique", count, sum, "sumSquares", "firstAt", "lastAt" FROM input
       ON CONFLICT ("environment", "unitType", "unitId", "goal") DO UPDATE SET
         "count" = CASE WHEN "EventUnitGoal"."unique" THEN "EventUnitGoal"."count" ELSE "EventUnitGoal"."count" + excluded."count" END,
         "sum" = CASE WHEN "EventUnitGoal"."unique" THEN "EventUnitGoal"."sum" ELSE "EventUnitGoal"."sum" + excluded."sum" END,
         "sumSquares" = CASE WHEN "EventUnitGoal"."unique" THEN "EventUnitGoal"."sumSquares" ELSE "EventUnitGoal"."sumSquares" + excluded."sumSquares" END,
         "firstAt" = LEAST("EventUnitGoal"."firstAt", excluded."firstAt"), "lastAt" = GREATEST("EventUnitGoal"."lastAt", excluded."lastAt")
       RETURNING "environment", "unitType", "unitId", "goal", "count", "sum"
     ), delta AS (
       SELECT up."environment", up."unitType", up."unitId", up."goal",
              CASE WHEN old."goal" IS NULL THEN 1 ELSE 0 END AS units, up."count" - coalesce(old."count", 0) AS count,
              up."sum" - coalesce(old."sum", 0) AS sum, up."sum" * up."sum" - coalesce(old."sum", 0) * coalesce(old."sum", 0) AS sq
       FROM up LEFT JOIN old ON old."environment" = up."environment" AND old."unitType" = up."unitType" AND old."unitId" = up."unitId" AND old."goal" = up."goal"
     )
     INSERT INTO "EventAggregate" ("testName", "environment", "definitionVersion", "allocationId", "bucket", "fallback", "goal", "hour", "units", "count", "sum", "unitSumSquares")
     SELECT e."testName", e."environment", e."definitionVersion", e."allocationId", e."bucket", e."fallback", d."goal", e."hour",
            sum(d.units)::int, sum(d.count)::int, sum(d.sum), sum(d.sq)
     FROM delta d JOIN "EventExposure" e ON e."environment" = d."environment" AND e."unitType" = d."unitType" AND e."unitId" = d."unitId"
     WHERE d.units <> 0 OR d.count <> 0
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
     ${ADD_ON_CONFLICT}`,
    JSON.stringify([...byGoal.values()]),
  );
}

const ADD_ON_CONFLICT = `ON CONFLICT ("testName", "environment", "definitionVersion", "allocationId", "bucket", "fallback", "goal", "hour") DO UPDATE SET
       "units" = "EventAggregate"."units" + excluded."units", "count" = "EventAggregate"."count" + excluded."count",
       "sum" = "EventAggregate"."sum" + excluded."sum", "unitSumSquares" = "EventAggregate"."unitSumSquares" + excluded."unitSumSquares"`;

async function storeExposures(tx: Tx, exposures: ExposureEvent[]): Promise<void> {
  await tx.run(
    `WITH input AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x("testName" text, environment text, "definitionVersion" text, "unitType" text, "unitId" text,
         bucket int, "allocationId" text, fallback boolean, "matrixVersion" text, "exposedAt" timestamp, hour timestamp, ord int)
     ), inserted AS (
       INSERT INTO "EventExposure" ("testName", "environment", "definitionVersion", "unitType", "unitId", "bucket", "allocationId", "fallback", "matrixVersion", "exposedAt", "hour")
       SELECT "testName", environment, "definitionVersion", "unitType", "unitId", bucket, "allocationId", fallback, "matrixVersion", "exposedAt", hour FROM input ORDER BY ord
       ON CONFLICT ("environment", "unitType", "unitId", "testName", "definitionVersion") DO NOTHING
       RETURNING *
     ), exposed AS (
       INSERT INTO "EventAggregate" ("testName", "environment", "definitionVersion", "allocationId", "bucket", "fallback", "goal", "hour", "units", "count", "sum", "unitSumSquares")
       SELECT "testName", "environment", "definitionVersion", "allocationId", "bucket", "fallback", '', "hour", count(*)::int, 0, 0, 0
       FROM inserted GROUP BY 1, 2, 3, 4, 5, 6, 8
       ${ADD_ON_CONFLICT}
     )
     INSERT INTO "EventAggregate" ("testName", "environment", "definitionVersion", "allocationId", "bucket", "fallback", "goal", "hour", "units", "count", "sum", "unitSumSquares")
     SELECT i."testName", i."environment", i."definitionVersion", i."allocationId", i."bucket", i."fallback", g."goal", i."hour",
            count(*)::int, sum(g."count")::int, sum(g."sum"), sum(g."sum" * g."sum")
     FROM inserted i JOIN "EventUnitGoal" g ON g."environment" = i."environment" AND g."unitType" = i."unitType" AND g."unitId" = i."unitId"
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
     ${ADD_ON_CONFLICT}`,
    JSON.stringify(
      exposures.map((e, ord) => ({
        ord,
        testName: e.test,
        environment: e.environment,
        definitionVersion: e.definitionVersion,
        unitType: e.unitType,
        unitId: e.unitId,
        bucket: e.bucket,
        allocationId: e.allocationId,
        fallback: e.fallback,
        matrixVersion: e.matrixVersion,
        exposedAt: iso(e.at),
        hour: iso(hourOf(e.at)),
      })),
    ),
  );
}
