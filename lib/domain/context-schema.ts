/**
 * The rule context schema: which variables rules may use. Applications declare theirs in their specification's
 * `providedContext` (name → Java type, FACTS §3.5); the team keeps a list of its own in the app for variables no
 * reporting application declares yet. Pure: the editor page checks with the same rules as the server.
 */
import { AppError, type ErrorDetail } from '../errors';

export interface ContextVariable {
  name: string;
  /** A Java type name as in providedContext.json: String, Integer, Long, Boolean, Double, or a class name. */
  type: string;
  description: string;
}

export const MAX_CONTEXT_VARIABLES = 500;
export const MAX_DESCRIPTION_LENGTH = 500;
/** A Java identifier (what EL can name as a variable). */
export const CONTEXT_VARIABLE_NAME = /^[A-Za-z_$][A-Za-z0-9_$]{0,99}$/;
/** A Java type name, possibly qualified (`java.lang.String`, `com.example.UserAgent`). */
export const CONTEXT_TYPE_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*){0,20}$/;
/** The types Proctor gives a dummy value when it checks a rule against a providedContext (FACTS §3.5). */
export const COMMON_CONTEXT_TYPES = ['String', 'Integer', 'Long', 'Boolean', 'Double'] as const;

/** Problems with a list as typed ([] = fine), at JSON pointers into `{variables: […]}`. */
export function contextSchemaProblems(variables: readonly ContextVariable[]): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  if (variables.length > MAX_CONTEXT_VARIABLES) problems.push({ path: '/variables', message: `at most ${MAX_CONTEXT_VARIABLES} variables` });
  const seen = new Map<string, number>();
  variables.forEach((v, i) => {
    const at = `/variables/${i}`;
    if (!CONTEXT_VARIABLE_NAME.test(v.name)) problems.push({ path: `${at}/name`, message: `"${v.name}" is not a variable name: letters, digits, _ or $, not starting with a digit (at most 100)` });
    else if (seen.has(v.name)) problems.push({ path: `${at}/name`, message: `${v.name} is listed twice (also variable ${seen.get(v.name)! + 1})` });
    else seen.set(v.name, i);
    if (!CONTEXT_TYPE_NAME.test(v.type)) problems.push({ path: `${at}/type`, message: `"${v.type}" is not a Java type name (e.g. String, Integer, Boolean)` });
    if (v.description.length > MAX_DESCRIPTION_LENGTH) problems.push({ path: `${at}/description`, message: `at most ${MAX_DESCRIPTION_LENGTH} characters` });
    if (/[\u0000-\u001f\u007f]/.test(v.description)) problems.push({ path: `${at}/description`, message: 'one line of text, without control characters' });
  });
  return problems;
}

/** Throws VALIDATION_FAILED naming every problem. */
export function assertContextSchema(variables: readonly ContextVariable[]): void {
  const problems = contextSchemaProblems(variables);
  if (problems.length > 0) {
    throw new AppError('VALIDATION_FAILED', `The rule context has ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems[0].message}.`, { details: problems });
  }
}

/** Reads the stored JSON leniently (a row written by hand may hold anything): well-formed entries only. */
export function readStoredVariables(value: unknown): ContextVariable[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((v) => {
    if (!v || typeof v !== 'object') return [];
    const { name, type, description } = v as Record<string, unknown>;
    return typeof name === 'string' && typeof type === 'string' ? [{ name, type, description: typeof description === 'string' ? description : '' }] : [];
  });
}
