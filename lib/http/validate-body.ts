/**
 * Request body validation against the route's JSON Schema (draft 7), with the project's one schema checker
 * (lib/proctor/schema-check.ts): every problem is named with its JSON pointer, unknown and missing fields included.
 */
import { AppError } from '@/lib/errors';
import { checkSchema, schemaProblemsSentence, type JsonSchema } from '@/lib/proctor/schema-check';

export type { JsonSchema };

/** Returns `body` typed as T, or throws VALIDATION_FAILED listing every problem. */
export function validateBody<T>(schema: JsonSchema, body: unknown): T {
  const details = checkSchema(schema, body);
  if (details.length === 0) return body as T;
  throw new AppError('VALIDATION_FAILED', schemaProblemsSentence('The request body', details), { details });
}
