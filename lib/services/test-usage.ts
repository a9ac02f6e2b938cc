/**
 * The Usage tab of a test (Proctor's Usage / Compatibility pages): per environment, which active applications require
 * the test or pick it up with their dynamic filters, and whether the environment's current definition and a candidate
 * (by default trunk's, i.e. what a promotion would bring) are compatible with their specifications.
 */
import type { TestDefinition } from '@/lib/proctor/model';
import { ENVIRONMENTS, type Environment } from '@/lib/store';
import { consumerErrors, matrixWith, testUse, type TestUse } from './check-consumers';
import { parseExistingTestName } from '@/lib/domain/test-name';
import { requireReader, type Reader, type ServiceDeps } from './service-deps';

export interface Compatibility {
  compatible: boolean;
  /** Proctor's messages ("{app} cannot load test '{t}': …", "{app} requires test '{t}'"). */
  errors: string[];
}

export interface TestUsageApplication {
  application: string;
  version: string;
  instances: number;
  use: TestUse;
  lastSeenAt: Date;
  /** Against the definition the environment holds now. */
  current: Compatibility;
  /** Against the candidate definition; absent when there is no candidate for this environment. */
  candidate?: Compatibility;
}

export interface TestUsageEnvironment {
  env: Environment;
  /** Revision of the test in this environment (null = not there). */
  revision: string | null;
  /** Where the candidate came from: 'trunk@<rev>' or 'submitted'; null = none. */
  candidate: string | null;
  applications: TestUsageApplication[];
}

export interface TestUsage {
  testName: string;
  environments: TestUsageEnvironment[];
}

/**
 * `candidate`: a definition to judge (e.g. the one being edited); default = trunk's current definition, judged for qa
 * and production (a would-be promotion). Applications count when their heartbeat is within `activeMinutes`.
 */
export async function getTestUsage(
  deps: Pick<ServiceDeps, 'store' | 'matrices' | 'consumers' | 'config'>,
  reader: Reader,
  input: { name: unknown; candidate?: TestDefinition | null; activeMinutes?: number; now?: Date },
): Promise<TestUsage> {
  requireReader(reader);
  const options = { ...input, activeMinutes: input.activeMinutes ?? deps.config.consumerActiveMinutes };
  const testName = parseExistingTestName(input.name);
  let candidate: { definition: TestDefinition; label: string } | null = null;
  if (options.candidate) candidate = { definition: options.candidate, label: 'submitted' };
  else if (options.candidate === undefined) {
    const trunk = await deps.store.readDefinition(testName, { branch: 'trunk' });
    if (trunk?.definition) candidate = { definition: trunk.definition, label: `trunk@${trunk.revision.slice(0, 7)}` };
  }
  const environments: TestUsageEnvironment[] = [];
  for (const env of ENVIRONMENTS) {
    const read = await deps.store.readDefinition(testName, { branch: env });
    const groups = await deps.consumers.activeGroups(env, { activeMinutes: options.activeMinutes, now: options.now });
    const judgeCandidate = candidate !== null && (options.candidate ? true : env !== 'trunk');
    const entry: TestUsageEnvironment = { env, revision: read?.revision ?? null, candidate: judgeCandidate ? candidate!.label : null, applications: [] };
    if (groups.length > 0) {
      // The matrix as served (the test as it is now), and with the candidate in its place.
      const now = await matrixWith(deps, env, testName, read?.definition ?? null);
      const next = judgeCandidate ? await matrixWith(deps, env, testName, candidate!.definition) : null;
      for (const group of groups) {
        const use = testUse(group.specification, testName, now.current) ?? (next ? testUse(group.specification, testName, next.matrix.tests[testName] ?? null) : null);
        if (!use) continue;
        const label = `${group.application} ${group.version}`;
        const currentErrors = consumerErrors(label, group.specification, testName, now.matrix);
        const app: TestUsageApplication = {
          application: group.application,
          version: group.version,
          instances: group.instances,
          use,
          lastSeenAt: group.lastSeenAt,
          current: { compatible: currentErrors.length === 0, errors: currentErrors },
        };
        if (next) {
          const errors = consumerErrors(label, group.specification, testName, next.matrix);
          app.candidate = { compatible: errors.length === 0, errors };
        }
        entry.applications.push(app);
      }
    }
    environments.push(entry);
  }
  return { testName, environments };
}
