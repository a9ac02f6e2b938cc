/**
 * The webapp's test-name check on create (IdentifierValidationUtil / EditAndPromoteJob.validateTestName, FACTS §2.4).
 * Returns Proctor's message, or null when the name is valid.
 *
 * The name is also the directory name of the definition in the git repository, so this check is what keeps a request
 * from escaping the test-definitions directory: the regex admits only ASCII letters, digits and `_`, so `../x`, `a/b`,
 * `.`, the empty name, whitespace and any non-ASCII (unicode look-alikes, NUL, …) are all rejected. Call it before any
 * path is built from a name.
 */
const TEST_NAME = /^([a-z]([a-z0-9_]*[a-z_])?|_+([a-z]|[a-z0-9][a-z0-9_]*[a-z_]))$/i;
export const MAX_TEST_NAME_LENGTH = 100;

export function validateTestName(name: string): string | null {
  if (typeof name !== 'string' || !TEST_NAME.test(name)) {
    return `Test Name must be alpha-numeric underscore and not start/end with a number, found: '${String(name)}'`;
  }
  if (name.length > MAX_TEST_NAME_LENGTH) {
    return `Test Name length can't be longer than ${MAX_TEST_NAME_LENGTH}, found: ${name.length}`;
  }
  return null;
}

export function isValidTestName(name: string): boolean {
  return validateTestName(name) === null;
}
