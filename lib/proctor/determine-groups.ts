/**
 * Bucket assignment exactly as Proctor's client does it (FACTS §4): Proctor.determineTestGroups with
 * StandardTestChooser / UnitlessTestChooser / RandomTestChooser, TestRangeSelector and TestChooser.choose (forced groups).
 */
import type { Allocation, ChosenBucket, ConsumableTestDefinition, TestBucket, TestMatrixArtifact } from './model';
import { javaDoubleToString } from './json';
import { encodeUtf8, proctorHashBytes } from './md5';
import { evaluateRule } from './rules/index';

export type ForceGroupsDefaultMode = 'fallback' | 'min_live';

export interface DetermineGroupsOptions {
  /** testName → bucket value; a value that is not a bucket of the test is ignored (normal assignment). */
  forceGroups?: Record<string, number>;
  /** What happens to tests that are not forced (Proctor's ForceGroupsDefaultMode; absent = normal assignment). */
  forceGroupsDefaultMode?: ForceGroupsDefaultMode;
  /** Identifiers.randomEnabled: RANDOM tests are only assigned when true. */
  randomEnabled?: boolean;
  /** Source of uniform doubles in [0,1) for RANDOM tests (java.util.Random.nextDouble in Proctor). */
  random?: () => number;
  /** Only return these tests (their dependsOn ancestors are still evaluated first). Empty/absent = all. */
  testNames?: string[];
  /** Proctor's IdentifierValidator; default accepts every identifier (IdentifierValidator.Noop). */
  isValidIdentifier?: (testType: string, identifier: string) => boolean;
  /**
   * The application's providedContext (variable → Java type): a context number is that Java type in rules (`int`
   * Integer, `long` Long), which matters to proctor:inRange and compareTo. Undeclared numbers are typed as Jackson
   * types JSON (Integer when they fit 32 bits).
   */
  contextTypes?: Record<string, string>;
}

export interface AssignedBucket extends ChosenBucket {
  allocationIndex?: number;
  allocationId?: string;
  rule?: string | null;
}

export type AssignmentReason =
  | 'assigned'
  | 'forced'
  | 'forced-min-live'
  | 'forced-fallback'
  | 'incognito'
  | 'no-identifier'
  | 'invalid-identifier'
  | 'random-disabled'
  | 'depends-on-unmet'
  | 'test-rule-false'
  | 'no-allocation-matched'
  | 'rule-error'
  | 'unknown-bucket'
  | 'invalid-allocation'
  | 'invalid-dependency';

export interface TestAssignment {
  testName: string;
  /** The bucket the application would see, or null (the app then uses its fallback bucket). */
  bucket: AssignedBucket | null;
  reason: AssignmentReason;
  /** A sentence for people. */
  message: string;
  /** Allocation that decided the bucket (absent for forced buckets, as in Proctor's result). */
  allocationIndex?: number;
  allocationId?: string;
  allocationRule?: string | null;
  /** Signed int32 hash of salt+identifier (standard/unitless tests that reached hashing). */
  hash?: number;
  /** Index of the chosen range inside the allocation. */
  rangeIndex?: number;
}

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const INT_RANGE = 4294967295;

/** Java's `(int) d`: NaN → 0, truncation toward zero, clamped to the int range. */
export function javaDoubleToInt(d: number): number {
  if (Number.isNaN(d)) return 0;
  if (d >= INT_MAX) return INT_MAX;
  if (d <= INT_MIN) return INT_MIN;
  return Math.trunc(d) | 0;
}


/** StandardTestChooser.constructCutoffArray; returns the error text Proctor would throw instead when the sum is off. */
export function computeCutoffs(allocation: Allocation): { cutoffs: Int32Array } | { error: string } {
  const ranges = allocation.ranges ?? [];
  if (ranges.length === 0) return { error: 'Allocation range has no buckets, needs to add up to 1.' };
  const cutoffs = new Int32Array(ranges.length - 1);
  let total = 0;
  for (let i = 0; i < ranges.length; i++) {
    total += ranges[i].length;
    if (i < cutoffs.length) cutoffs[i] = javaDoubleToInt(INT_MIN + total * INT_RANGE);
  }
  if (total < 0.9999 || total > 1.0001) {
    return {
      error:
        `Buckets with rule ${allocation.rule} don't add up to 1: ` +
        ranges.map((r) => javaDoubleToString(r.length)).join(' + ') +
        ` = ${javaDoubleToString(total)}`,
    };
  }
  return { cutoffs };
}

