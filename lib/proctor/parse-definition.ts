import { AppError } from '../errors';
import { formatAuditDate } from './audit';
import { adoptCanonicalDefinition } from './canonical-definition';
import {
  ALLOCATION_KEYS,
  BUCKET_KEYS,
  CONSUMABLE_KEYS,
  DEFINITION_KEYS,
  DEPENDENCY_KEYS,
  EXPERIMENT_CONFIG_KEYS,
  PAYLOAD_KEYS,
  RANGE_KEYS,
} from './definition-keys';
import { MAX_DEFINITION_DEPTH, findTooDeep, tooDeepMessage } from './json-depth';
import { JsonParseError, escapePointerToken, javaDoubleToString, javaToString, locate, parseJson, setOwn } from './json';
import {
  BigIntegerValue,
  DoubleValue,
  type Allocation,
  type Audit,
  type ConsumableTestDefinition,
  type JsonValue,
  type Payload,
  type PayloadExperimentConfig,
  type ProctorSpecification,
  type Range,
  type TestBucket,
  type TestDefinition,
  type TestDependency,
  type TestMatrixArtifact,
  type TestSpecification,
  type ValidationIssue,
} from './model';

/**
 * Reading definition.json, test matrices and specifications the way Proctor's Serializers.lenient() does: comments
 * allowed, unknown keys ignored, Jackson's scalar coercions (`"version": 1` → "1"), `subrule` as the legacy name of
 * `rule`, defaults for absent fields. The strict variant rejects unknown keys like the webapp's Serializers.strict().
 * Every failure is an AppError('VALIDATION_FAILED') naming line:column, the JSON pointer and the fix.
 */

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

type JsonObject = { [key: string]: JsonValue };

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof DoubleValue) && !(value instanceof BigIntegerValue);
}

/** Module-level rather than a closure per payload: under esbuild's keepNames each closure costs a defineProperty. */
function isPresent(o: JsonObject, key: string): boolean {
  return o[key] !== null && o[key] !== undefined;
}

function kindOf(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof DoubleValue) return 'a number';
  if (value instanceof BigIntegerValue) return `a number (${value.toString()})`;
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `a string (${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)})`;
  return `${typeof value === 'number' ? 'a number' : 'a boolean'} (${String(value)})`;
}

class Reader {
  /** Where the lenient reading changed a value (warnings for the editor); collected only when given an array. */
  constructor(
    private readonly text: string,
    private readonly strict: boolean,
    private readonly what: string,
    private readonly notes?: ValidationIssue[],
  ) {}

  /** Records that a value was read as Proctor's Jackson reads it, not as written. */
  private coerced(pointer: string, written: JsonValue, read: string): void {
    if (!this.notes) return;
    const text = typeof written === 'string' ? JSON.stringify(written) : javaToString(written);
    this.notes.push({
      path: pointer,
      severity: 'warning',
      message: `${text} is read as ${read}, as Proctor's reader does; saving writes ${read}.`,
    });
  }

  /**
   * Where each value starts, by JSON pointer. Only an error needs it, so it is computed then by parsing the (already
   * successfully parsed) text again with positions tracked, instead of building pointers for every value up front.
   */
  private positions(): Map<string, number> {
    return this.text === '' ? new Map() : parseJson(this.text, { trackPositions: true, allowTrailingText: true }).positions;
  }

  /** The number literal written at `pointer`, when the text is known. */
  private literalAt(pointer: string): string | null {
    const at = this.text === '' ? undefined : this.positions().get(pointer);
    if (at === undefined) return null;
    const literal = /-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/y;
    literal.lastIndex = at;
    return literal.exec(this.text)?.[0] ?? null;
  }

  fail(pointer: string, message: string): never {
    let at = '';
    const positions = this.positions();
    for (let p = pointer; ; p = p.slice(0, p.lastIndexOf('/'))) {
      const offset = positions.get(p);
      if (offset !== undefined) {
        const { line, column } = locate(this.text, offset);
        at = ` (line ${line}, column ${column})`;
        break;
      }
      if (p === '') break;
    }
    const where = pointer === '' ? '' : ` at ${pointer}`;
    throw new AppError('VALIDATION_FAILED', `Invalid ${this.what}${where}${at}: ${message}`, {
      details: [{ path: pointer, message }],
    });
  }

