import { ALLOCATION_KEYS, BUCKET_KEYS, DEFINITION_KEYS, DEPENDENCY_KEYS, EXPERIMENT_CONFIG_KEYS, PAYLOAD_KEYS, RANGE_KEYS } from './definition-keys';
import { MAX_DEFINITION_DEPTH } from './json-depth';
import { DoubleValue, type JsonValue, type TestDefinition } from './model';

/**
 * The fast path of parseDefinition: a definition.json in the shape Proctor (and this app) writes it, read with V8's
 * native JSON.parse and adopted as the TestDefinition itself — checked in place, no second copy of every object.
 * About twice as fast as the scanner and its Reader on a cold listing of 5,000 definitions.
 *
 * It answers only when the result is exactly what the scanner and Reader give (same values, same number kinds, same
 * key order): every value has the type the model holds, with no coercion to do, and every object below the root has
 * the model's keys in the model's order. Anything else — `"version": 1`, `"silent": "true"`, a bucket without a name,
 * a comment, `-0`, an integer too large to keep exactly, a number JSON.parse cannot tell `1` from `1.0` for, any
 * invalid text — returns null, and the scanner decides.
 */

type JsonObject = { [key: string]: JsonValue };

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/** TestDefinition's fields (any other key is ignored, as the lenient Reader does; `subrule` is declined). */
const ROOT_KEYS = new Set<string>(DEFINITION_KEYS.filter((key) => key !== 'subrule'));
/** The key sequences a bucket may have: description and payload only when not null. */
const BUCKET_KEY_SEQUENCES = [BUCKET_KEYS, BUCKET_KEYS.slice(0, 3), [BUCKET_KEYS[0], BUCKET_KEYS[1], BUCKET_KEYS[3]], BUCKET_KEYS.slice(0, 2)];

/**
 * Nesting of raw values below which the definition depth limit cannot be reached: a raw value at depth 1 sits at most
 * at level 5 of the definition (a bucket's payload map), so anything deeper than this goes to the scanner, which refuses
 * it with the limit and the place (JSON.parse itself is iterative and safe on any nesting).
 */
const RAW_MAX_DEPTH = MAX_DEFINITION_DEPTH - 10;

/** Every number literal written with a fraction or an exponent (a DoubleValue for the scanner). */
const DOUBLE_LITERAL = /\d+(?:\.\d+(?:[eE][-+]?\d+)?|[eE][-+]?\d+)/g;

/** Thrown inside the checks: the scanner must decide. */
const NOT_CANONICAL = Object.freeze({ reason: 'not canonical' });

function isRecord(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Exactly these own keys, in this order (for-in: JSON.parse objects inherit no enumerable keys; no array per call). */
function hasKeys(o: JsonObject, keys: readonly string[]): boolean {
  let i = 0;
  for (const key in o) if (key !== keys[i++]) return false;
  return i === keys.length;
}

function hasKeysOfOne(o: JsonObject, sequences: ReadonlyArray<readonly string[]>): boolean {
  for (const keys of sequences) if (hasKeys(o, keys)) return true;
  return false;
}

/** A number JSON.parse gives that the scanner would have read differently or refused. */
function isLossy(value: number): boolean {
  return !Number.isFinite(value) || Object.is(value, -0) || (Number.isInteger(value) && !Number.isSafeInteger(value));
}

/** Absent, null or a string: what the Reader keeps without coercing. */
function isOptionalString(value: JsonValue | undefined): boolean {
  return value === undefined || value === null || typeof value === 'string';
}

function isStringList(value: JsonValue | undefined): boolean {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (typeof item !== 'string') return false;
  return true;
}

function isInt(value: JsonValue | undefined): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= INT_MIN && value <= INT_MAX && !Object.is(value, -0);
}

function isLong(value: JsonValue | undefined): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && !Object.is(value, -0);
}

function isDouble(value: JsonValue | undefined): boolean {
  return typeof value === 'number' && !isLossy(value);
}

class Adopter {
  /** Absolute values of integers inside raw values (constants, payload maps): written `5` or `5.0`? See kindsKnown. */
  private ambiguous: Set<number> | null = null;

  constructor(private readonly text: string) {}

