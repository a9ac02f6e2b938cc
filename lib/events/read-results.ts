/**
 * What the results pages (issue #20) read: the incrementally maintained aggregates of one test, never raw events.
 * Per (environment, definition revision, allocation, bucket, fallback, earlier exposures): the units exposed, and per
 * goal the units that converted, the conversions, their sum, and Σ over units of (the unit's sum)² — enough for means
 * and variances of per-unit totals. `hourly` keeps the exposure-cohort hour (for cumulative charts); otherwise hours are summed.
 */
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { Environment } from '@/lib/domain/environment';
import { parseEarlier, type EarlierExposure } from './earlier-exposures';

export interface GoalTotals {
  /** Units that converted at least once. */
  units: number;
  count: number;
  sum: number;
  unitSumSquares: number;
}

export interface ArmResult {
  environment: Environment;
  definitionVersion: string;
  allocationId: string;
  bucket: number;
  /** The inactive/fallback bucket, logged as such and not as an arm. */
  fallback: boolean;
  /** Exposure-cohort hour (ISO) when read hourly; null when summed over all hours. */
  hour: string | null;
  /** The units' exposures to the test under other revisions before these (earlier-exposures.ts): [] for most rows. */
  earlier: EarlierExposure[];
  exposedUnits: number;
  goals: Record<string, GoalTotals>;
}

interface Row {
  environment: string;
  definitionVersion: string;
  allocationId: string;
  bucket: number;
  fallback: boolean;
  goal: string;
  hour: Date | null;
  earlier: string;
  units: bigint | number;
  count: bigint | number;
  sum: number;
  unitSumSquares: number;
}

export async function readTestResults(prisma: PrismaClient, testName: string, options: { environment?: Environment; hourly?: boolean } = {}): Promise<ArmResult[]> {
  const hour = options.hourly ? '"hour"' : 'NULL::timestamp';
  const rows = await prisma.$queryRawUnsafe<Row[]>(
    `SELECT "environment", "definitionVersion", "allocationId", "bucket", "fallback", "goal", ${hour} AS "hour", "earlier",
            sum("units")::bigint AS "units", sum("count")::bigint AS "count", sum("sum") AS "sum", sum("unitSumSquares") AS "unitSumSquares"
     FROM "EventAggregate" WHERE "testName" = $1 AND ($2::text IS NULL OR "environment" = $2)
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 ORDER BY 1, 2, 7, 3, 4, 5, 6, 8`,
    testName,
    options.environment ?? null,
  );
  return toArms(rows, testName).get(testName) ?? [];
}

/** Every test's aggregates summed over hours, in one query (the tests list's health badges). Keyed by test name. */
export async function readAllTestResults(prisma: PrismaClient): Promise<Map<string, ArmResult[]>> {
  const rows = await prisma.$queryRawUnsafe<Array<Row & { testName: string }>>(
    `SELECT "testName", "environment", "definitionVersion", "allocationId", "bucket", "fallback", "goal", NULL::timestamp AS "hour", "earlier",
            sum("units")::bigint AS "units", sum("count")::bigint AS "count", sum("sum") AS "sum", sum("unitSumSquares") AS "unitSumSquares"
     FROM "EventAggregate" GROUP BY 1, 2, 3, 4, 5, 6, 7, 9 ORDER BY 1, 2, 3, 4, 5, 6, 7, 9`,
  );
  return toArms(rows);
}

function toArms(rows: Array<Row & { testName?: string }>, fallbackTest = ''): Map<string, ArmResult[]> {
  const arms = new Map<string, ArmResult>();
  const byTest = new Map<string, ArmResult[]>();
  for (const row of rows) {
    const testName = row.testName ?? fallbackTest;
    const hourText = row.hour ? new Date(row.hour).toISOString() : null;
    const key = JSON.stringify([testName, row.environment, row.definitionVersion, row.allocationId, row.bucket, row.fallback, hourText, row.earlier]);
    let arm = arms.get(key);
    if (!arm) {
      arm = { environment: row.environment as Environment, definitionVersion: row.definitionVersion, allocationId: row.allocationId, bucket: Number(row.bucket), fallback: row.fallback, hour: hourText, earlier: parseEarlier(row.earlier), exposedUnits: 0, goals: {} };
      arms.set(key, arm);
      if (!byTest.has(testName)) byTest.set(testName, []);
      byTest.get(testName)!.push(arm);
    }
    if (row.goal === '') arm.exposedUnits += Number(row.units);
    else arm.goals[row.goal] = { units: Number(row.units), count: Number(row.count), sum: Number(row.sum), unitSumSquares: Number(row.unitSumSquares) };
  }
  return byTest;
}