  object(value: JsonValue | undefined, pointer: string, name: string, allowed: readonly string[]): JsonObject {
    if (!isObject(value)) this.fail(pointer, `${name} must be a JSON object, found ${kindOf(value)}`);
    if (this.strict) {
      for (const key of Object.keys(value)) {
        if (!allowed.includes(key)) {
          this.fail(`${pointer}/${escapePointerToken(key)}`, `unknown field "${key}" in ${name}; allowed fields are: ${allowed.join(', ')}`);
        }
      }
    }
    return value;
  }

  string(value: JsonValue | undefined, pointer: string): string | null {
    if (value === null || value === undefined) return null;
    if (typeof value === 'string') return value;
    // Jackson coerces scalars into String fields ("version": 1 → "1"), a number as written ("1.50" stays "1.50").
    if (value instanceof DoubleValue) return this.literalAt(pointer) ?? javaDoubleToString(value.value);
    if (value instanceof BigIntegerValue) return value.toString();
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return this.fail(pointer, `expected a string, found ${kindOf(value)}`);
  }

  /**
   * A Java int or long. Like Jackson (ACCEPT_FLOAT_AS_INT), a number with a fraction loses it (`1.5` → 1, `-0.5` → 0);
   * integers beyond the type's range are refused. Longs beyond ±(2^53 - 1) stay exact as BigIntegerValues.
   */
  wholeNumber(value: JsonValue | undefined, pointer: string, min: bigint, max: bigint, fallback: number): number | BigIntegerValue {
    if (value === null || value === undefined) return fallback;
    let num: bigint;
    if (value instanceof BigIntegerValue) num = value.value;
    else if (value instanceof DoubleValue || typeof value === 'number') {
      const x = value instanceof DoubleValue ? value.value : value;
      if (!Number.isFinite(x)) return this.fail(pointer, `expected a whole number, found ${javaDoubleToString(x)}`);
      num = BigInt(Math.trunc(x));
      if (!Number.isInteger(x)) this.coerced(pointer, value, num.toString());
    } else if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) {
      num = BigInt(value.trim());
      this.coerced(pointer, value, num.toString());
    } else return this.fail(pointer, `expected a whole number, found ${kindOf(value)}`);
    if (num < min || num > max) this.fail(pointer, `number ${num} is out of range (${min} to ${max})`);
    return num >= -BigInt(Number.MAX_SAFE_INTEGER) && num <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(num) : new BigIntegerValue(num);
  }

  integer(value: JsonValue | undefined, pointer: string, min: number, max: number, fallback: number): number {
    return this.wholeNumber(value, pointer, BigInt(min), BigInt(max), fallback) as number;
  }

  int(value: JsonValue | undefined, pointer: string): number {
    return this.integer(value, pointer, INT_MIN, INT_MAX, 0);
  }

  long(value: JsonValue | undefined, pointer: string): number | BigIntegerValue {
    return this.wholeNumber(value, pointer, LONG_MIN, LONG_MAX, 0);
  }

  double(value: JsonValue | undefined, pointer: string): number {
    if (value === null || value === undefined) return 0;
    if (value instanceof DoubleValue) return value.value;
    if (value instanceof BigIntegerValue) return Number(value.value);
    if (typeof value === 'number') return value;
    if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
    return this.fail(pointer, `expected a number, found ${kindOf(value)}`);
  }

  boolean(value: JsonValue | undefined, pointer: string): boolean {
    if (value === null || value === undefined) return false;
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') {
      this.coerced(pointer, value, value);
      return value === 'true';
    }
    // Jackson reads an integer into a boolean field: 0 is false, any other is true.
    if ((typeof value === 'number' && Number.isInteger(value)) || value instanceof BigIntegerValue) {
      const read = Number(value) !== 0;
      this.coerced(pointer, value, String(read));
      return read;
    }
    return this.fail(pointer, `expected true or false, found ${kindOf(value)}`);
  }

  array(value: JsonValue | undefined, pointer: string): JsonValue[] {
    if (value === null || value === undefined) return [];
    if (!Array.isArray(value)) return this.fail(pointer, `expected an array, found ${kindOf(value)}`);
    return value;
  }

  map(value: JsonValue | undefined, pointer: string): Record<string, JsonValue> {
    if (value === null || value === undefined) return {};
    if (!isObject(value)) return this.fail(pointer, `expected a JSON object, found ${kindOf(value)}`);
    return value;
  }

  stringList(value: JsonValue | undefined, pointer: string): string[] {
    return this.array(value, pointer).map((item, i) => {
      const text = this.string(item, `${pointer}/${i}`);
      if (text === null) this.fail(`${pointer}/${i}`, 'expected a string, found null');
      return text;
    });
  }

  bucket(value: JsonValue, pointer: string): TestBucket {
    const o = this.object(value, pointer, 'a bucket', BUCKET_KEYS);
    const bucket: TestBucket = { name: this.string(o.name, `${pointer}/name`) ?? '', value: this.int(o.value, `${pointer}/value`) };
    const description = this.string(o.description, `${pointer}/description`);
    if (description !== null) bucket.description = description;
    if (o.payload !== null && o.payload !== undefined) bucket.payload = this.payload(o.payload, `${pointer}/payload`);
    return bucket;
  }

  payload(value: JsonValue, pointer: string): Payload {
    const o = this.object(value, pointer, 'a payload', PAYLOAD_KEYS);
    const payload: Payload = {};
    if (isPresent(o, 'doubleValue')) payload.doubleValue = this.double(o.doubleValue, `${pointer}/doubleValue`);
    if (isPresent(o, 'doubleArray')) {
      payload.doubleArray = this.array(o.doubleArray, `${pointer}/doubleArray`).map((v, i) => this.double(v, `${pointer}/doubleArray/${i}`));
    }
    if (isPresent(o, 'longValue')) payload.longValue = this.long(o.longValue, `${pointer}/longValue`);
    if (isPresent(o, 'longArray')) {
      payload.longArray = this.array(o.longArray, `${pointer}/longArray`).map((v, i) => this.long(v, `${pointer}/longArray/${i}`));
    }
    if (isPresent(o, 'stringValue')) payload.stringValue = this.string(o.stringValue, `${pointer}/stringValue`) ?? '';
    if (isPresent(o, 'stringArray')) payload.stringArray = this.stringList(o.stringArray, `${pointer}/stringArray`);
    if (isPresent(o, 'map')) payload.map = this.map(o.map, `${pointer}/map`);
    // A JSON null here is Jackson's NullNode, a present value: the payload has type json and is written back as null.
    if (o.json !== undefined) payload.json = o.json;
    return payload;
  }

  allocation(value: JsonValue, pointer: string): Allocation {
    const o = this.object(value, pointer, 'an allocation', ALLOCATION_KEYS);
    return {
      rule: this.string(o.rule, `${pointer}/rule`),
      ranges: this.array(o.ranges, `${pointer}/ranges`).map((r, i) => this.range(r, `${pointer}/ranges/${i}`)),
      id: this.string(o.id, `${pointer}/id`) ?? '',
      name: this.string(o.name, `${pointer}/name`) ?? '',
    };
  }

  range(value: JsonValue, pointer: string): Range {
    const o = this.object(value, pointer, 'a range', RANGE_KEYS);
    return { bucketValue: this.int(o.bucketValue, `${pointer}/bucketValue`), length: this.double(o.length, `${pointer}/length`) };
  }

  dependency(value: JsonValue | undefined, pointer: string): TestDependency | null {
    if (value === null || value === undefined) return null;
    const o = this.object(value, pointer, 'dependsOn', DEPENDENCY_KEYS);
    return { testName: this.string(o.testName, `${pointer}/testName`) ?? '', bucketValue: this.int(o.bucketValue, `${pointer}/bucketValue`) };
  }

  experimentConfig(value: JsonValue | undefined, pointer: string): PayloadExperimentConfig | null {
    if (value === null || value === undefined) return null;
    const o = this.object(value, pointer, 'payloadExperimentConfig', EXPERIMENT_CONFIG_KEYS);
    // Proctor's PayloadExperimentConfig marks namespaces non-null: without it no Proctor reader accepts the file.
    if (o.namespaces === null || o.namespaces === undefined) {
      this.fail(`${pointer}/namespaces`, 'payloadExperimentConfig needs "namespaces" (a list of strings; use [] for none), or leave payloadExperimentConfig out');
    }
    return { priority: this.string(o.priority, `${pointer}/priority`), namespaces: this.stringList(o.namespaces, `${pointer}/namespaces`) };
  }

  /** Fields shared by TestDefinition and ConsumableTestDefinition. */
  common(o: JsonObject, base: string) {
    // Jackson calls setters in document order, so of `rule` and `subrule` the later one wins.
    let rule: string | null = null;
    for (const key of Object.keys(o)) {
      if (key === 'rule' || key === 'subrule') rule = this.string(o[key], `${base}/${key}`);
    }
    return {
      version: this.string(o.version, `${base}/version`),
      constants: this.map(o.constants, `${base}/constants`),
      salt: this.string(o.salt, `${base}/salt`),
      rule,
      buckets: this.array(o.buckets, `${base}/buckets`).map((b, i) => this.bucket(b, `${base}/buckets/${i}`)),
      allocations: this.array(o.allocations, `${base}/allocations`).map((a, i) => this.allocation(a, `${base}/allocations/${i}`)),
      silent: this.boolean(o.silent, `${base}/silent`),
      metaTags: this.stringList(o.metaTags, `${base}/metaTags`),
      testType: this.string(o.testType, `${base}/testType`),
      description: this.string(o.description, `${base}/description`),
      dependsOn: this.dependency(o.dependsOn, `${base}/dependsOn`),
      evaluateForIncognitoUsers: this.boolean(o.evaluateForIncognitoUsers, `${base}/evaluateForIncognitoUsers`),
      enableUnitlessAllocations: this.boolean(o.enableUnitlessAllocations, `${base}/enableUnitlessAllocations`),
      forceLogging: this.boolean(o.forceLogging, `${base}/forceLogging`),
      payloadExperimentConfig: this.experimentConfig(o.payloadExperimentConfig, `${base}/payloadExperimentConfig`),
    };
  }

  definition(value: JsonValue, base: string): TestDefinition {
    const o = this.object(value, base, 'a test definition', DEFINITION_KEYS);
    const c = this.common(o, base);
    return {
      version: c.version,
      constants: c.constants,
      specialConstants: this.map(o.specialConstants, `${base}/specialConstants`),
      salt: c.salt,
      rule: c.rule,
      buckets: c.buckets,
      allocations: c.allocations,
      silent: c.silent,
      metaTags: c.metaTags,
      testType: c.testType,
      description: c.description,
      dependsOn: c.dependsOn,
      evaluateForIncognitoUsers: c.evaluateForIncognitoUsers,
      enableUnitlessAllocations: c.enableUnitlessAllocations,
      forceLogging: c.forceLogging,
      payloadExperimentConfig: c.payloadExperimentConfig,
    };
  }

  consumable(value: JsonValue, base: string): ConsumableTestDefinition {
    const o = this.object(value, base, 'a test', CONSUMABLE_KEYS);
    const c = this.common(o, base);
    return {
      constants: c.constants,
      version: c.version,
      salt: c.salt,
      rule: c.rule,
      buckets: c.buckets,
      allocations: c.allocations,
      silent: c.silent,
      testType: c.testType,
      description: c.description,
      metaTags: c.metaTags,
      dependsOn: c.dependsOn,
      evaluateForIncognitoUsers: c.evaluateForIncognitoUsers,
      enableUnitlessAllocations: c.enableUnitlessAllocations,
      containsUnitlessAllocation: this.boolean(o.containsUnitlessAllocation, `${base}/containsUnitlessAllocation`),
      forceLogging: c.forceLogging,
      payloadExperimentConfig: c.payloadExperimentConfig,
      dynamic: this.boolean(o.dynamic, `${base}/dynamic`),
    };
  }
}

