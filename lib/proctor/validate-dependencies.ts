import { AppError } from '../errors';
import type { ConsumableTestDefinition, TestDefinition } from './model';

/**
 * Proctor's TestDependencies (FACTS §2.3): `dependsOn` checks per test and for a whole matrix, and the evaluation
 * order (parents before children). Works on definitions or consumable definitions (only dependsOn, testType, salt and
 * bucket values are read).
 */
type DependencyView = Pick<TestDefinition | ConsumableTestDefinition, 'dependsOn' | 'testType' | 'salt' | 'buckets'>;

function own<T>(map: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}

/**
 * validateDependencyAndReturnReason: the first problem with one test's direct dependency, or null.
 * `allowedTypes(testType)` lists the parent test types allowed for a child (default: the same type only).
 */
export function validateDependency(
  testName: string,
  definition: DependencyView,
  definitions: Record<string, DependencyView>,
  allowedTypes: (testType: string | null) => (string | null)[] = (t) => [t],
): string | null {
  const dependsOn = definition.dependsOn;
  if (dependsOn == null) return null;
  const parentName = dependsOn.testName;
  if (parentName === testName) return `A test ${testName} depends on itself`;
  const parent = own(definitions, parentName);
  if (parent === undefined) return `A test ${testName} depends on an unknown or incompatible test ${parentName}`;
  const allowed = allowedTypes(definition.testType);
  if (!allowed.includes(parent.testType)) {
    const expected = allowed.map(String).sort().join(', ');
    return `A test ${testName} depends on ${parentName} with different test type: expected ${expected} but ${parent.testType}`;
  }
  if (definition.salt === parent.salt) return `A test ${testName} depends on ${parentName} with the same salt: ${parent.salt}`;
  if (dependsOn.bucketValue < 0) {
    return `A test ${testName} depends on negative bucket value ${dependsOn.bucketValue} of ${parentName}`;
  }
  if (!parent.buckets.some((b) => b.value === dependsOn.bucketValue)) {
    return `A test ${testName} depends on an undefined bucket ${dependsOn.bucketValue}`;
  }
  return null;
}

/** BFS from the given roots along parent → children edges; names in visiting order. */
function traverse(definitions: Record<string, DependencyView>, roots: string[]): string[] {
  const children = new Map<string, string[]>();
  for (const [name, def] of Object.entries(definitions)) {
    const parent = def.dependsOn?.testName;
    if (parent != null) {
      const list = children.get(parent);
      if (list) list.push(name);
      else children.set(parent, [name]);
    }
  }
  const order: string[] = [];
  const seen = new Set<string>();
  const queue = [...roots];
  for (let head = 0; head < queue.length; head++) {
    const name = queue[head];
    if (seen.has(name)) continue; // unreachable for a tree; guards against malformed input
    seen.add(name);
    order.push(name);
    for (const child of children.get(name) ?? []) queue.push(child);
  }
  return order;
}

/**
 * validateDependenciesAndReturnReasons: test name → reason for every test whose dependency is invalid, including
 * descendants of invalid tests and tests in (or below) a cycle. Valid tests are absent from the result.
 */
export function validateDependencies(definitions: Record<string, DependencyView>): Record<string, string> {
  const names = Object.keys(definitions);
  const roots = names.filter((n) => {
    const parent = definitions[n].dependsOn?.testName;
    return parent == null || own(definitions, parent) === undefined;
  });
  const reasons: Record<string, string> = {};
  const traversed = new Set<string>();
  for (const name of traverse(definitions, roots)) {
    const def = definitions[name];
    const parent = def.dependsOn?.testName;
    const parentInvalid = parent != null && own(reasons, parent) !== undefined;
    const reason = validateDependency(name, def, definitions);
    traversed.add(name);
    if (reason !== null) reasons[name] = reason;
    else if (parentInvalid) reasons[name] = `A test ${name} directly or indirectly depends on an invalid test`;
  }
  for (const name of names) {
    if (!traversed.has(name)) reasons[name] = `A test ${name} depends on a test with circular dependency`;
  }
  return reasons;
}

/**
 * determineEvaluationOrder: every test name, parents before children. Throws when a dependency is circular or points to
 * an unknown test.
 */
export function determineEvaluationOrder(definitions: Record<string, DependencyView>): string[] {
  const names = Object.keys(definitions);
  const order = traverse(definitions, names.filter((n) => definitions[n].dependsOn == null));
  if (order.length !== names.length) {
    const ordered = new Set(order);
    const missing = names.filter((n) => !ordered.has(n));
    throw new AppError('VALIDATION_FAILED', 'Detected invalid dependency links. Unable to determine order', {
      details: missing.map((n) => ({ path: n, message: `Test ${n} depends on an unknown test or is part of a dependency cycle` })),
    });
  }
  return order;
}
