import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import definitionSchema from '../../schemas/test-definition.schema.json';
import matrixSchema from '../../schemas/test-matrix.schema.json';
import specificationSchema from '../../schemas/proctor-specification.schema.json';
import { BigIntegerValue, DoubleValue, type JsonValue, type ValidationIssue } from './model';

/**
 * JSON Schema checks of raw JSON (before it is read into the model), with ajv errors rewritten as sentences a user can
 * act on, each with a JSON pointer. Runs in the browser and in node. The schemas in schemas/ reject unknown keys, like
 * the webapp's strict parse; Proctor's lenient reader (parseDefinition) would ignore them.
 */

let ajv: Ajv | undefined;
const compiled = new Map<object, ValidateFunction>();

function validatorFor(schema: object): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    ajv ??= new Ajv({ allErrors: true, verbose: true, strict: false });
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
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

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  return `${typeof value} ${String(value)}`;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  object: 'a JSON object',
  array: 'an array',
  null: 'null',
};

function typeWords(type: string | string[]): string {
  const list = (Array.isArray(type) ? type : [type]).map((t) => TYPE_WORDS[t] ?? t);
  return list.length === 1 ? list[0] : list.slice(0, -1).join(', ') + ' or ' + list[list.length - 1];
}

function field(pointer: string, subject: string): string {
  return pointer === '' ? subject : `"${pointer}"`;
}

/** One ajv error → a sentence naming the field, what is wrong and what is expected. */
export function describeSchemaError(e: ErrorObject, subject = 'The document'): ValidationIssue {
  const at = e.instancePath;
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      return { path: `${at}/${missing}`, severity: 'error', message: `${field(at, subject)} is missing the required field "${missing}".` };
    }
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      const allowed = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return {
        path: `${at}/${extra.replace(/~/g, '~0').replace(/\//g, '~1')}`,
        severity: 'error',
        message: `Unknown field "${extra}" in ${field(at, subject.toLowerCase())}: remove it or check its spelling` +
          (allowed.length > 0 ? ` (allowed fields: ${allowed.join(', ')}).` : '.'),
      };
    }
    case 'type':
      return { path: at, severity: 'error', message: `${field(at, subject)} must be ${typeWords(params.type as string | string[])}, but is ${describe(e.data)}.` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path: at, severity: 'error', message: `${field(at, subject)} must be ${params.comparison} ${params.limit}, but is ${describe(e.data)}.` };
    case 'enum':
      return {
        path: at,
        severity: 'error',
        message: `${field(at, subject)} must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, but is ${describe(e.data)}.`,
      };
    case 'minItems':
      return { path: at, severity: 'error', message: `${field(at, subject)} must have at least ${params.limit} item(s).` };
    case 'anyOf':
    case 'oneOf':
      return { path: at, severity: 'error', message: `${field(at, subject)} does not have an allowed shape (${describe(e.data)}).` };
    default:
      return { path: at, severity: 'error', message: `${field(at, subject)} ${e.message ?? 'is invalid'}.` };
  }
}

function check(schema: object, value: unknown, subject: string): ValidationIssue[] {
  const validate = validatorFor(schema);
  if (validate(toPlain(value))) return [];
  const errors = validate.errors ?? [];
  // anyOf wrappers (nullable $ref) repeat what their branches already said; keep them only if alone at their path.
  const specific = errors.filter((e) => e.keyword !== 'anyOf' || !errors.some((o) => o !== e && o.instancePath.startsWith(e.instancePath) && o.keyword !== 'anyOf'));
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  for (const e of specific) {
    // The "null" branch of a nullable $ref always fails with a type error when the value is present: skip it.
    if (e.keyword === 'type' && e.params && (e.params as { type?: unknown }).type === 'null' && e.schemaPath.includes('anyOf')) continue;
    const issue = describeSchemaError(e, subject);
    const key = issue.path + '\u0000' + issue.message;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}

/** Structural check of a definition.json value (as parsed JSON, before reading it into a TestDefinition). */
export function checkDefinitionSchema(value: JsonValue | unknown): ValidationIssue[] {
  return check(definitionSchema, value, 'The test definition');
}

/** Structural check of a test matrix artifact. */
export function checkMatrixSchema(value: JsonValue | unknown): ValidationIssue[] {
  return check(matrixSchema, value, 'The test matrix');
}

/** Structural check of an application's Proctor specification. */
export function checkSpecificationSchema(value: JsonValue | unknown): ValidationIssue[] {
  return check(specificationSchema, value, 'The specification');
}
