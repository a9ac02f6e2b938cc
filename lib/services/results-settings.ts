/**
 * How a test's results are judged (issue #20): α, the multiple-comparison correction, fixed or sequential mode, the
 * control bucket and N*. Read by everyone signed in; saved by editors. The mode cannot change once the test has data
 * (switching from fixed to sequential after peeking would void what sequential mode promises).
 */
import { AppError } from '@/lib/errors';
import { parseExistingTestName, type TestName } from '@/lib/domain/test-name';
import type { ResultsSettingsView } from '@/lib/stats';
import { DEFAULT_RESULTS_SETTINGS, type ResultsSettingsValues } from './results-compute';
import { requireReader, type Reader, type ServiceDeps } from './service-deps';

export interface SaveResultsSettingsInput {
  alpha: number;
  correction: 'none' | 'holm';
  mode: 'fixed' | 'sequential';
  controlBucket: number;
  sequentialN: number;
}

export async function resultsSettingsOf(deps: Pick<ServiceDeps, 'prisma'>, testName: string): Promise<ResultsSettingsValues & { updatedAt: Date | null; updatedBy: string | null }> {
  const row = await deps.prisma.resultsSettings.findUnique({ where: { testName } });
  if (!row) return { ...DEFAULT_RESULTS_SETTINGS, updatedAt: null, updatedBy: null };
  return {
    alpha: row.alpha,
    correction: row.correction === 'holm' ? 'holm' : 'none',
    mode: row.mode === 'sequential' ? 'sequential' : 'fixed',
    controlBucket: row.controlBucket,
    sequentialN: row.sequentialN,
    updatedAt: row.updatedAt,
    updatedBy: row.updatedBy,
  };
}

/** Environments where the test has exposures (one index range of EventAggregate). */
export async function environmentsWithData(deps: Pick<ServiceDeps, 'prisma'>, testName: string): Promise<string[]> {
  const rows = await deps.prisma.$queryRaw<Array<{ environment: string }>>`
    SELECT DISTINCT "environment" FROM "EventAggregate" WHERE "testName" = ${testName} AND "goal" = '' AND "units" > 0 ORDER BY 1`;
  return rows.map((r) => r.environment);
}

async function view(deps: Pick<ServiceDeps, 'prisma'>, testName: TestName): Promise<ResultsSettingsView> {
  const [settings, locked] = await Promise.all([resultsSettingsOf(deps, testName), environmentsWithData(deps, testName)]);
  return {
    testName,
    alpha: settings.alpha,
    correction: settings.correction,
    mode: settings.mode,
    controlBucket: settings.controlBucket,
    sequentialN: settings.sequentialN,
    modeLockedBy: locked,
    updatedAt: settings.updatedAt ? settings.updatedAt.toISOString() : null,
    updatedBy: settings.updatedBy,
  };
}

export async function readResultsSettings(deps: Pick<ServiceDeps, 'prisma'>, reader: Reader, input: { name: unknown }): Promise<ResultsSettingsView> {
  requireReader(reader);
  return view(deps, parseExistingTestName(input.name));
}

function invalid(path: string, message: string, text: string): AppError {
  return new AppError('VALIDATION_FAILED', text, { details: [{ path, message }] });
}

export async function saveResultsSettings(
  deps: Pick<ServiceDeps, 'prisma'>,
  actor: Reader,
  input: { name: unknown; settings: SaveResultsSettingsInput },
): Promise<{ view: ResultsSettingsView; before: ResultsSettingsValues }> {
  const user = requireReader(actor, 'editor');
  const testName = parseExistingTestName(input.name);
  const s = input.settings;
  if (!(typeof s.alpha === 'number' && s.alpha > 0 && s.alpha <= 0.5)) throw invalid('/alpha', 'must be in (0, 0.5]', `α must be above 0 and at most 0.5 (got ${s.alpha}); 0.05 is the usual choice.`);
  if (!Number.isInteger(s.sequentialN) || s.sequentialN < 100 || s.sequentialN > 100_000_000) {
    throw invalid('/sequentialN', 'must be an integer from 100 to 100,000,000', 'N* must be a whole number of units from 100 to 100,000,000 (5,000 by default).');
  }
  if (!Number.isInteger(s.controlBucket)) throw invalid('/controlBucket', 'must be an integer', 'The control bucket must be a bucket value (a whole number).');
  const before = await resultsSettingsOf(deps, testName);
  if (s.mode !== before.mode) {
    const locked = await environmentsWithData(deps, testName);
    if (locked.length) {
      throw new AppError(
        'RESULTS_MODE_LOCKED',
        `The statistics mode of ${testName} is locked: the test already has data in ${locked.join(', ')}, and switching between fixed and sequential after looking at results would void the error rate either one promises. Keep ${before.mode}, or start a new test to use ${s.mode}.`,
        { data: { rule: 'results-mode-locked', environments: locked }, details: [{ path: '/mode', message: `locked to ${before.mode}` }] },
      );
    }
  }
  const data = { alpha: s.alpha, correction: s.correction, mode: s.mode, controlBucket: s.controlBucket, sequentialN: s.sequentialN, updatedBy: user.username };
  await deps.prisma.resultsSettings.upsert({ where: { testName }, create: { testName, ...data }, update: data });
  return { view: await view(deps, testName), before };
}
