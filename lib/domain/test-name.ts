/**
 * Test names, parsed once where a use case receives them, into a `TestName` the store trusts. Two named rules:
 *
 * - a NEW test's name (`parseNewTestName`, create only): Proctor's create rule (validateTestName, FACTS §2.4), with
 *   Proctor's message;
 * - an EXISTING test's name (`parseExistingTestName`: read, edit, delete, revert, promote, history, diff): what Proctor's
 *   history parser accepts (`\w+`, FACTS §1; at most 255 characters), because a repository may hold tests that predate
 *   the create rule (e.g. `test2`) and Proctor never re-checks a name after create.
 *
 * Both keep the name a single safe path segment (ASCII letters, digits and `_` only): nothing a user typed becomes a
 * git path unchecked. A refusal is BAD_REQUEST with one detail whose path is the JSON pointer of the request field
 * (`/name` unless told otherwise). Pure (runs in the browser).
 */
import { AppError } from '@/lib/errors';
import { validateTestName } from '@/lib/proctor/validate-test-name';

export type TestName = string & { readonly __brand: 'TestName' };

const EXISTING_TEST_NAME = /^\w{1,255}$/;

/** Why `value` cannot be the name of a new test (Proctor's words), or null. */
export function newTestNameProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'Test Name is required.';
  return validateTestName(value);
}

/** Why `value` cannot name an existing test, or null. */
export function existingTestNameProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return 'Test Name is required.';
  return EXISTING_TEST_NAME.test(value) ? null : `'${printable(value)}' is not a test name (letters, digits and underscore only).`;
}

export function isExistingTestName(value: unknown): value is TestName {
  return existingTestNameProblem(value) === null;
}

function refuse(problem: string, field: string): never {
  throw new AppError('BAD_REQUEST', problem, { details: [{ path: `/${field}`, message: problem }] });
}

/** The name of a test about to be created; BAD_REQUEST with Proctor's message otherwise. */
export function parseNewTestName(value: unknown, field = 'name'): TestName {
  const problem = newTestNameProblem(value);
  if (problem) refuse(problem, field);
  return value as TestName;
}

/** The name of a test that may already exist (reads and edits); BAD_REQUEST otherwise. */
export function parseExistingTestName(value: unknown, field = 'name'): TestName {
  const problem = existingTestNameProblem(value);
  if (problem) refuse(problem, field);
  return value as TestName;
}

/** Control characters shown as code points and long input cut, so a refusal never echoes something unreadable. */
function printable(text: string): string {
  const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
  return shown.replace(/[\u0000-\u001f\u007f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
