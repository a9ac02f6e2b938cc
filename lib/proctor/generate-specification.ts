/**
 * SpecificationGenerator.generateSpecification (FACTS §6.2, the webapp's Specification tab): the TestSpecification an
 * application would copy for a definition.
 */
import { BigIntegerValue, DoubleValue, type JsonValue, type Payload, type PayloadSpecification, type TestDefinition, type TestSpecification } from './model';

const PAYLOAD_TYPES = ['doubleValue', 'doubleArray', 'longValue', 'longArray', 'stringValue', 'stringArray', 'map', 'json'] as const;
type PayloadTypeName = (typeof PAYLOAD_TYPES)[number];

/** Payload.fetchPayloadType: the first set field in PayloadType order. */
function fetchPayloadType(p: Payload): PayloadTypeName | null {
  for (const t of PAYLOAD_TYPES) if (p[t] !== undefined && p[t] !== null) return t;
  return null;
}

/** PayloadType enum constant name (what Java prints for the enum): doubleValue → DOUBLE_VALUE. */
function enumName(t: string): string {
  return t.replace(/([A-Z])/g, '_$1').toUpperCase();
}

function isIntegral(v: unknown): boolean {
  return (typeof v === 'number' && Number.isInteger(v)) || v instanceof BigIntegerValue;
}

/** PayloadType.payloadTypeForValue for a map value (Jackson: 1 → Long, 1.0 → Double). */
function typeForValue(value: JsonValue): PayloadTypeName {
  if (typeof value === 'string') return 'stringValue';
  if (value instanceof DoubleValue) return 'doubleValue';
  if (typeof value === 'number' || value instanceof BigIntegerValue) return isIntegral(value) ? 'longValue' : 'doubleValue';
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) return 'stringArray';
    if (value.every((v) => v instanceof DoubleValue || (typeof v === 'number' && !Number.isInteger(v)))) return 'doubleArray';
    if (value.every((v) => isIntegral(v))) return 'longArray';
    if (value.every((v) => typeof v === 'number' || v instanceof DoubleValue || v instanceof BigIntegerValue)) return 'doubleArray';
  }
  throw new Error(`Cannot infer payload type for value ${JSON.stringify(value)}`);
}

function mapSchema(payloads: Payload[]): Record<string, string> | null {
  const schema: Record<string, PayloadTypeName> = {};
  const emptyListKeys = new Set<string>();
  for (const p of payloads) {
    for (const [key, value] of Object.entries(p.map ?? {})) {
      if (Array.isArray(value) && value.length === 0) {
        emptyListKeys.add(key);
        continue;
      }
      const type = typeForValue(value);
      const before = schema[key];
      if (before === undefined || before === type) schema[key] = type;
      else if (['longValue', 'doubleValue'].includes(before) && ['longValue', 'doubleValue'].includes(type)) schema[key] = 'doubleValue';
      else if (['longArray', 'doubleArray'].includes(before) && ['longArray', 'doubleArray'].includes(type)) schema[key] = 'doubleArray';
      else throw new Error(`Ambiguous map schema for key ${key}: ${enumName(before)} != ${enumName(type)}`);
    }
  }
  for (const key of emptyListKeys) {
    if (!schema[key]?.endsWith('Array')) throw new Error(`Cannot infer map schema type for key ${key}`);
  }
  return Object.keys(schema).length === 0 ? null : schema;
}

/** Throws (as Proctor does) when buckets carry incompatible payload types or a map key's type cannot be inferred. */
export function generateSpecification(def: TestDefinition): TestSpecification {
  const sorted = [...(def.buckets ?? [])].sort((a, b) => a.value - b.value);
  const spec: TestSpecification = {};
  let fallbackValue = -1;
  if (sorted.length > 0) {
    fallbackValue = sorted[0].value;
    const payloads = sorted.map((b) => b.payload).filter((p): p is Payload => p != null);
    const types = [...new Set(payloads.map(fetchPayloadType).filter((t): t is PayloadTypeName => t !== null))];
    if (types.length > 1) throw new Error(`Payloads not compatible: [${types.map(enumName).join(', ')}]`);
    if (types.length === 1) {
      const payload: PayloadSpecification = { type: types[0] };
      if (types[0] === 'map') {
        const schema = mapSchema(payloads);
        if (schema) payload.schema = schema;
      }
      spec.payload = payload;
    }
  }
  const buckets: Record<string, number> = {};
  for (const b of sorted) buckets[b.name] = b.value;
  spec.buckets = buckets;
  spec.description = def.description;
  spec.fallbackValue = fallbackValue;
  return spec;
}
