/**
 * The results use cases (issue #20): a test's results per phase in one environment, its history by day, and the
 * health badge of every test for the tests list. All read the incrementally maintained aggregates
 * (lib/events/read-results.ts), never raw events; statistics are lib/stats'; phases come from ./results-phases.ts.
 */
import { AppError } from '@/lib/errors';
import { parseEnvironment, type Environment } from '@/lib/domain/environment';
import { parseExistingTestName, type TestName } from '@/lib/domain/test-name';
import type { ArmResult, GoalTotals } from '@/lib/events/read-results';
import { allCountedResults, countedTestResults } from './counted-results';
import {
  compareArms,
  estimateArm,
  type HistoryPoint,
  type ResultsHealthView,
  type ResultsHistoryView,
  type StatsOptions,
  type TestResultsView,
} from '@/lib/stats';
import { armsOf, computePhase, controlOf, goalKinds, healthOf, momentsOf, rowsByPhase, type ResultsSettingsValues } from './results-compute';
import { readTimeline, type TestTimeline } from './results-phases';
import { resultsSettingsOf } from './results-settings';
import { announceSrmOnset } from './srm-notice';
import { requireReader, type Reader, type ServiceDeps } from './service-deps';

type Deps = Pick<ServiceDeps, 'prisma' | 'store' | 'tracker' | 'config' | 'logger' | 'events'>;

function parseGoal(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
    throw new AppError('BAD_REQUEST', 'goal must be the name of one of the test\'s goals.', { details: [{ path: '/goal', message: 'must be a goal name' }] });
  }
  return value;
}

function refuseIfNeverThere(testName: TestName, env: Environment, rows: ArmResult[], timeline: TestTimeline): void {
  if (timeline.revisions.length === 0 && rows.length === 0) {
    throw new AppError('NOT_FOUND', `Test ${testName} has never been in ${env.toUpperCase()}.`, { data: { testName, environment: env } });
  }
}

/** Results per phase from summed aggregate rows (also the bench's and the health badges' path). */
export function buildResults(testName: string, env: string, rows: ArmResult[], timeline: TestTimeline, settings: ResultsSettingsValues): TestResultsView {
  const goals = goalKinds(rows);
  const byPhase = rowsByPhase(timeline, rows);
  const phases = timeline.phases.map((phase) => computePhase(phase, byPhase.get(phase.index) ?? [], timeline, goals, settings));
  const current = timeline.phases[timeline.phases.length - 1];
  const control = controlOf(armsOf(current ? current.revisions.map((r) => r.definition) : []), settings.controlBucket);
  return {
    testName,
    environment: env,
    control,
    alpha: settings.alpha,
    correction: settings.correction,
    mode: settings.mode,
    sequentialN: settings.sequentialN,
    goals,
    phases,
    health: healthOf(phases[phases.length - 1]),
  };
}

/**
 * The test's results in one environment, an SRM onset in the current phase announced on its issue: the Results tab's
 * path, and the check after ingest's (srm-watch.ts). `missing`: what to do when the test never was in the environment.
 */
export async function currentResults(deps: Deps, testName: TestName, env: Environment, missing: 'refuse' | 'empty'): Promise<TestResultsView> {
  const [rows, settings, timeline] = await Promise.all([
    countedTestResults(deps, testName, { environment: env }),
    resultsSettingsOf(deps, testName),
    readTimeline(deps, testName, env),
  ]);
  if (missing === 'refuse') refuseIfNeverThere(testName, env, rows, timeline);
  const results = buildResults(testName, env, rows, timeline, settings);
  const current = results.phases[results.phases.length - 1];
  if (current) await announceSrmOnset(deps, testName, env, current, timeline);
  return results;
}

export async function readResults(deps: Deps, reader: Reader, input: { name: unknown; environment?: unknown; phase?: unknown }): Promise<TestResultsView> {
  requireReader(reader);
  const testName = parseExistingTestName(input.name);
  const env = parseEnvironment(input.environment ?? 'production', 'environment');
  const results = await currentResults(deps, testName, env, 'refuse');
  if (input.phase !== undefined && input.phase !== null && input.phase !== '') {
    const index = Number(input.phase);
    const phase = results.phases.find((p) => p.index === index);
    if (!Number.isInteger(index) || !phase) {
      throw new AppError('NOT_FOUND', `Phase ${String(input.phase).slice(0, 20)} does not exist: ${testName} has ${results.phases.length} phase(s) in ${env}, numbered from 0.`, {
        details: [{ path: '/phase', message: `must be 0 to ${results.phases.length - 1}` }],
      });
    }
    return { ...results, phases: [phase] };
  }
  return results;
}

const dayOf = (iso: string) => iso.slice(0, 10);

