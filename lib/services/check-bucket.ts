/**
 * "Which bucket would this user get?": for an identifier and a context, the bucket in each environment with the
 * allocation and rule that decided it — Proctor's own assignment (MD5 hashing, salts, dependsOn) on each branch's matrix.
 */
import { explainAssignment, type TestAssignment } from '@/lib/proctor/determine-groups';
import { toConsumable } from '@/lib/proctor/to-consumable';
import type { ConsumableTestDefinition } from '@/lib/proctor/model';
import { AppError } from '@/lib/errors';
import { ENVIRONMENTS, type Environment } from '@/lib/store';
import { parseExistingTestName } from '@/lib/domain/test-name';
import { explainMissingVariables, missingRuleVariables } from '@/lib/domain/missing-variables';
import { requireReader, type Reader, type ServiceDeps } from './service-deps';

export interface BucketCheckInput {
  name: unknown;
  identifier: unknown;
  /** Identifier type; default: the test's own testType. */
  idType?: unknown;
  context?: unknown;
}

/** An assignment; for a rule that failed, `explanation` says why in words (`message` keeps Proctor's text). */
export type BucketCheckAssignment = TestAssignment & { explanation?: string; missingVariables?: string[] };

function withExplanation(assignment: TestAssignment, test: ConsumableTestDefinition, context: Record<string, unknown>): BucketCheckAssignment {
  if (assignment.reason !== 'rule-error') return assignment;
  const rules = [test.rule, ...test.allocations.map((a) => a.rule)];
  const missing = missingRuleVariables(rules, context, test.constants as Record<string, unknown>);
  if (missing.length === 0) return { ...assignment, explanation: 'A rule of this test could not be evaluated for this context, so the application would get no bucket for it (its fallback).' };
  return { ...assignment, explanation: explainMissingVariables(missing), missingVariables: missing };
}

export async function checkBucket(
  deps: Pick<ServiceDeps, 'store'>,
  reader: Reader,
  input: BucketCheckInput,
): Promise<{ testName: string; identifier: string; results: Record<Environment, BucketCheckAssignment | null> }> {
  requireReader(reader);
  const testName = parseExistingTestName(input.name);
  if (typeof input.identifier !== 'string' || input.identifier === '') {
    throw new AppError('BAD_REQUEST', 'Give the identifier to check (e.g. a user id).', { details: [{ path: '/identifier', message: 'is required' }] });
  }
  const context = input.context ?? {};
  if (typeof context !== 'object' || context === null || Array.isArray(context)) {
    throw new AppError('BAD_REQUEST', 'context must be an object of variables, e.g. {"country": "US", "lang": "en"}.', { details: [{ path: '/context', message: 'must be an object' }] });
  }
  const results = {} as Record<Environment, BucketCheckAssignment | null>;
  // Assignment of a test with dependsOn needs its parent, so each environment's whole matrix is used.
  for (const env of ENVIRONMENTS) {
    const listed = await deps.store.listDefinitions(env);
    const own = listed.find((entry) => entry.testName === testName);
    if (!own?.definition) {
      results[env] = null;
      continue;
    }
    const tests = Object.fromEntries(listed.filter((entry) => entry.definition).map((entry) => [entry.testName, toConsumable(entry.definition!)]));
    const idType = typeof input.idType === 'string' && input.idType ? input.idType : (own.definition.testType ?? 'USER');
    const matrix = { audit: { version: env, updated: 0, updatedDate: '', updatedBy: '' }, tests };
    const assignment = explainAssignment(matrix, { [idType]: input.identifier }, context as Record<string, unknown>, { testNames: [testName] })[testName] ?? null;
    results[env] = assignment && withExplanation(assignment, tests[testName], context as Record<string, unknown>);
  }
  return { testName, identifier: input.identifier, results };
}
