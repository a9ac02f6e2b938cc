/**
 * Checking a test matrix against an application's Proctor specification (FACTS §2.2): ProctorUtils.verify /
 * verifyRequiredTest / verifyTest, the dynamic filters (DynamicFilters.determineTests) and the loader's consolidation
 * (verifyAndConsolidate + consolidate + defaultFor).
 */
import {
  BigIntegerValue,
  DoubleValue,
  isRegisteredTestType,
  unknownTestTypeMessage,
  type ConsumableTestDefinition,
  type DynamicFilter,
  type JsonValue,
  type Payload,
  type ProctorSpecification,
  type TestBucket,
  type TestMatrixArtifact,
  type TestSpecification,
} from './model';
import { formatBucket, verifyConsumableDefinition } from './validate-definition';
import { validateDependencies } from './validate-dependencies';
import { evaluateRule } from './rules/index';

export interface VerifyMatrixResult {
  /** No required test is missing or invalid (invalid dynamic tests are dropped silently by loaders). */
  valid: boolean;
  /** Required tests that fail, test name → Proctor's messages (the first one is what Proctor throws). */
  errors: Record<string, string[]>;
  /** Required or dynamic tests absent from the matrix. */
  missing: string[];
  /** Tests picked up by the dynamic filters that fail; a loader drops them. */
  dynamicErrors: Record<string, string[]>;
  /** Tests the application loads besides its required tests (DynamicFilters.determineTests). */
  dynamicTests: string[];
}

export interface VerifyMatrixOptions {
  /** Named in some messages ("… from {matrixSource} …"). */
  matrixSource?: string;
}

const PAYLOAD_TYPE_NAMES = ['doubleValue', 'doubleArray', 'longValue', 'longArray', 'stringValue', 'stringArray', 'map', 'json'];