function parseText(text: string, what: string, maxDepth?: number): JsonValue {
  if (typeof text !== 'string') {
    throw new AppError('VALIDATION_FAILED', `Invalid ${what}: expected JSON text`);
  }
  try {
    // Like Jackson's readValue, the reader stops after the value: text after it is ignored (definitionReadWarnings).
    return parseJson(text, { maxDepth, allowTrailingText: true }).value;
  } catch (error) {
    if (error instanceof JsonParseError) {
      const where = error.pointer ? ` at ${error.pointer}` : '';
      throw new AppError('VALIDATION_FAILED', `Invalid ${what}${where}: ${error.message}`, {
        details: [{ path: error.pointer ?? '', message: error.message }],
        data: { line: error.line, column: error.column },
      });
    }
    throw error;
  }
}

/** Reads definition.json leniently (Serializers.lenient()): unknown keys ignored. */
export function parseDefinition(text: string): TestDefinition {
  // Files in the shape Proctor writes (nearly all) take native JSON.parse; the scanner reads the rest and words errors.
  const canonical = typeof text === 'string' ? adoptCanonicalDefinition(text) : null;
  if (canonical) return canonical;
  const value = parseText(text, 'test definition', MAX_DEFINITION_DEPTH);
  return new Reader(text, false, 'test definition').definition(value, '');
}

