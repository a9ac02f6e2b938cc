import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { ErrorDetail } from '@/lib/errors';
import definitionSchema from '../../schemas/test-definition.schema.json';
import matrixSchema from '../../schemas/test-matrix.schema.json';
import specificationSchema from '../../schemas/proctor-specification.schema.json';
import { escapePointerToken } from './json';
import { BigIntegerValue, DoubleValue, type JsonValue, type ValidationIssue } from './model';

/**
 * JSON Schema checks, the one place the project runs ajv: the request bodies of the HTTP API and the raw JSON of
 * definitions, matrices and specifications (before it is read into the model). One ajv instance, one translator of its
 * errors into problems a user can act on, each with a JSON pointer, and one sentence for a list of them. Runs in the
 * browser and in node. The schemas in schemas/ reject unknown keys, like the webapp's strict parse; Proctor's lenient
 * reader (parseDefinition) would ignore them.
 */

export type JsonSchema = Record<string, unknown>;

let ajv: Ajv | undefined;
const compiled = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: object): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    ajv ??= new Ajv({ allErrors: true, strict: false });
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
}

function articled(type: string | string[]): string {
  const list = Array.isArray(type) ? type : type.split(',');
  return `${/^[aeiou]/.test(list[0]) ? 'an' : 'a'} ${list.join(' or ')}`;
}

/** One ajv error → the pointer it concerns and what is wrong there, in words ("unknown field 'x'", "must be a string"). */
export function describeSchemaError(error: ErrorObject): ErrorDetail {
  const at = error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return { path: `${at}/${escapePointerToken(String(params.additionalProperty))}`, message: `unknown field '${String(params.additionalProperty)}'` };
    case 'required':
      return { path: `${at}/${escapePointerToken(String(params.missingProperty))}`, message: `'${String(params.missingProperty)}' is required` };
    case 'type':
      return { path: at, message: `must be ${articled(params.type as string | string[])}` };
    case 'enum':
      return { path: at, message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'minLength':
      return { path: at, message: params.limit === 1 ? 'must not be empty' : `must have at least ${String(params.limit)} characters` };
    case 'maxLength':
      return { path: at, message: `must have at most ${String(params.limit)} characters` };
    case 'minimum':
    case 'maximum':
      return { path: at, message: `must be ${error.keyword === 'minimum' ? 'at least' : 'at most'} ${String(params.limit)}` };
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path: at, message: `must be ${error.keyword === 'exclusiveMinimum' ? 'more than' : 'less than'} ${String(params.limit)}` };
    case 'minItems':
      return { path: at, message: `must have at least ${String(params.limit)} item(s)` };
    case 'anyOf':
    case 'oneOf':
      return { path: at, message: 'does not have an allowed shape' };
    default:
      return { path: at, message: error.message ?? 'is not valid' };
  }
}

/** Every problem of `value` against `schema` (none when it is valid), each once. */
export function checkSchema(schema: object, value: unknown): ErrorDetail[] {
  const validate = validatorFor(schema);
  if (validate(value)) return [];
  const errors = validate.errors ?? [];
  // anyOf wrappers (nullable $ref) repeat what their branches already said; keep them only if alone at their path.
  const specific = errors.filter((e) => e.keyword !== 'anyOf' || !errors.some((o) => o !== e && o.instancePath.startsWith(e.instancePath) && o.keyword !== 'anyOf'));
  const seen = new Set<string>();
  const details: ErrorDetail[] = [];
  for (const e of specific) {
    // The "null" branch of a nullable value always fails with a type error when the value is present: skip it.
    if (e.keyword === 'type' && (e.params as { type?: unknown }).type === 'null' && e.schemaPath.includes('anyOf')) continue;
    const detail = describeSchemaError(e);
    const key = detail.path + '\u0000' + detail.message;
    if (!seen.has(key)) {
      seen.add(key);
      details.push(detail);
    }
  }
  return details;
}

/** The sentence for a list of problems: "The request body is not valid: /name: 'name' is required; /x: unknown field 'x'." */
export function schemaProblemsSentence(subject: string, details: readonly ErrorDetail[]): string {
  return `${subject} is not valid: ${details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ')}.`;
}

/** DoubleValue (from our JSON reader) → plain number, so ajv sees ordinary JSON. */
function toPlain(value: unknown): unknown {
  if (value instanceof DoubleValue) return value.value;
  if (value instanceof BigIntegerValue) return Number(value.value);
  if (Array.isArray(value)) return value.map(toPlain);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: toPlain(v), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

function issues(schema: object, value: unknown, subject: string): ValidationIssue[] {
  return checkSchema(schema, toPlain(value)).map((detail) => ({ path: detail.path, severity: 'error', message: schemaProblemsSentence(subject, [detail]) }));
}

/** Structural check of a definition.json value (as parsed JSON, before reading it into a TestDefinition). */
export function checkDefinitionSchema(value: JsonValue | unknown): ValidationIssue[] {
  return issues(definitionSchema, value, 'The test definition');
}

/** Structural check of a test matrix artifact. */
export function checkMatrixSchema(value: JsonValue | unknown): ValidationIssue[] {
  return issues(matrixSchema, value, 'The test matrix');
}

/** Structural check of an application's Proctor specification. */
export function checkSpecificationSchema(value: JsonValue | unknown): ValidationIssue[] {
  return issues(specificationSchema, value, 'The specification');
}