  /**
   * True when every integer kept in a raw value was written as an integer. It was unless the text holds a double
   * literal of the same value (`5.0` or `5e0` for 5); a match inside a string only costs a needless rescan.
   */
  kindsKnown(): boolean {
    const ambiguous = this.ambiguous;
    if (!ambiguous) return true;
    DOUBLE_LITERAL.lastIndex = 0;
    for (let m = DOUBLE_LITERAL.exec(this.text); m; m = DOUBLE_LITERAL.exec(this.text)) {
      const value = Number(m[0]);
      if (Number.isInteger(value) && ambiguous.has(value)) return false;
    }
    return true;
  }

  /** A raw value as the scanner gives it, converted in place: a non-integer can only have been written as a double. */
  raw(value: JsonValue, depth: number): JsonValue {
    if (typeof value === 'number') {
      if (isLossy(value)) throw NOT_CANONICAL;
      if (!Number.isInteger(value)) return new DoubleValue(value);
      (this.ambiguous ??= new Set()).add(Math.abs(value));
      return value;
    }
    if (value === null || typeof value !== 'object') return value;
    if (depth > RAW_MAX_DEPTH) throw NOT_CANONICAL;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = this.raw(value[i], depth + 1);
    } else {
      const record = value as JsonObject;
      for (const key in record) record[key] = this.raw(record[key], depth + 1);
    }
    return value;
  }

  /** A value under a key Proctor ignores: the scanner would still refuse a lossy number or too deep a nesting. */
  ignored(value: JsonValue, depth: number): void {
    if (typeof value === 'number') {
      if (isLossy(value)) throw NOT_CANONICAL;
    } else if (value !== null && typeof value === 'object') {
      if (depth > RAW_MAX_DEPTH) throw NOT_CANONICAL;
      if (Array.isArray(value)) for (const item of value) this.ignored(item, depth + 1);
      else for (const key in value) this.ignored((value as JsonObject)[key], depth + 1);
    }
  }

  rawMap(value: JsonValue | undefined): void {
    if (!isRecord(value)) throw NOT_CANONICAL;
    this.raw(value, 1);
  }

  payload(value: JsonValue | undefined): void {
    if (!isRecord(value)) throw NOT_CANONICAL;
    let next = 0;
    for (const key in value) {
      // Known keys only, each once, in the Reader's order (PAYLOAD_KEYS), none null (the Reader leaves null ones out).
      const at = PAYLOAD_KEYS.indexOf(key, next);
      if (at < 0) throw NOT_CANONICAL;
      next = at + 1;
      const field = value[key];
      let ok: boolean;
      switch (key) {
        case 'doubleValue': ok = isDouble(field); break;
        case 'doubleArray': ok = Array.isArray(field) && field.every(isDouble); break;
        case 'longValue': ok = isLong(field); break;
        case 'longArray': ok = Array.isArray(field) && field.every(isLong); break;
        case 'stringValue': ok = typeof field === 'string'; break;
        case 'stringArray': ok = isStringList(field); break;
        case 'map': ok = isRecord(field); if (ok) this.raw(field, 1); break;
        default: ok = field !== null; if (ok) value[key] = this.raw(field, 1); break; // json
      }
      if (!ok) throw NOT_CANONICAL;
    }
  }

  bucket(value: JsonValue): void {
    if (!isRecord(value)) throw NOT_CANONICAL;
    // name, value, then description and payload when not null (the Reader leaves null ones out).
    if (!hasKeysOfOne(value, BUCKET_KEY_SEQUENCES)) {
      throw NOT_CANONICAL;
    }
    if (typeof value.name !== 'string' || !isInt(value.value)) throw NOT_CANONICAL;
    if ('description' in value && typeof value.description !== 'string') throw NOT_CANONICAL;
    if ('payload' in value) this.payload(value.payload);
  }

  allocation(value: JsonValue): void {
    if (!isRecord(value) || !hasKeys(value, ALLOCATION_KEYS)) throw NOT_CANONICAL;
    if (!isOptionalString(value.rule) || typeof value.id !== 'string' || typeof value.name !== 'string') throw NOT_CANONICAL;
    if (!Array.isArray(value.ranges)) throw NOT_CANONICAL;
    for (const range of value.ranges) {
      if (!isRecord(range) || !hasKeys(range, RANGE_KEYS) || !isInt(range.bucketValue) || !isDouble(range.length)) throw NOT_CANONICAL;
    }
  }

  /** Absent or null raw map: the Reader's `{}`. */
  optionalMap(value: JsonValue | undefined): Record<string, JsonValue> {
    if (value === undefined || value === null) return {};
    this.rawMap(value);
    return value as JsonObject;
  }

  optionalFlag(value: JsonValue | undefined): boolean {
    if (value === undefined || value === null) return false;
    if (typeof value !== 'boolean') throw NOT_CANONICAL; // "true" as a string: the Reader coerces
    return value;
  }

  /**
   * The root is built anew, in the Reader's key order with its defaults for absent or null fields (older Proctor
   * versions and hand-written files leave many out): one object. Everything below it is adopted as JSON.parse made it.
   */
  definition(value: JsonValue): TestDefinition {
    if (!isRecord(value)) throw NOT_CANONICAL;
    const o = value;
    for (const key in o) {
      if (ROOT_KEYS.has(key)) continue;
      if (key === 'subrule') throw NOT_CANONICAL; // the legacy name of rule: which one wins depends on key order
      this.ignored(o[key], 1);
    }
    const { version, salt, rule, testType, description, buckets, allocations, metaTags, dependsOn } = o;
    if (!isOptionalString(version) || !isOptionalString(salt) || !isOptionalString(rule)) throw NOT_CANONICAL;
    if (!isOptionalString(testType) || !isOptionalString(description)) throw NOT_CANONICAL;
    if (buckets != null) {
      if (!Array.isArray(buckets)) throw NOT_CANONICAL;
      for (const bucket of buckets) this.bucket(bucket);
    }
    if (allocations != null) {
      if (!Array.isArray(allocations)) throw NOT_CANONICAL;
      for (const allocation of allocations) this.allocation(allocation);
    }
    if (metaTags != null && !isStringList(metaTags)) throw NOT_CANONICAL;
    if (dependsOn != null && !(isRecord(dependsOn) && hasKeys(dependsOn, DEPENDENCY_KEYS) && typeof dependsOn.testName === 'string' && isInt(dependsOn.bucketValue))) {
      throw NOT_CANONICAL;
    }
    const config = o.payloadExperimentConfig;
    if (config != null && !(isRecord(config) && hasKeys(config, EXPERIMENT_CONFIG_KEYS) && isOptionalString(config.priority) && isStringList(config.namespaces))) {
      throw NOT_CANONICAL;
    }
    return {
      version: (version as string | undefined) ?? null,
      constants: this.optionalMap(o.constants),
      specialConstants: this.optionalMap(o.specialConstants),
      salt: (salt as string | undefined) ?? null,
      rule: (rule as string | undefined) ?? null,
      buckets: (buckets ?? []) as unknown as TestDefinition['buckets'],
      allocations: (allocations ?? []) as unknown as TestDefinition['allocations'],
      silent: this.optionalFlag(o.silent),
      metaTags: (metaTags ?? []) as string[],
      testType: (testType as TestDefinition['testType'] | undefined) ?? null,
      description: (description as string | undefined) ?? null,
      dependsOn: (dependsOn ?? null) as unknown as TestDefinition['dependsOn'],
      evaluateForIncognitoUsers: this.optionalFlag(o.evaluateForIncognitoUsers),
      enableUnitlessAllocations: this.optionalFlag(o.enableUnitlessAllocations),
      forceLogging: this.optionalFlag(o.forceLogging),
      payloadExperimentConfig: (config ?? null) as unknown as TestDefinition['payloadExperimentConfig'],
    };
  }
}

/** The definition in `text` when it is in canonical shape (see above), else null: parse it with the scanner. */
export function adoptCanonicalDefinition(text: string): TestDefinition | null {
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch {
    return null;
  }
  const adopter = new Adopter(text);
  try {
    const definition = adopter.definition(value);
    return adopter.kindsKnown() ? definition : null;
  } catch (error) {
    if (error === NOT_CANONICAL) return null;
    throw error;
  }
}