/** Per bucket per day (of exposure): units that day, cumulative rate/mean with interval and lift vs control; cumulative within a phase. */
export async function readResultsHistory(deps: Deps, reader: Reader, input: { name: unknown; environment?: unknown; goal: unknown }): Promise<ResultsHistoryView> {
  requireReader(reader);
  const testName = parseExistingTestName(input.name);
  const env = parseEnvironment(input.environment ?? 'production', 'environment');
  const goal = parseGoal(input.goal);
  const [rows, settings, timeline] = await Promise.all([
    countedTestResults(deps, testName, { environment: env, hourly: true }),
    resultsSettingsOf(deps, testName),
    readTimeline(deps, testName, env),
  ]);
  refuseIfNeverThere(testName, env, rows, timeline);
  const kinds = goalKinds(rows);
  const kind = kinds.find((g) => g.name === goal)?.kind;
  if (!kind) throw new AppError('NOT_FOUND', `${testName} has no data for goal ${goal} in ${env}. Goals with data: ${kinds.map((g) => g.name).join(', ') || 'none yet'}.`, { details: [{ path: '/goal', message: 'unknown goal' }] });
  const options: StatsOptions = { alpha: settings.alpha, mode: settings.mode, sequentialN: settings.sequentialN };
  const current = timeline.phases[timeline.phases.length - 1];
  const arms = armsOf(timeline.revisions.map((r) => r.definition));
  const control = controlOf(armsOf(current ? current.revisions.map((r) => r.definition) : []), settings.controlBucket);
  // Per phase, per day, per bucket: units exposed and the goal's totals.
  type Cell = { exposed: number; totals: GoalTotals };
  const cells = new Map<string, Cell>();
  const days = new Set<string>();
  const counted = [...rowsByPhase(timeline, rows)].flatMap(([phase, phaseRows]) => phaseRows.map((row) => ({ phase, row })));
  for (const { phase, row } of counted) {
    if (row.fallback || !row.hour) continue;
    const key = `${phase}|${dayOf(row.hour)}|${row.bucket}`;
    days.add(dayOf(row.hour));
    let cell = cells.get(key);
    if (!cell) cells.set(key, (cell = { exposed: 0, totals: { units: 0, count: 0, sum: 0, unitSumSquares: 0 } }));
    cell.exposed += row.exposedUnits;
    const t = row.goals[goal];
    if (t) {
      cell.totals.units += t.units;
      cell.totals.count += t.count;
      cell.totals.sum += t.sum;
      cell.totals.unitSumSquares += t.unitSumSquares;
    }
  }
  const sortedDays = [...days].sort();
  const buckets = arms.map(({ bucket, name }) => ({ bucket, name, points: [] as HistoryPoint[] }));
  for (const phase of timeline.phases) {
    const running = new Map(arms.map((a) => [a.bucket, { exposed: 0, totals: { units: 0, count: 0, sum: 0, unitSumSquares: 0 } as GoalTotals }]));
    for (const day of sortedDays) {
      if (!arms.some((a) => cells.has(`${phase.index}|${day}|${a.bucket}`))) continue;
      for (const a of arms) {
        const cell = cells.get(`${phase.index}|${day}|${a.bucket}`);
        const r = running.get(a.bucket)!;
        if (cell) {
          r.exposed += cell.exposed;
          r.totals = { units: r.totals.units + cell.totals.units, count: r.totals.count + cell.totals.count, sum: r.totals.sum + cell.totals.sum, unitSumSquares: r.totals.unitSumSquares + cell.totals.unitSumSquares };
        }
      }
      const controlRun = running.get(control.bucket);
      for (const entry of buckets) {
        const r = running.get(entry.bucket)!;
        if (r.exposed === 0) continue;
        const estimate = estimateArm(momentsOf(kind, r.exposed, r.totals), options);
        const lift = entry.bucket !== control.bucket && controlRun ? compareArms(momentsOf(kind, controlRun.exposed, controlRun.totals), momentsOf(kind, r.exposed, r.totals), options).absoluteLift : null;
        entry.points.push({ phase: phase.index, day, exposedUnits: cells.get(`${phase.index}|${day}|${entry.bucket}`)?.exposed ?? 0, cumulativeUnits: r.exposed, mean: estimate.mean, interval: estimate.interval, lift });
      }
    }
  }
  return {
    testName,
    environment: env,
    goal,
    kind,
    alpha: settings.alpha,
    mode: settings.mode,
    control,
    buckets,
    phaseBoundaries: timeline.phases
      .filter((p) => p.startedBy)
      .map((p) => ({ index: p.index, at: p.startedAt.toISOString(), definitionVersion: p.startedBy!.definitionVersion, revision: p.startedBy!.revision, issueKey: p.startedBy!.issueKey })),
  };
}

/** The tests list's badges: one query over all aggregates, then per test and environment its current phase. */
export async function readResultsHealth(deps: Deps, reader: Reader): Promise<ResultsHealthView> {
  requireReader(reader);
  const all = await allCountedResults(deps);
  const tests: ResultsHealthView['tests'] = [];
  for (const [testName, rows] of [...all.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const settings = await resultsSettingsOf(deps, testName);
    const byEnv = new Map<string, ArmResult[]>();
    for (const row of rows) {
      if (!byEnv.has(row.environment)) byEnv.set(row.environment, []);
      byEnv.get(row.environment)!.push(row);
    }
    for (const [env, envRows] of byEnv) {
      try {
        const timeline = await readTimeline(deps, testName as TestName, env as Environment);
        const results = buildResults(testName, env, envRows, timeline, settings);
        const current = results.phases[results.phases.length - 1];
        if (current) await announceSrmOnset(deps, testName, env, current, timeline);
        tests.push({ testName, environment: env, health: results.health });
      } catch (error) {
        // A test whose history cannot be read (deleted, name no longer valid) gets no badge rather than failing the list.
        deps.logger?.warn('results health skipped a test', { testName, environment: env, error: (error as Error).message });
      }
    }
  }
  return { tests };
}
