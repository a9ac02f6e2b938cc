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

type Tx = Pick<PrismaClient, '$executeRawUnsafe' | '$queryRawUnsafe'>;

const unitKey = (event: { environment: string; unitType: string; unitId: string }) => `${event.environment}\u0000${event.unitType}\u0000${event.unitId}`;
const iso = (date: Date) => date.toISOString();

/** Stores the accepted events of `checked` and answers per event, in the order sent. */
export async function recordEvents(prisma: PrismaClient, checked: Checked[], now: Date = new Date()): Promise<BatchResult> {
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
    const stored = await prisma.$transaction(async (tx) => storeNew(tx, candidates, now), { timeout: 60_000, maxWait: 60_000 });
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
async function storeNew(tx: Tx, events: Array<ExposureEvent | ConversionEvent>, now: Date): Promise<Set<string>> {
  // PostgreSQL: acknowledged means on disk, even if the server runs with synchronous_commit = off. PGlite accepts it too.
  await tx.$executeRawUnsafe(`SET LOCAL synchronous_commit = on`);

  const units = [...new Map(events.map((event) => [unitKey(event), event])).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  await tx.$executeRawUnsafe(
    `INSERT INTO "EventUnit" ("environment", "unitType", "unitId", "lastSeenAt")
     SELECT u.environment, u."unitType", u."unitId", $2::timestamp FROM jsonb_to_recordset($1::jsonb) AS u(environment text, "unitType" text, "unitId" text, ord int) ORDER BY u.ord
     ON CONFLICT ("environment", "unitType", "unitId") DO UPDATE SET "lastSeenAt" = excluded."lastSeenAt"`,
    JSON.stringify(units.map(([, e], ord) => ({ environment: e.environment, unitType: e.unitType, unitId: e.unitId, ord }))),
    iso(now),
  );

  const fresh = await tx.$queryRawUnsafe<Array<{ id: string }>>(
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

interface GoalTotals {
  environment: string;
  unitType: string;
  unitId: string;
  goal: string;
  count: number;
  sum: number;
  sumSquares: number;
  firstAt: string;
  lastAt: string;
}

async function storeConversions(tx: Tx, conversions: ConversionEvent[]): Promise<void> {
  const goalKey = (e: { environment: string; unitType: string; unitId: string; goal: string }) => `${unitKey(e)}\u0000${e.goal}`;
  const keys = [...new Map(conversions.map((e) => [goalKey(e), { environment: e.environment, unitType: e.unitType, unitId: e.unitId, goal: e.goal }])).values()];
  // The units are locked (storeNew), so these totals stay current until the commit.
  const before = await tx.$queryRawUnsafe<GoalTotals[]>(
    `SELECT g."environment", g."unitType", g."unitId", g."goal", g."count", g."sum", g."sumSquares", g."firstAt", g."lastAt"
     FROM "EventUnitGoal" g JOIN jsonb_to_recordset($1::jsonb) AS k(environment text, "unitType" text, "unitId" text, goal text)
       ON g."environment" = k.environment AND g."unitType" = k."unitType" AND g."unitId" = k."unitId" AND g."goal" = k.goal`,
    JSON.stringify(keys),
  );
  const totals = new Map<string, GoalTotals & { oldCount: number; oldSum: number; existed: boolean }>();
  for (const row of before) {
    const firstAt = new Date(row.firstAt).toISOString();
    const lastAt = new Date(row.lastAt).toISOString();
    totals.set(goalKey(row), { ...row, count: Number(row.count), sum: Number(row.sum), sumSquares: Number(row.sumSquares), firstAt, lastAt, oldCount: Number(row.count), oldSum: Number(row.sum), existed: true });
  }
  const changed = new Set<string>();
  for (const event of conversions) {
    const key = goalKey(event);
    let total = totals.get(key);
    // A binary (unique) goal counts a unit once: a unit that already has the goal is not counted again.
    if (event.unique && total && total.count > 0) continue;
    if (!total) {
      total = { environment: event.environment, unitType: event.unitType, unitId: event.unitId, goal: event.goal, count: 0, sum: 0, sumSquares: 0, firstAt: iso(event.at), lastAt: iso(event.at), oldCount: 0, oldSum: 0, existed: false };
      totals.set(key, total);
    }
    total.count += 1;
    total.sum += event.value;
    total.sumSquares += event.value * event.value;
    if (iso(event.at) < total.firstAt) total.firstAt = iso(event.at);
    if (iso(event.at) > total.lastAt) total.lastAt = iso(event.at);
    changed.add(key);
  }
  if (changed.size === 0) return;
  const rows = [...changed].map((key) => totals.get(key)!);
  await tx.$executeRawUnsafe(
    `INSERT INTO "EventUnitGoal" ("environment", "unitType", "unitId", "goal", "count", "sum", "sumSquares", "firstAt", "lastAt")
     SELECT environment, "unitType", "unitId", goal, count, sum, "sumSquares", "firstAt", "lastAt"
     FROM jsonb_to_recordset($1::jsonb) AS t(environment text, "unitType" text, "unitId" text, goal text, count int, sum float8, "sumSquares" float8, "firstAt" timestamp, "lastAt" timestamp)
     ON CONFLICT ("environment", "unitType", "unitId", "goal") DO UPDATE SET "count" = excluded."count", "sum" = excluded."sum",
       "sumSquares" = excluded."sumSquares", "firstAt" = excluded."firstAt", "lastAt" = excluded."lastAt"`,
    JSON.stringify(rows.map(({ environment, unitType, unitId, goal, count, sum, sumSquares, firstAt, lastAt }) => ({ environment, unitType, unitId, goal, count, sum, sumSquares, firstAt, lastAt }))),
  );
  // What changed, added to the aggregates of the test revisions each unit is already exposed to.
  const deltas = rows.map((row) => ({
    environment: row.environment,
    unitType: row.unitType,
    unitId: row.unitId,
    goal: row.goal,
    units: row.existed ? 0 : 1,
    count: row.count - row.oldCount,
    sum: row.sum - row.oldSum,
    sq: row.sum * row.sum - row.oldSum * row.oldSum,
  }));
  await tx.$executeRawUnsafe(
    `INSERT INTO "EventAggregate" ("testName", "environment", "definitionVersion", "allocationId", "bucket", "fallback", "goal", "hour", "units", "count", "sum", "unitSumSquares")
     SELECT e."testName", e."environment", e."definitionVersion", e."allocationId", e."bucket", e."fallback", d.goal, e."hour",
            sum(d.units)::int, sum(d.count)::int, sum(d.sum), sum(d.sq)
     FROM jsonb_to_recordset($1::jsonb) AS d(environment text, "unitType" text, "unitId" text, goal text, units int, count int, sum float8, sq float8)
     JOIN "EventExposure" e ON e."environment" = d.environment AND e."unitType" = d."unitType" AND e."unitId" = d."unitId"
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
     ${ADD_ON_CONFLICT}`,
    JSON.stringify(deltas),
  );
}

const ADD_ON_CONFLICT = `ON CONFLICT ("testName", "environment", "definitionVersion", "allocationId", "bucket", "fallback", "goal", "hour") DO UPDATE SET
       "units" = "EventAggregate"."units" + excluded."units", "count" = "EventAggregate"."count" + excluded."count",
       "sum" = "EventAggregate"."sum" + excluded."sum", "unitSumSquares" = "EventAggregate"."unitSumSquares" + excluded."unitSumSquares"`;

async function storeExposures(tx: Tx, exposures: ExposureEvent[]): Promise<void> {
  await tx.$executeRawUnsafe(
    `WITH input AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x("testName" text, environment text, "definitionVersion" text, "unitType" text, "unitId" text,
         bucket int, "allocationId" text, fallback boolean, "matrixVersion" text, "exposedAt" timestamp, hour timestamp, ord int)
     ), inserted AS (
       INSERT INTO "EventExposure" ("testName", "environment", "definitionVersion", "unitType", "unitId", "bucket", "allocationId", "fallback", "matrixVersion", "exposedAt", "hour")
       SELECT "testName", environment, "definitionVersion", "unitType", "unitId", bucket, "allocationId", fallback, "matrixVersion", "exposedAt", hour FROM input ORDER BY ord
       ON CONFLICT ("testName", "environment", "definitionVersion", "unitType", "unitId") DO NOTHING
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