const BOM_WARNING =
  "The file starts with a byte-order mark (BOM). Proctor's readers skip it but its builder refuses the file; saving writes it without one.";

/**
 * What reading `text` leniently (parseDefinition) changes, as warnings for the editor: a byte-order mark, text after
 * the definition, and values read as Proctor's Jackson reads them rather than as written (`"silent": 1` → true, a
 * bucket value 1.5 → 1). Empty for a file in the shape Proctor writes, and for text that does not parse (parsing
 * reports that).
 */
export function definitionReadWarnings(text: string): ValidationIssue[] {
  const notes: ValidationIssue[] = [];
  if (typeof text !== 'string') return notes;
  if (text.charCodeAt(0) === 0xfeff) notes.push({ path: '', severity: 'warning', message: BOM_WARNING });
  let parsed;
  try {
    parsed = parseJson(text, { allowTrailingText: true });
  } catch {
    return notes;
  }
  if (parsed.trailingTextAt !== undefined) {
    const { line, column } = locate(text, parsed.trailingTextAt);
    notes.push({
      path: '',
      severity: 'warning',
      message: `The text after the definition (from line ${line}, column ${column}) is ignored, as Proctor's reader does; saving removes it.`,
    });
  }
  try {
    new Reader(text, false, 'test definition', notes).definition(parsed.value, '');
  } catch {
    // Not a definition: parseDefinition reports why.
  }
  return notes;
}

