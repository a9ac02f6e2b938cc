/**
 * Proctor's MatrixChecker (FACTS §6.4, §6.7): before a test changes in an environment, check the new definition (or
 * its absence) against the specification of every active application there — applications whose specification
 * requires the test, or whose dynamic filters match the environment's current definition. The applications are the
 * consumers that sent a heartbeat within the active window.
 */
import { AppError } from '@/lib/errors';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { ConsumableTestDefinition, ProctorSpecification, TestDefinition, TestMatrixArtifact } from '@/lib/proctor/model';
import { toConsumable } from '@/lib/proctor/to-consumable';
import { matchesDynamicFilter, verifyMatrix } from '@/lib/proctor/verify-matrix';
import type { Environment } from '@/lib/store';
import type { ConsumerGroup } from './ports';
import type { ServiceDeps } from './service-deps';

export type { ConsumerGroup };

export const DEFAULT_ACTIVE_MINUTES = 15;

export type TestUse = 'required' | 'dynamic';

export interface ConsumerProblem {
  application: string;
  version: string;
  instances: number;
  use: TestUse;
  /** Proctor's message, e.g. "shop-web cannot load test 'x': Proctor specification in your application does not …". */
  message: string;
}

export interface ConsumerCheck {
  environment: Environment;
  testName: string;
  /** Application versions checked (the active ones that use the test). */
  checked: { application: string; version: string; instances: number; use: TestUse }[];
  problems: ConsumerProblem[];
}

