/**
 * Proctor's data model, field for field (FACTS §1.2, §1.4, §1.5). Property order in these interfaces is the
 * order Proctor's Jackson serializer writes them in; serialize.ts relies on that order, not on these types.
 */

/** Registered test types (model/TestType.java). Any other string is accepted as an unregistered type. */
export const REGISTERED_TEST_TYPES = ['USER', 'ACCOUNT', 'EMAIL', 'RANDOM', 'PAGE', 'COMPANY'] as const;
export type TestType = string;

export function isRegisteredTestType(type: string | null | undefined): boolean {
  return REGISTERED_TEST_TYPES.includes(type as (typeof REGISTERED_TEST_TYPES)[number]);
}

/** Proctor's words for an unregistered type (ProctorUtils.verifyRequiredTest, checked by `real-proctor load`). */
export function unknownTestTypeMessage(testName: string, type: string | null): string {
  return `Test '${testName}' is included in the application specification but refers to unknown id type '${type}'.`;
}

/** A JSON number that Proctor reads as a Java Double even when it has no fraction ("1.0"). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue } | DoubleValue | BigIntegerValue;

/**
 * Wraps a number that was written with a fraction or exponent in the source JSON (e.g. `1.0` inside `constants` or a
 * `json` payload), so that re-serialising writes `1.0` again as Jackson does for Double values.
 */
const DOUBLE_VALUE_BRAND = Symbol.for('proctor-studio.DoubleValue');

export class DoubleValue {
  /**
   * Next.js bundles lib/ once per entry (instrumentation.ts, where the store lives, and each route), so a definition
   * read by one copy is written by another: `instanceof` checks a process-wide brand, not the class identity, or a
   * double constant would be written as `{ "value" : 1.0 }`.
   */
  static [Symbol.hasInstance](candidate: unknown): boolean {
    return typeof candidate === 'object' && candidate !== null && (candidate as { [DOUBLE_VALUE_BRAND]?: unknown })[DOUBLE_VALUE_BRAND] === true;
  }

  constructor(public readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
  toJSON(): number {
    return this.value;
  }
}
// On the prototype, not each instance: a listing creates tens of thousands of DoubleValues.
Object.defineProperty(DoubleValue.prototype, DOUBLE_VALUE_BRAND, { value: true });

/**
 * An integer literal beyond ±(2^53 - 1), which a JS number cannot hold exactly: Jackson reads it as a Long (or a
 * BigInteger past 64 bits) and writes its digits back unchanged, so it is kept as a bigint. Branded like DoubleValue.
 */
const BIG_INTEGER_BRAND = Symbol.for('proctor-studio.BigIntegerValue');

export class BigIntegerValue {
  static [Symbol.hasInstance](candidate: unknown): boolean {
    return typeof candidate === 'object' && candidate !== null && (candidate as { [BIG_INTEGER_BRAND]?: unknown })[BIG_INTEGER_BRAND] === true;
  }

  constructor(public readonly value: bigint) {}
  valueOf(): number {
    return Number(this.value);
  }
  toString(): string {
    return this.value.toString();
  }
  toJSON(): number {
    return Number(this.value);
  }
}
Object.defineProperty(BigIntegerValue.prototype, BIG_INTEGER_BRAND, { value: true });

/** Exactly one field is set (model/Payload.java). Order = PayloadType enum order. */
export interface Payload {
  doubleValue?: number;
  doubleArray?: number[];
  /** A Java long: a BigIntegerValue beyond ±(2^53 - 1). */
  longValue?: number | BigIntegerValue;
  longArray?: Array<number | BigIntegerValue>;
  stringValue?: string;
  stringArray?: string[];
  map?: Record<string, JsonValue>;
  /** `null` here is a present JSON null (Jackson's NullNode: a payload of type json), unlike an absent field. */
  json?: JsonValue;
}
export const PAYLOAD_TYPES = ['doubleValue', 'doubleArray', 'longValue', 'longArray', 'stringValue', 'stringArray', 'map', 'json'] as const;
export type PayloadType = (typeof PAYLOAD_TYPES)[number];

export interface TestBucket {
  name: string;
  value: number;
  /** Omitted from JSON when null/undefined. */
  description?: string | null;
  /** Omitted from JSON when null/undefined. */
  payload?: Payload | null;
}

export interface Range {
  bucketValue: number;
  /** Fraction of 1 (a Java double). */
  length: number;
}

export interface Allocation {
  rule: string | null;
  ranges: Range[];
  /** Webapp format `#<LETTERS><version>`, e.g. `#A1`; `""` when unset. */
  id: string;
  name: string;
}

export interface TestDependency {
  testName: string;
  bucketValue: number;
}

export interface PayloadExperimentConfig {
  priority: string | null;
  namespaces: string[];
}

/** definition.json (model/TestDefinition.java). */
export interface TestDefinition {
  version: string | null;
  constants: Record<string, JsonValue>;
  specialConstants: Record<string, JsonValue>;
  salt: string | null;
  rule: string | null;
  buckets: TestBucket[];
  allocations: Allocation[];
  silent: boolean;
  metaTags: string[];
  testType: TestType | null;
  description: string | null;
  dependsOn: TestDependency | null;
  evaluateForIncognitoUsers: boolean;
  enableUnitlessAllocations: boolean;
  forceLogging: boolean;
  payloadExperimentConfig: PayloadExperimentConfig | null;
}

/** A test as it appears in a test matrix artifact (model/ConsumableTestDefinition.java). */
export interface ConsumableTestDefinition {
  constants: Record<string, JsonValue>;
  version: string | null;
  salt: string | null;
  rule: string | null;
  buckets: TestBucket[];
  allocations: Allocation[];
  silent: boolean;
  testType: TestType | null;
  description: string | null;
  metaTags: string[];
  dependsOn: TestDependency | null;
  evaluateForIncognitoUsers: boolean;
  enableUnitlessAllocations: boolean;
  containsUnitlessAllocation: boolean;
  forceLogging: boolean;
  payloadExperimentConfig: PayloadExperimentConfig | null;
  dynamic: boolean;
}

export interface Audit {
  version: string;
  /** Epoch milliseconds. */
  updated: number;
  /** `yyyy-MM-dd'T'HH:mmZ` in US/Central; "" when updated <= 0. */
  updatedDate: string;
  updatedBy: string;
}

export interface TestMatrixArtifact {
  audit: Audit;
  tests: Record<string, ConsumableTestDefinition>;
}

/** One problem found in a definition. `path` is a JSON pointer into the definition ("" = the whole test). */
export interface ValidationIssue {
  path: string;
  message: string;
  severity: 'error' | 'warning';
}

/** An application's Proctor specification (proctor-specification JSON). */
export interface PayloadSpecification {
  type: string;
  schema?: Record<string, string> | null;
  validator?: string | null;
  allowForce?: boolean;
}
export interface TestSpecification {
  fallbackValue?: number;
  buckets?: Record<string, number>;
  payload?: PayloadSpecification | null;
  description?: string | null;
}
export interface DynamicFilter {
  type: string;
  [key: string]: unknown;
}
export interface ProctorSpecification {
  tests?: Record<string, TestSpecification>;
  providedContext?: Record<string, string>;
  dynamicFilters?: DynamicFilter[];
}

/** The bucket chosen for one test by determineGroups. */
export interface ChosenBucket {
  name: string;
  value: number;
  payload?: Payload;
}