/** Reads a definition like the webapp's edit submission (Serializers.strict()): an unknown key anywhere is an error. */
export function parseDefinitionStrict(text: string): TestDefinition {
  const value = parseText(text, 'test definition', MAX_DEFINITION_DEPTH);
  return new Reader(text, true, 'test definition').definition(value, '');
}

/** Converts an already parsed JSON value (e.g. from an API body) into a TestDefinition. */
export function readDefinition(value: JsonValue, options: { strict?: boolean } = {}): TestDefinition {
  const reader = new Reader('', options.strict === true, 'test definition');
  // The same depth limit as for the text, before anything walks the value.
  const tooDeep = findTooDeep(value, MAX_DEFINITION_DEPTH);
  if (tooDeep !== null) reader.fail(tooDeep, tooDeepMessage(MAX_DEFINITION_DEPTH));
  return reader.definition(value, '');
}

/** Reads one test of a test matrix (ConsumableTestDefinition) leniently. */
export function parseConsumableDefinition(text: string): ConsumableTestDefinition {
  const value = parseText(text, 'test');
  return new Reader(text, false, 'test').consumable(value, '');
}

/**
 * Reads a test matrix artifact leniently. `audit.version` may be a legacy number; `updatedDate` is derived from
 * `updated` as Audit.setUpdated does, unless the file states one.
 */