/** Index of the range a hash falls into (StandardTestChooser.chooseBucket). */
export function chooseRangeIndex(cutoffs: Int32Array, hash: number): number {
  let i = 0;
  while (i < cutoffs.length && hash > cutoffs[i]) i++;
  return i;
}

/** Hash prefix: `&salt` alone links tests sharing it; otherwise the legacy `testName|salt` (null salt → "null" as in Java). */
export function hashPrefix(testName: string, salt: string | null): string {
  const s = salt ?? '';
  return s.startsWith('&') ? s : `${testName}|${salt}`;
}

interface CompiledTest {
  name: string;
  def: ConsumableTestDefinition;
  kind: 'standard' | 'unitless' | 'random';
  prefixBytes: Uint8Array;
  cutoffs: Int32Array[];
  /** value → bucket for ranges (HashMap put in order: the last bucket with a value wins). */
  rangeBuckets: (TestBucket | undefined)[][];
  /** First error that stops Proctor from constructing the chooser. */
  constructionError: string | null;
  unitlessRules: boolean[];
}

interface CompiledMatrix {
  tests: Map<string, CompiledTest>;
  order: string[];
  sortedNames: string[];
  invalidDependency: Set<string>;
}

const compiledCache = new WeakMap<TestMatrixArtifact, CompiledMatrix>();

function compileTest(name: string, def: ConsumableTestDefinition): CompiledTest {
  const byValue = new Map<number, TestBucket>();
  for (const b of def.buckets ?? []) byValue.set(b.value, b);
  const allocations = def.allocations ?? [];
  const cutoffs: Int32Array[] = [];
  let constructionError: string | null = null;
  for (const allocation of allocations) {
    const result = computeCutoffs(allocation);
    if ('error' in result) {
      constructionError ??= result.error;
      cutoffs.push(new Int32Array(0));
    } else cutoffs.push(result.cutoffs);
  }
  const kind = def.testType === 'RANDOM' ? 'random' : def.enableUnitlessAllocations ? 'unitless' : 'standard';
  return {
    name,
    def,
    kind,
    prefixBytes: encodeUtf8(hashPrefix(name, def.salt)),
    cutoffs,
    rangeBuckets: allocations.map((a) => (a.ranges ?? []).map((r) => byValue.get(r.bucketValue))),
    constructionError,
    unitlessRules: allocations.map(
      (a) => a.rule != null && def.containsUnitlessAllocation && a.rule.includes('missingExperimentalUnit'),
    ),
  };
}

/** Parents first (TestDependencies.determineEvaluationOrder); tests caught in cycles are left out. */
export function evaluationOrder(tests: Record<string, ConsumableTestDefinition>): { order: string[]; cyclic: string[] } {
  const names = Object.keys(tests);
  const children = new Map<string, string[]>();
  const roots: string[] = [];
  for (const name of names) {
    const parent = tests[name]?.dependsOn?.testName;
    if (parent != null && parent !== name && Object.prototype.hasOwnProperty.call(tests, parent)) {
      const list = children.get(parent);
      if (list) list.push(name);
      else children.set(parent, [name]);
    } else if (parent !== name) {
      roots.push(name);
    }
  }
  const order: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < roots.length; i++) {
    const name = roots[i];
    if (seen.has(name)) continue;
    seen.add(name);
    order.push(name);
    for (const child of children.get(name) ?? []) roots.push(child);
  }
  return { order, cyclic: names.filter((n) => !seen.has(n)) };
}

