import { BigIntegerValue, DoubleValue, type Allocation, type Audit, type ConsumableTestDefinition, type JsonValue, type Payload, type TestBucket, type TestDefinition, type TestMatrixArtifact } from './model';
import { RawJson, formatPlainDouble, javaDoubleToString, serializeJson, setOwn, type WritableJson } from './json';

/**
 * Proctor's exact bytes (FACTS §1.3): keys in Java field order, nulls written for TestDefinition/Allocation fields and
 * omitted for TestBucket.description/payload and Payload fields, doubles through PlainNumericSerializer.
 */

/** A Java `double` field: always written with a fraction (`1` → `1.0`). */
function dbl(value: number): RawJson {
  return new RawJson(formatPlainDouble(value));
}

/** Doubles inside a `json` payload are Jackson JsonNodes, which bypass PlainNumericSerializer (Double.toString). */
function jsonNode(value: JsonValue): WritableJson {
  if (value instanceof DoubleValue) return new RawJson(javaDoubleToString(value.value));
  if (value instanceof BigIntegerValue) return value;
  if (Array.isArray(value)) return value.map(jsonNode);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, WritableJson> = {};
    for (const [k, v] of Object.entries(value)) setOwn(out, k, jsonNode(v));
    return out;
  }
  return value;
}

/** A payload as Proctor writes it (also how its client hands payloads out). */
export function payloadToJson(p: Payload): WritableJson {
  return {
    doubleValue: p.doubleValue == null ? undefined : dbl(p.doubleValue),
    doubleArray: p.doubleArray == null ? undefined : p.doubleArray.map(dbl),
    longValue: p.longValue ?? undefined,
    longArray: p.longArray ?? undefined,
    stringValue: p.stringValue ?? undefined,
    stringArray: p.stringArray ?? undefined,
    map: p.map ?? undefined,
    json: p.json === undefined ? undefined : jsonNode(p.json), // null: Jackson's NullNode, written as null
  };
}

function bucketJson(b: TestBucket): WritableJson {
  return {
    name: b.name,
    value: b.value,
    description: b.description ?? undefined,
    payload: b.payload == null ? undefined : payloadToJson(b.payload),
  };
}

function allocationJson(a: Allocation): WritableJson {
  return {
    rule: a.rule ?? null,
    ranges: a.ranges.map((r) => ({ bucketValue: r.bucketValue, length: dbl(r.length) })),
    id: a.id ?? '',
    name: a.name ?? '',
  };
}

function dependencyJson(def: { dependsOn: TestDefinition['dependsOn'] }): WritableJson {
  return def.dependsOn == null ? null : { testName: def.dependsOn.testName, bucketValue: def.dependsOn.bucketValue };
}

function experimentConfigJson(def: { payloadExperimentConfig: TestDefinition['payloadExperimentConfig'] }): WritableJson {
  const c = def.payloadExperimentConfig;
  return c == null ? null : { priority: c.priority ?? null, namespaces: c.namespaces ?? [] };
}

/** The ordered JSON tree of a TestDefinition (TestDefinition.java field order). */
export function definitionToJson(def: TestDefinition): WritableJson {
  return {
    version: def.version ?? null,
    constants: def.constants ?? {},
    specialConstants: def.specialConstants ?? {},
    salt: def.salt ?? null,
    rule: def.rule ?? null,
    buckets: def.buckets.map(bucketJson),
    allocations: def.allocations.map(allocationJson),
    silent: def.silent,
    metaTags: def.metaTags ?? [],
    testType: def.testType ?? null,
    description: def.description ?? null,
    dependsOn: dependencyJson(def),
    evaluateForIncognitoUsers: def.evaluateForIncognitoUsers,
    enableUnitlessAllocations: def.enableUnitlessAllocations,
    forceLogging: def.forceLogging,
    payloadExperimentConfig: experimentConfigJson(def),
  };
}

/** The ordered JSON tree of a ConsumableTestDefinition (ConsumableTestDefinition.java field order). */
export function consumableToJson(def: ConsumableTestDefinition): WritableJson {
  return {
    constants: def.constants ?? {},
    version: def.version ?? null,
    salt: def.salt ?? null,
    rule: def.rule ?? null,
    buckets: def.buckets.map(bucketJson),
    allocations: def.allocations.map(allocationJson),
    silent: def.silent,
    testType: def.testType ?? null,
    description: def.description ?? null,
    metaTags: def.metaTags ?? [],
    dependsOn: dependencyJson(def),
    evaluateForIncognitoUsers: def.evaluateForIncognitoUsers,
    enableUnitlessAllocations: def.enableUnitlessAllocations,
    containsUnitlessAllocation: def.containsUnitlessAllocation,
    forceLogging: def.forceLogging,
    payloadExperimentConfig: experimentConfigJson(def),
    dynamic: def.dynamic,
  };
}

function auditJson(audit: Audit): WritableJson {
  return { version: audit.version, updated: audit.updated, updatedDate: audit.updatedDate, updatedBy: audit.updatedBy };
}

/** definition.json exactly as Proctor's FileBasedProctorStore writes it (no trailing newline). */
export function serializeDefinition(def: TestDefinition): string {
  return serializeJson(definitionToJson(def));
}

/** One matrix test (ConsumableTestDefinition) as Proctor writes it. */
export function serializeConsumableDefinition(def: ConsumableTestDefinition): string {
  return serializeJson(consumableToJson(def));
}

/** A test matrix artifact (TestMatrixArtifact: audit, tests) as the builder writes it. */
export function serializeMatrix(artifact: TestMatrixArtifact): string {
  const tests: Record<string, WritableJson> = {};
  for (const [name, test] of Object.entries(artifact.tests)) setOwn(tests, name, consumableToJson(test));
  return serializeJson({ audit: auditJson(artifact.audit), tests });
}

export { serializeJson };