export function parseMatrix(text: string): TestMatrixArtifact {
  const value = parseText(text, 'test matrix');
  const reader = new Reader(text, false, 'test matrix');
  const root = reader.object(value, '', 'a test matrix', ['audit', 'tests']);
  const auditJson = root.audit === undefined || root.audit === null ? {} : reader.object(root.audit, '/audit', 'audit', []);
  const updated = reader.integer(auditJson.updated, '/audit/updated', -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 0);
  const audit: Audit = {
    version: reader.string(auditJson.version, '/audit/version') ?? '',
    updated,
    updatedDate: reader.string(auditJson.updatedDate, '/audit/updatedDate') ?? formatAuditDate(updated),
    updatedBy: reader.string(auditJson.updatedBy, '/audit/updatedBy') ?? '',
  };
  const testsJson = reader.map(root.tests, '/tests');
  const tests: Record<string, ConsumableTestDefinition> = {};
  for (const [name, test] of Object.entries(testsJson)) {
    setOwn(tests, name, reader.consumable(test, `/tests/${escapePointerToken(name)}`));
  }
  return { audit, tests };
}

/** Reads an application's Proctor specification leniently (comments allowed, unknown keys ignored). */
export function parseSpecification(text: string): ProctorSpecification {
  const value = parseText(text, 'specification');
  const reader = new Reader(text, false, 'specification');
  const root = reader.object(value, '', 'a specification', ['tests', 'providedContext', 'dynamicFilters']);
  const spec: ProctorSpecification = {};
  if (root.tests !== undefined && root.tests !== null) {
    spec.tests = {};
    for (const [name, raw] of Object.entries(reader.map(root.tests, '/tests'))) {
      const base = `/tests/${escapePointerToken(name)}`;
      const o = reader.object(raw, base, 'a test specification', []);
      const test: TestSpecification = { fallbackValue: reader.integer(o.fallbackValue, `${base}/fallbackValue`, INT_MIN, INT_MAX, -1) };
      if (o.buckets !== undefined && o.buckets !== null) {
        test.buckets = {};
        for (const [bucket, v] of Object.entries(reader.map(o.buckets, `${base}/buckets`))) {
          setOwn(test.buckets, bucket, reader.int(v, `${base}/buckets/${escapePointerToken(bucket)}`));
        }
      }
      if (o.payload !== undefined && o.payload !== null) {
        const p = reader.object(o.payload, `${base}/payload`, 'a payload specification', []);
        test.payload = {
          type: reader.string(p.type, `${base}/payload/type`) ?? '',
          schema: p.schema === undefined || p.schema === null ? null : Object.fromEntries(
            Object.entries(reader.map(p.schema, `${base}/payload/schema`)).map(([k, v]) => [k, reader.string(v, `${base}/payload/schema/${escapePointerToken(k)}`) ?? '']),
          ),
          validator: reader.string(p.validator, `${base}/payload/validator`),
          allowForce: reader.boolean(p.allowForce, `${base}/payload/allowForce`),
        };
      }
      if (o.description !== undefined) test.description = reader.string(o.description, `${base}/description`);
      setOwn(spec.tests as Record<string, unknown>, name, test);
    }
  }
  if (root.providedContext !== undefined && root.providedContext !== null) {
    spec.providedContext = {};
    for (const [k, v] of Object.entries(reader.map(root.providedContext, '/providedContext'))) {
      setOwn(spec.providedContext, k, reader.string(v, `/providedContext/${escapePointerToken(k)}`) ?? '');
    }
  }
  if (root.dynamicFilters !== undefined && root.dynamicFilters !== null) {
    spec.dynamicFilters = reader.array(root.dynamicFilters, '/dynamicFilters').map((f, i) => {
      const o = reader.object(f, `/dynamicFilters/${i}`, 'a dynamic filter', []);
      const type = reader.string(o.type, `/dynamicFilters/${i}/type`);
      if (type === null) return reader.fail(`/dynamicFilters/${i}/type`, 'a dynamic filter needs a "type"');
      return { ...o, type };
    });
  }
  return spec;
}