function isSpecification(value: unknown): value is ProctorSpecification {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Active consumers of an environment grouped by (application, version, specification): the database adapter. */
export async function activeConsumerGroups(
  prisma: PrismaClient,
  env: Environment,
  options: { activeMinutes?: number; now?: Date } = {},
): Promise<ConsumerGroup[]> {
  const now = options.now ?? new Date();
  const since = new Date(now.getTime() - (options.activeMinutes ?? DEFAULT_ACTIVE_MINUTES) * 60_000);
  const rows = await prisma.consumer.findMany({ where: { environment: env, lastSeenAt: { gte: since } }, orderBy: [{ application: 'asc' }, { version: 'asc' }] });
  const groups = new Map<string, ConsumerGroup>();
  for (const row of rows) {
    if (!isSpecification(row.specification)) continue;
    const key = JSON.stringify([row.application, row.version, row.specification]);
    const group = groups.get(key);
    if (group) {
      group.instances++;
      if (row.lastSeenAt > group.lastSeenAt) group.lastSeenAt = row.lastSeenAt;
    } else {
      groups.set(key, { application: row.application, version: row.version, environment: env, specification: row.specification, instances: 1, lastSeenAt: row.lastSeenAt });
    }
  }
  return [...groups.values()];
}

/** How an application uses a test: required by its specification, picked up by its dynamic filters, or not at all. */
export function testUse(specification: ProctorSpecification, testName: string, definition: ConsumableTestDefinition | null): TestUse | null {
  if (specification.tests && Object.prototype.hasOwnProperty.call(specification.tests, testName)) return 'required';
  if (definition && (specification.dynamicFilters ?? []).some((filter) => matchesDynamicFilter(filter, testName, definition))) return 'dynamic';
  return null;
}

/**
 * Proctor's messages for one application loading `testName` from `matrix` (the environment's matrix with the test
 * replaced or removed): `{app} cannot load test '{t}': {msg}` or `{app} requires test '{t}'`. Empty = compatible.
 */
export function consumerErrors(label: string, specification: ProctorSpecification, testName: string, matrix: TestMatrixArtifact): string[] {
  const result = verifyMatrix(matrix, specification, undefined, { matrixSource: `${matrix.audit.updatedBy}@${matrix.audit.version}` });
  if (result.missing.includes(testName)) {
    return specification.tests && Object.prototype.hasOwnProperty.call(specification.tests, testName) ? [`${label} requires test '${testName}'`] : [];
  }
  const messages = result.errors[testName] ?? result.dynamicErrors[testName] ?? [];
  return messages.length > 0 ? [`${label} cannot load test '${testName}': ${messages[0]}`] : [];
}

/** The environment's last good matrix with `testName` set to `definition` (null = removed). */
export async function matrixWith(deps: Pick<ServiceDeps, 'matrices'>, env: Environment, testName: string, definition: TestDefinition | null): Promise<{ matrix: TestMatrixArtifact; current: ConsumableTestDefinition | null }> {
  const state = await deps.matrices.get(env);
  const base = state.current?.artifact ?? { audit: { version: 'none', updated: 0, updatedDate: '', updatedBy: 'proctor-studio' }, tests: {} };
  const tests: Record<string, ConsumableTestDefinition> = { ...base.tests };
  const current = Object.prototype.hasOwnProperty.call(tests, testName) ? tests[testName] : null;
  if (definition) tests[testName] = toConsumable(definition);
  else delete tests[testName];
  return { matrix: { audit: base.audit, tests }, current };
}

/** Checks `definition` (null = the test is deleted) against every active application in `env` that uses the test. */
export async function checkConsumers(
  deps: Pick<ServiceDeps, 'matrices' | 'consumers'>,
  input: { env: Environment; testName: string; definition: TestDefinition | null; activeMinutes?: number; now?: Date },
): Promise<ConsumerCheck> {
  const groups = await deps.consumers.activeGroups(input.env, { activeMinutes: input.activeMinutes, now: input.now });
  const check: ConsumerCheck = { environment: input.env, testName: input.testName, checked: [], problems: [] };
  if (groups.length === 0) return check;
  const { matrix, current } = await matrixWith(deps, input.env, input.testName, input.definition);
  for (const group of groups) {
    // "Active" for this test is judged on what the environment holds now (RemoteProctorSpecificationSource.activeClients).
    const use = testUse(group.specification, input.testName, current);
    if (!use) continue;
    check.checked.push({ application: group.application, version: group.version, instances: group.instances, use });
    const label = `${group.application} ${group.version}`;
    for (const message of consumerErrors(label, group.specification, input.testName, matrix)) {
      check.problems.push({ application: group.application, version: group.version, instances: group.instances, use, message });
    }
  }
  return check;
}

const ENV_LABEL: Record<Environment, string> = { trunk: 'trunk', qa: 'QA', production: 'prod' };

/**
 * Throws INCOMPATIBLE_WITH_CONSUMERS when an application would break: for a promotion Proctor's
 * "Test Promotion not compatible, errors: …", for a deletion "There are still clients in {env} using {t} …".
 * details: one per application version (path = application name); data: {environment, applications}.
 */
export async function assertCompatibleWithConsumers(
  deps: Pick<ServiceDeps, 'matrices' | 'consumers' | 'config'>,
  input: { envs: Environment[]; testName: string; definition: TestDefinition | null; action: 'promote' | 'delete'; activeMinutes?: number },
): Promise<void> {
  for (const env of input.envs) {
    const check = await checkConsumers(deps, { env, testName: input.testName, definition: input.definition, activeMinutes: input.activeMinutes ?? activeMinutesOf(deps) });
    if (check.problems.length === 0) continue;
    const messages = check.problems.map((p) => p.message);
    const message =
      input.action === 'promote'
        ? `Test Promotion not compatible, errors: ${messages.join('\n')}`
        : `There are still clients in ${ENV_LABEL[env]} using ${input.testName} ${messages[0]}`;
    throw new AppError('INCOMPATIBLE_WITH_CONSUMERS', message, {
      details: check.problems.map((p) => ({ path: p.application, message: p.message })),
      data: {
        environment: env,
        testName: input.testName,
        applications: [...new Set(check.problems.map((p) => p.application))],
        problems: check.problems.map(({ application, version, instances, use, message: text }) => ({ application, version, instances, use, message: text })),
      },
    });
  }
}

function activeMinutesOf(deps: Pick<ServiceDeps, 'config'>): number | undefined {
  const minutes = deps.config.consumerActiveMinutes;
  return typeof minutes === 'number' && minutes > 0 ? minutes : undefined;
}