function compileMatrix(matrix: TestMatrixArtifact): CompiledMatrix {
  let compiled = compiledCache.get(matrix);
  if (compiled) return compiled;
  const tests = new Map<string, CompiledTest>();
  for (const [name, def] of Object.entries(matrix.tests ?? {})) tests.set(name, compileTest(name, def));
  const { order, cyclic } = evaluationOrder(matrix.tests ?? {});
  compiled = { tests, order, sortedNames: [...tests.keys()].sort(), invalidDependency: new Set(cyclic) };
  compiledCache.set(matrix, compiled);
  return compiled;
}

function isIncognito(context: Record<string, unknown>): boolean {
  const v = context.isIncognitoUser;
  return v != null && String(v).toLowerCase() === 'true';
}

function toAssigned(bucket: TestBucket, allocation: Allocation | null, index: number | undefined): AssignedBucket {
  const out: AssignedBucket = { name: bucket.name, value: bucket.value };
  if (bucket.payload != null) out.payload = bucket.payload;
  if (allocation && index !== undefined) {
    out.allocationIndex = index;
    out.allocationId = allocation.id;
    out.rule = allocation.rule;
  }
  return out;
}

/** TestRangeSelector.getTestBucket: the first bucket with that value. */
function findBucket(def: ConsumableTestDefinition, value: number): TestBucket | undefined {
  return (def.buckets ?? []).find((b) => b.value === value);
}

