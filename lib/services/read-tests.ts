/** Read-side use cases for one test: its environments side by side, history, diffs. */
import { AppError } from '@/lib/errors';
import { parseEnvironment } from '@/lib/domain/environment';
import { isRevision, parseRevision } from '@/lib/domain/revision';
import { parseExistingTestName } from '@/lib/domain/test-name';
import { ENVIRONMENTS, type DefinitionRead, type DefinitionStore, type Environment, type RevisionSelector } from '@/lib/store';
import { requireReader, type Reader, type ServiceDeps } from './service-deps';

/** The one environment parser (lib/domain/environment.ts), under the name the routes import. */
export const assertEnvironment = parseEnvironment;

/** "trunk" | "qa" | "production" | a 40-hex revision. */
export function parseSelector(value: unknown, field: string): RevisionSelector {
  if (isRevision(value)) return { revision: value };
  return { branch: parseEnvironment(value, field) };
}

export interface TestView {
  name: string;
  envs: Record<Environment, DefinitionRead | null>;
  /** Which revision is live where; for qa/production also the trunk revision it came from. */
  live: Awaited<ReturnType<DefinitionStore['liveRevisions']>>;
}

/** A test at one environment or revision (GET /api/v1/tests/{name}). */
export async function getTest(deps: Pick<ServiceDeps, 'store'>, reader: Reader, input: { name: unknown; env?: unknown; revision?: unknown }): Promise<DefinitionRead & { env: Environment | null }> {
  requireReader(reader);
  const { store } = deps;
  const testName = parseExistingTestName(input.name);
  const env = input.revision ? null : parseEnvironment(input.env ?? 'trunk');
  const selector: RevisionSelector = env ? { branch: env } : { revision: parseRevision(input.revision, 'revision') };
  const read = await store.readDefinition(testName, selector);
  if (!read) {
    const where = env ? `${env.toUpperCase()}` : `revision ${String(input.revision).slice(0, 7)}`;
    throw new AppError('NOT_FOUND', `Test ${testName} does not exist in ${where}.`, { data: { testName } });
  }
  return { ...read, env };
}

/** The three environments side by side (the test page). NOT_FOUND only when the test exists nowhere. */
export async function getTestView(deps: Pick<ServiceDeps, 'store'>, reader: Reader, input: { name: unknown }): Promise<TestView> {
  requireReader(reader);
  const { store } = deps;
  const testName = parseExistingTestName(input.name);
  const reads = await Promise.all(ENVIRONMENTS.map((env) => store.readDefinition(testName, { branch: env })));
  if (reads.every((read) => read === null)) {
    throw new AppError('NOT_FOUND', `Test ${testName} does not exist in any environment.`, { data: { testName } });
  }
  const envs = {} as Record<Environment, DefinitionRead | null>;
  ENVIRONMENTS.forEach((env, i) => (envs[env] = reads[i]));
  return { name: testName, envs, live: await store.liveRevisions(testName) };
}

export async function getTestHistory(deps: Pick<ServiceDeps, 'store'>, reader: Reader, input: { name: unknown; env?: unknown; limit?: unknown; offset?: unknown }) {
  requireReader(reader);
  const testName = parseExistingTestName(input.name);
  const env = parseEnvironment(input.env ?? 'trunk');
  const limit = clampInt(input.limit, 1, 500, 50);
  const offset = clampInt(input.offset, 0, Number.MAX_SAFE_INTEGER, 0);
  const { entries, total } = await deps.store.history(testName, env, { limit, offset });
  return { testName, env, total, limit, offset, entries };
}

export async function diffTest(deps: Pick<ServiceDeps, 'store'>, reader: Reader, input: { name: unknown; from?: unknown; to?: unknown }) {
  requireReader(reader);
  const testName = parseExistingTestName(input.name);
  return deps.store.diff(testName, parseSelector(input.from ?? 'production', 'from'), parseSelector(input.to ?? 'trunk', 'to'));
}

export function clampInt(value: unknown, min: number, max: number, fallback: number): number {
  const parsed = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(parsed)) return fallback;
  return Math.max(min, Math.min(max, Math.floor(parsed)));
}
