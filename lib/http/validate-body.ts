/**
 * Request body validation with ajv (JSON Schema draft 7). Errors become sentences a user can act on, each with the JSON
 * pointer it concerns: unknown fields (additionalProperties: false) are named, missing ones too.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { AppError, type ErrorDetail } from '@/lib/errors';

export type JsonSchema = Record<string, unknown>;

const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false, useDefaults: false });
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

function compile(schema: JsonSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

export function describeAjvError(error: ErrorObject): ErrorDetail {
  const at = error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return { path: `${at}/${String(params.additionalProperty)}`, message: `unknown field '${String(params.additionalProperty)}'` };
    case 'required':
      return { path: `${at}/${String(params.missingProperty)}`, message: `'${String(params.missingProperty)}' is required` };
    case 'type':
      return { path: at, message: `must be ${articled(String(params.type))}` };
    case 'enum':
      return { path: at, message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'minLength':
      return { path: at, message: params.limit === 1 ? 'must not be empty' : `must have at least ${String(params.limit)} characters` };
    case 'maxLength':
      return { path: at, message: `must have at most ${String(params.limit)} characters` };
    case 'minimum':
    case 'maximum':
      return { path: at, message: `must be ${error.keyword === 'minimum' ? 'at least' : 'at most'} ${String(params.limit)}` };
    case 'pattern':
      return { path: at, message: error.message ?? 'is not valid' };
    default:
      return { path: at, message: error.message ?? 'is not valid' };
  }
}

function articled(type: string): string {
  const first = type.split(',')[0];
  return `${/^[aeiou]/.test(first) ? 'an' : 'a'} ${type.replace(/,/g, ' or ')}`;
}

/** Returns `body` typed as T, or throws VALIDATION_FAILED listing every problem. */
export function validateBody<T>(schema: JsonSchema, body: unknown): T {
  const validate = compile(schema);
  if (validate(body)) return body as T;
  const details = (validate.errors ?? []).map(describeAjvError);
  const summary = details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ');
  throw new AppError('VALIDATION_FAILED', `The request body is not valid: ${summary}.`, { details });
}
