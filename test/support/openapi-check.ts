/** Checks a real HTTP response against the schema lib/http/openapi.ts documents for that operation and status. */
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { documentedResponseSchema, openApiDocument, type HttpMethod } from '@/lib/http/openapi';

const DOC_ID = 'https://proctor-studio.invalid/openapi.json';
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema({ $id: DOC_ID, components: { schemas: openApiDocument().components.schemas } });
const compiled = new Map<string, ValidateFunction>();

/** The document's local refs made absolute, so a response schema compiles on its own. */
function absolute(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(absolute);
  if (schema && typeof schema === 'object') {
    return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, key === '$ref' && typeof value === 'string' && value.startsWith('#/') ? DOC_ID + value : absolute(value)]));
  }
  return schema;
}

/** Throws (failing the test) when the response's status is not documented or its body does not match the schema. */
export function assertDocumented(method: HttpMethod, path: string, response: { status: number; json: unknown; text: string }): void {
  const schema = documentedResponseSchema(method, path, response.status);
  if (schema === undefined) throw new Error(`${method} ${path} → ${response.status} is not documented in the OpenAPI document`);
  if (schema === null) {
    if (response.text !== '') throw new Error(`${method} ${path} → ${response.status} is documented without a body but has one: ${response.text.slice(0, 200)}`);
    return;
  }
  const key = `${method} ${path} ${response.status}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(absolute(schema) as object);
    compiled.set(key, validate);
  }
  if (!validate(response.json)) {
    throw new Error(`${key}: the response does not match the documented schema: ${ajv.errorsText(validate.errors)}\n${response.text.slice(0, 500)}`);
  }
}