function evaluate(
  rule: string | null,
  constants: Record<string, unknown>,
  context: Record<string, unknown>,
  contextTypes: Record<string, string> | undefined,
): boolean {
  // RuleEvaluator's fast path: null, blank and `${}` are true without parsing.
  if (rule == null || /^\s*$/.test(rule) || /^\$\{\s*\}$/.test(rule)) return true;
  return evaluateRule(rule, { constants, context, contextTypes } as Parameters<typeof evaluateRule>[1]);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** TestChooser.chooseInternal for one test: dependsOn, test rule, first matching allocation, then hash or random. */
function chooseInternal(
  t: CompiledTest,
  identifier: string | null,
  context: Record<string, unknown>,
  groups: Map<string, TestBucket>,
  options: DetermineGroupsOptions,
): TestAssignment {
  const { def, name } = t;
  const base = { testName: name, bucket: null };
  if (def.dependsOn) {
    const parent = groups.get(def.dependsOn.testName);
    if (!parent || parent.value !== def.dependsOn.bucketValue) {
      return {
        ...base,
        reason: 'depends-on-unmet',
        message: parent
          ? `Depends on ${def.dependsOn.testName} bucket ${def.dependsOn.bucketValue}, but it got bucket ${parent.value}.`
          : `Depends on ${def.dependsOn.testName} bucket ${def.dependsOn.bucketValue}, but ${def.dependsOn.testName} got no bucket.`,
      };
    }
  }
  const constants = def.constants ?? {};
  const allocations = def.allocations ?? [];
  let index = -1;
  let current: string | null = def.rule;
  try {
    if (def.rule != null && !evaluate(def.rule, constants, context, options.contextTypes)) {
      return { ...base, reason: 'test-rule-false', message: `The test rule ${def.rule} is false for this context.` };
    }
    for (let i = 0; i < allocations.length; i++) {
      if (t.kind === 'unitless') {
        const normal =
          identifier != null && (options.isValidIdentifier?.(def.testType ?? '', identifier) ?? true);
        if (!normal && !t.unitlessRules[i]) continue;
      }
      current = allocations[i].rule;
      if (evaluate(allocations[i].rule, constants, context, options.contextTypes)) {
        index = i;
        break;
      }
    }
  } catch (e) {
    return {
      ...base,
      reason: 'rule-error',
      message: `Error evaluating rule '${current}' for test '${name}': '${errorText(e)}'.`,
    };
  }
  if (index < 0) {
    return { ...base, reason: 'no-allocation-matched', message: 'No allocation rule matched this context.' };
  }
  const allocation = allocations[index];
  const decided = { allocationIndex: index, allocationId: allocation.id, allocationRule: allocation.rule };
  let rangeIndex: number;
  let hash: number | undefined;
  if (t.kind === 'random') {
    const r = (options.random ?? Math.random)();
    const ranges = allocation.ranges;
    rangeIndex = ranges.length - 1;
    let cumulative = 0;
    for (let i = 0; i < ranges.length; i++) {
      cumulative += ranges[i].length;
      if (r < cumulative) {
        rangeIndex = i;
        break;
      }
    }
  } else {
    hash = proctorHashBytes(t.prefixBytes, identifier ?? '');
    rangeIndex = chooseRangeIndex(t.cutoffs[index], hash);
  }
  const bucket = t.rangeBuckets[index][rangeIndex];
  if (!bucket) {
    const value = allocation.ranges[rangeIndex]?.bucketValue;
    return {
      ...base,
      ...decided,
      hash,
      rangeIndex,
      reason: 'unknown-bucket',
      message: `Allocation ${allocation.id || index} sends this identifier to bucket value ${value}, which the test does not define.`,
    };
  }
  return {
    testName: name,
    bucket: toAssigned(bucket, allocation, index),
    ...decided,
    hash,
    rangeIndex,
    reason: 'assigned',
    message: `Allocation ${allocation.id || '#' + index} put this identifier in ${bucket.name} (${bucket.value}).`,
  };
}

/** Tests to evaluate when a name filter is given: the named tests plus their dependsOn ancestors. */
function withAncestors(compiled: CompiledMatrix, names: string[]): Set<string> {
  const out = new Set<string>();
  const stack = names.filter((n) => compiled.tests.has(n));
  while (stack.length) {
    const n = stack.pop()!;
    if (out.has(n)) continue;
    out.add(n);
    const parent = compiled.tests.get(n)?.def.dependsOn?.testName;
    if (parent && compiled.tests.has(parent)) stack.push(parent);
  }
  return out;
}

/** Every test's outcome with its reason, in evaluation order (parents before children). */
export function explainAssignment(
  matrix: TestMatrixArtifact,
  identifiers: Record<string, string | null | undefined>,
  context: Record<string, unknown> = {},
  options: DetermineGroupsOptions = {},
): Record<string, TestAssignment> {
  const compiled = compileMatrix(matrix);
  const filter = options.testNames && options.testNames.length > 0 ? withAncestors(compiled, options.testNames) : null;
  const requested = filter ? new Set(options.testNames) : null;
  const forced = options.forceGroups ?? {};
  const mode = options.forceGroupsDefaultMode;
  const randomEnabled = options.randomEnabled ?? false;

  // Identifier types rejected by the validator (Proctor: testTypesWithInvalidIdentifier).
  const invalidTypes = new Set<string>();
  if (options.isValidIdentifier) {
    for (const [type, id] of Object.entries(identifiers)) {
      if (id != null && !options.isValidIdentifier(type, id)) invalidTypes.add(type);
    }
  }
  // One mutable copy: only missingExperimentalUnit changes between tests.
  const ctx: Record<string, unknown> = { ...context, missingExperimentalUnit: false };
  const incognito = isIncognito(context);
  const groups = new Map<string, TestBucket>();
  const result: Record<string, TestAssignment> = {};

  for (const name of [...compiled.order, ...compiled.invalidDependency]) {
    if (filter && !filter.has(name)) continue;
    const t = compiled.tests.get(name)!;
    const def = t.def;
    const record = (a: TestAssignment) => {
      if (!requested || requested.has(name)) result[name] = a;
    };
    if (compiled.invalidDependency.has(name)) {
      // Proctor cannot even order such tests (determineEvaluationOrder throws); loaders drop them first.
      record({ testName: name, bucket: null, reason: 'invalid-dependency', message: 'The test is part of a circular dependsOn chain.' });
      continue;
    }
    if (incognito && !def.evaluateForIncognitoUsers) {
      record({ testName: name, bucket: null, reason: 'incognito', message: 'Skipped for incognito users (isIncognitoUser is true and evaluateForIncognitoUsers is false).' });
      continue;
    }
    const testType = def.testType ?? '';
    ctx.missingExperimentalUnit = invalidTypes.has(testType) && def.containsUnitlessAllocation === true;
    let identifier: string | null = null;
    if (t.kind === 'unitless') {
      const given = identifiers[testType];
      identifier = given == null && def.containsUnitlessAllocation ? '' : (given ?? null);
      if (identifier == null) {
        record({ testName: name, bucket: null, reason: 'no-identifier', message: `No ${testType} identifier was given.` });
        continue;
      }
    } else if (t.kind === 'standard') {
      if (invalidTypes.has(testType)) {
        record({ testName: name, bucket: null, reason: 'invalid-identifier', message: `The ${testType} identifier was rejected; the fallback bucket applies.` });
        continue;
      }
      identifier = identifiers[testType] ?? null;
      if (identifier == null) {
        record({ testName: name, bucket: null, reason: 'no-identifier', message: `No ${testType} identifier was given.` });
        continue;
      }
    } else if (!randomEnabled) {
      record({ testName: name, bucket: null, reason: 'random-disabled', message: 'RANDOM tests are only assigned when random assignment is enabled.' });
      continue;
    }

    // TestChooser.choose: a forced bucket that exists wins without evaluating any rule.
    const forcedValue = Object.prototype.hasOwnProperty.call(forced, name) ? forced[name] : undefined;
    if (forcedValue !== undefined) {
      const bucket = findBucket(def, forcedValue);
      if (bucket) {
        groups.set(name, bucket);
        record({ testName: name, bucket: toAssigned(bucket, null, undefined), reason: 'forced', message: `Forced to ${bucket.name} (${bucket.value}).` });
        continue;
      }
    }
    if (mode === 'fallback') {
      record({ testName: name, bucket: null, reason: 'forced-fallback', message: 'Not forced; default_to_fallback leaves it without a bucket.' });
      continue;
    }
    if (t.constructionError) {
      record({ testName: name, bucket: null, reason: 'invalid-allocation', message: t.constructionError });
      continue;
    }
    const chosen = chooseInternal(t, identifier, ctx, groups, options);
    if (mode === 'min_live') {
      // TestChooser: replace with the lowest bucket value having a positive length in the resolved allocation.
      const allocation = chosen.allocationIndex !== undefined ? def.allocations[chosen.allocationIndex] : undefined;
      const live = (allocation?.ranges ?? []).filter((r) => r.length > 0).map((r) => r.bucketValue);
      const bucket = live.length ? findBucket(def, Math.min(...live)) : undefined;
      if (bucket) {
        groups.set(name, bucket);
        record({ testName: name, bucket: toAssigned(bucket, null, undefined), reason: 'forced-min-live', message: `default_to_min_live: lowest live bucket ${bucket.name} (${bucket.value}).` });
      } else {
        record({ ...chosen, bucket: null, reason: chosen.reason === 'assigned' ? 'forced-min-live' : chosen.reason, message: chosen.reason === 'assigned' ? 'default_to_min_live found no live bucket.' : chosen.message });
      }
      continue;
    }
    if (chosen.bucket) groups.set(name, findBucketExact(t, chosen));
    record(chosen);
  }
  return result;
}

function findBucketExact(t: CompiledTest, chosen: TestAssignment): TestBucket {
  return t.rangeBuckets[chosen.allocationIndex!][chosen.rangeIndex!]!;
}

/** The buckets an application would get, keyed by test name (sorted, like Proctor's TreeMap). */
export function determineGroups(
  matrix: TestMatrixArtifact,
  identifiers: Record<string, string | null | undefined>,
  context: Record<string, unknown> = {},
  options: DetermineGroupsOptions = {},
): Record<string, AssignedBucket> {
  const explained = explainAssignment(matrix, identifiers, context, options);
  const out: Record<string, AssignedBucket> = {};
  for (const name of compileMatrix(matrix).sortedNames) {
    const bucket = explained[name]?.bucket;
    if (bucket) out[name] = bucket;
  }
  return out;
}