function own<T>(map: Record<string, T> | undefined | null, key: string): T | undefined {
  return map != null && Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** One dynamic filter (TestNamePrefixFilter, TestNamePatternFilter, MetaTagsFilter, NamespacesFilter, MatchAllFilter). */
export function matchesDynamicFilter(filter: DynamicFilter, testName: string, def: ConsumableTestDefinition): boolean {
  switch (filter.type) {
    case 'name_prefix': {
      const prefix = typeof filter.prefix === 'string' ? filter.prefix : '';
      return prefix !== '' && testName.startsWith(prefix);
    }
    case 'name_pattern': {
      if (typeof filter.regex !== 'string') return false;
      try {
        // Java Pattern.matcher().matches(): the whole name must match.
        return new RegExp(`^(?:${filter.regex})$`, 'u').test(testName);
      } catch {
        return false;
      }
    }
    case 'meta_tags_filter': {
      const tags = new Set(asStrings(filter.meta_tags));
      return (def.metaTags ?? []).some((t) => tags.has(t));
    }
    case 'namespaces_filter': {
      const namespaces = new Set(asStrings(filter.namespaces));
      return (def.payloadExperimentConfig?.namespaces ?? []).some((n) => namespaces.has(n));
    }
    case 'match_all':
      return true;
    default:
      return false;
  }
}

/** DynamicFilters.determineTests: non-required tests of the matrix matched by any filter. */
export function determineDynamicTests(matrix: TestMatrixArtifact, specification: ProctorSpecification): string[] {
  const required = specification.tests ?? {};
  const filters = specification.dynamicFilters ?? [];
  const out: string[] = [];
  for (const [name, def] of Object.entries(matrix.tests ?? {})) {
    if (def == null || own(required, name) !== undefined) continue;
    if (filters.some((f) => matchesDynamicFilter(f, name, def))) out.push(name);
  }
  return out;
}

/** Order of java.util.HashSet<Integer> iteration for a handful of values (table of 16). */
function javaIntHashSetOrder(values: number[]): number[] {
  const slot = (h: number) => ((h ^ (h >>> 16)) & 15) >>> 0;
  return [...new Set(values)]
    .map((v, i) => ({ v, i, s: slot(v | 0) }))
    .sort((a, b) => a.s - b.s || a.i - b.i)
    .map((x) => x.v);
}

function isNumber(v: unknown): boolean {
  return typeof v === 'number' || v instanceof DoubleValue || v instanceof BigIntegerValue;
}

function payloadValue(payload: Payload): unknown {
  for (const t of PAYLOAD_TYPE_NAMES) {
    const v = (payload as Record<string, unknown>)[t];
    if (v !== undefined && v !== null) return v instanceof DoubleValue ? v.value : v instanceof BigIntegerValue ? Number(v.value) : v;
  }
  return null;
}

function plain(value: JsonValue | undefined): unknown {
  if (value instanceof DoubleValue) return value.value;
  if (value instanceof BigIntegerValue) return Number(value.value);
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

function validatorPasses(rule: string, context: Record<string, unknown>): boolean {
  try {
    return evaluateRule(rule, { constants: {}, context } as Parameters<typeof evaluateRule>[1]);
  } catch {
    return false;
  }
}

/** ProctorUtils.checkMapPayloadTypes; returns the message Proctor would throw, or null. */
function checkMapPayload(
  testName: string,
  source: string,
  schema: Record<string, string>,
  validator: string | null | undefined,
  bucket: TestBucket,
): string | null {
  const map = bucket.payload?.map;
  const prefix = `For test ${testName} from ${source}`;
  const wrongType = `${prefix} expected payload of type map but matrix has a test bucket payload with wrong type: ${formatBucket(bucket)}`;
  const nested = `${prefix} expected payload of type map but matrix has a test bucket payload with wrong nested type: ${formatBucket(bucket)}`;
  if (map == null) return wrongType;
  // PayloadType.MAP's toString is the enum name.
  if (Object.keys(schema).length > Object.keys(map).length) {
    return `${prefix} expected payload of equal size to specification MAP  but matrix has a test bucket payload with wrong type size: ${formatBucket(bucket)}`;
  }
  for (const [key, typeName] of Object.entries(schema)) {
    if (own(map, key) === undefined) {
      return `${prefix} expected payload of same order and variable names as specificied in MAP but matrix has a test bucket payload with wrong type: ${formatBucket(bucket)}`;
    }
    if (!PAYLOAD_TYPE_NAMES.includes(typeName)) return `${prefix} specification payload type unknown in: map`;
    if (typeName === 'map') return `${prefix} specification payload type has unallowed nested map types: map`;
    const actual = map[key];
    if (Array.isArray(actual)) {
      for (const element of actual) {
        if (typeName === 'stringArray') {
          if (typeof element !== 'string') return nested;
        } else if (typeName === 'longArray' || typeName === 'doubleArray') {
          if (!isNumber(element)) return nested;
        } else return nested;
      }
    } else if (typeName === 'doubleArray' || typeName === 'stringArray' || typeName === 'longArray') {
      return nested;
    } else if (typeName === 'doubleValue' || typeName === 'longValue') {
      if (!isNumber(actual)) return nested;
    } else if (typeName === 'stringValue') {
      if (typeof actual !== 'string') return nested;
    } else if (typeName === 'json') {
      // java.lang.JsonNode does not exist: Proctor reports an incompatible type.
      return `${prefix} incompatible payload type?`;
    }
  }
  if (validator != null && !validatorPasses(validator, plain(map) as Record<string, unknown>)) {
    return `${prefix} payload validation rule ${validator} failed for test bucket: ${formatBucket(bucket)}`;
  }
  return null;
}

/** verifyTest after the core check: spec bucket values and payload specification. */
function verifyAgainstSpecification(
  testName: string,
  def: ConsumableTestDefinition,
  spec: TestSpecification,
  knownBuckets: Set<number>,
  source: string,
): string | null {
  const specBuckets = spec.buckets ?? {};
  if (Object.keys(specBuckets).length > 0) {
    const unknown: number[] = [];
    for (const allocation of def.allocations ?? []) {
      for (const range of allocation.ranges ?? []) {
        if (!knownBuckets.has(range.bucketValue) && range.length > 0) unknown.push(range.bucketValue);
      }
    }
    if (unknown.length > 0) {
      const ordered = javaIntHashSetOrder(unknown);
      const text = (ordered.length > 1 ? 'bucket values: ' : 'bucket value: ') + ordered.join(',');
      return `Proctor specification in your application does not contain ${text}. Please update the proctor specification first`;
    }
  }
  const payloadSpec = spec.payload;
  if (payloadSpec != null) {
    const typeName = payloadSpec.type;
    const schema = payloadSpec.schema;
    if (typeName === 'map' && (schema == null || Object.keys(schema).length === 0)) {
      return (
        `The bucket definition of test ${testName} has no payload, but the application is expecting one. Add a payload to your test definition, or if there should not be one, ` +
        `remove it from the application's Proctor specification. You can copy the Proctor specification from the specification tab for the test on Proctor Webapp and add it ` +
        `to the application's json file that contains the test specification.`
      );
    }
    if (!PAYLOAD_TYPE_NAMES.includes(typeName)) {
      return `For test ${testName} from ${source} test specification payload type unknown: ${typeName}`;
    }
    for (const bucket of def.buckets ?? []) {
      const payload = bucket.payload;
      if (payload == null) continue;
      const value = (payload as Record<string, unknown>)[typeName];
      if (value === undefined || value === null) {
        return `For test ${testName} from ${source} expected payload of type ${typeName} but matrix has a test bucket payload with wrong type: ${formatBucket(bucket)}`;
      }
      if (typeName === 'map') {
        const problem = checkMapPayload(testName, source, schema as Record<string, string>, payloadSpec.validator, bucket);
        if (problem) return problem;
      } else if (payloadSpec.validator != null && !validatorPasses(payloadSpec.validator, { value: plain(payloadValue(payload) as JsonValue) })) {
        return `For test ${testName} from ${source} payload validation rule ${payloadSpec.validator} failed for test bucket: ${formatBucket(bucket)}`;
      }
    }
  }
  return null;
}

function coreErrors(testName: string, def: ConsumableTestDefinition, source: string, providedContext: Record<string, string> | undefined): string[] {
  if (!isRegisteredTestType(def.testType)) {
    return [unknownTestTypeMessage(testName, def.testType)];
  }
  return verifyConsumableDefinition(testName, def, { matrixSource: source, providedContext })
    .filter((i) => i.severity === 'error')
    .map((i) => i.message);
}

/** verifyRequiredTest: spec sanity, test type, core checks (rules with the app's context), spec buckets, payloads. */
function verifyRequiredTest(
  testName: string,
  def: ConsumableTestDefinition,
  spec: TestSpecification,
  source: string,
  providedContext: Record<string, string> | undefined,
): string[] {
  const known = new Set<number>();
  for (const value of Object.values(spec.buckets ?? {})) {
    if (value == null) return [`Test specification of ${testName} has null in buckets`];
    if (known.has(value)) return [`Test specification of ${testName} has duplicated buckets for value ${value}`];
    known.add(value);
  }
  const core = coreErrors(testName, def, source, providedContext);
  if (core.length > 0) return core;
  const problem = verifyAgainstSpecification(testName, def, spec, known, source);
  return problem ? [problem] : [];
}

/**
 * ProctorUtils.verify: which required/dynamic tests are missing or invalid for this application. `providedContext`
 * defaults to the specification's; pass null to check rule syntax only (ProvidedContext.nonEvaluableContext).
 */
export function verifyMatrix(
  matrix: TestMatrixArtifact,
  specification: ProctorSpecification,
  providedContext?: Record<string, string> | null,
  options: VerifyMatrixOptions = {},
): VerifyMatrixResult {
  const source = options.matrixSource ?? 'matrix';
  const context = providedContext === null ? undefined : (providedContext ?? specification.providedContext ?? undefined);
  const required = specification.tests ?? {};
  const defined = matrix.tests ?? {};
  const dynamicTests = determineDynamicTests(matrix, specification);
  const toLoad = [...Object.keys(required), ...dynamicTests.filter((t) => own(required, t) === undefined)];

  const errors: Record<string, string[]> = {};
  const dynamicErrors: Record<string, string[]> = {};
  const missing: string[] = [];
  const loadable: Record<string, ConsumableTestDefinition> = {};
  for (const name of toLoad) {
    const def = own(defined, name);
    if (def == null) {
      missing.push(name);
      continue;
    }
    const spec = own(required, name);
    const problems = spec !== undefined ? verifyRequiredTest(name, def, spec ?? {}, source, context) : coreErrors(name, def, source, context);
    if (problems.length > 0) (spec !== undefined ? errors : dynamicErrors)[name] = problems;
    else loadable[name] = def;
  }
  for (const [name, reason] of Object.entries(validateDependencies(loadable))) {
    const message = `Invalid dependency field is detected: ${reason}`;
    if (own(required, name) !== undefined) errors[name] = [message];
    else dynamicErrors[name] = [message];
  }
  return { valid: Object.keys(errors).length === 0 && missing.length === 0, errors, missing, dynamicErrors, dynamicTests };
}

/** ProctorUtils.defaultFor: what a loader uses for a required test that is missing or invalid. */
export function fallbackDefinition(testName: string, spec: TestSpecification): ConsumableTestDefinition {
  const fallbackValue = spec.fallbackValue ?? -1;
  return {
    constants: {},
    version: 'default',
    salt: testName,
    rule: null,
    buckets: [{ name: 'inactive', value: fallbackValue, description: 'fallback because missing in matrix' }],
    allocations: [{ rule: null, ranges: [{ bucketValue: fallbackValue, length: 1.0 }], id: '', name: '' }],
    silent: false,
    testType: 'RANDOM',
    description: testName,
    metaTags: [],
    dependsOn: null,
    evaluateForIncognitoUsers: false,
    enableUnitlessAllocations: false,
    containsUnitlessAllocation: false,
    forceLogging: false,
    payloadExperimentConfig: null,
    dynamic: false,
  };
}

/**
 * The matrix an application actually loads (verifyAndConsolidate): invalid or missing required tests replaced by
 * fallbacks, invalid dynamic tests and unrequested tests dropped, payloads stripped when the spec has none, spec buckets
 * missing from the definition appended. Does not modify its input.
 */
export function consolidateMatrix(
  matrix: TestMatrixArtifact,
  specification: ProctorSpecification,
  providedContext?: Record<string, string> | null,
  options: VerifyMatrixOptions = {},
): { matrix: TestMatrixArtifact; result: VerifyMatrixResult } {
  const result = verifyMatrix(matrix, specification, providedContext, options);
  const required = specification.tests ?? {};
  const dynamic = new Set(result.dynamicTests);
  const tests: Record<string, ConsumableTestDefinition> = {};
  for (const [name, def] of Object.entries(matrix.tests ?? {})) {
    if (own(result.errors, name) || own(result.dynamicErrors, name)) continue;
    if (own(required, name) === undefined && !dynamic.has(name)) continue;
    const copy: ConsumableTestDefinition = { ...def, buckets: [...(def.buckets ?? [])] };
    if (dynamic.has(name)) {
      // MetaTagsFilter / NamespacesFilter record their (last) verdict in the definition's `dynamic` flag.
      for (const filter of specification.dynamicFilters ?? []) {
        if (filter.type === 'meta_tags_filter' || filter.type === 'namespaces_filter') {
          copy.dynamic = matchesDynamicFilter(filter, name, def);
        }
      }
    }
    tests[name] = copy;
  }
  for (const [name, spec] of Object.entries(required)) {
    if (own(tests, name) === undefined) tests[name] = fallbackDefinition(name, spec ?? {});
  }
  for (const [name, spec] of Object.entries(required)) {
    const def = tests[name];
    if (spec?.payload == null) {
      def.buckets = def.buckets.map((b) => {
        const { payload: _dropped, ...rest } = b;
        return rest;
      });
    }
    const values = new Set(def.buckets.map((b) => b.value));
    for (const [bucketName, value] of Object.entries(spec?.buckets ?? {})) {
      if (!values.has(value)) def.buckets.push({ name: bucketName, value });
    }
  }
  return { matrix: { audit: matrix.audit, tests }, result };
}
