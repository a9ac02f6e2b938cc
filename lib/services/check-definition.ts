import { AppError } from '@/lib/errors';
import { readDefinition, parseDefinitionStrict } from '@/lib/proctor/parse-definition';
import { validateDefinition } from '@/lib/proctor/validate-definition';
import type { JsonValue, TestDefinition, ValidationIssue } from '@/lib/proctor/model';

/**
 * A definition from an API body: either the JSON object or the definition.json text (the text keeps `1.0` vs `1`
 * exactly). Unknown keys are refused, as the Proctor webapp's strict reader does.
 */
export function readSubmittedDefinition(input: unknown): TestDefinition {
  if (typeof input === 'string') return parseDefinitionStrict(input);
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new AppError('BAD_REQUEST', 'definition must be a test definition object (or its definition.json text).', {
      details: [{ path: '/definition', message: 'must be an object' }],
    });
  }
  return readDefinition(input as JsonValue, { strict: true });
}

/** Validates with the core (Proctor's and the webapp's checks); errors block with every problem listed, warnings return. */
export function assertValidDefinition(testName: string, definition: TestDefinition): ValidationIssue[] {
  const issues = validateDefinition(testName, definition, { checks: 'all' });
  const errors = issues.filter((issue) => issue.severity === 'error');
  if (errors.length > 0) {
    throw new AppError('VALIDATION_FAILED', `Test ${testName} has ${errors.length} problem${errors.length === 1 ? '' : 's'}: ${errors[0].message}${errors.length > 1 ? ' (and more, see details)' : ''}`, {
      details: errors.map((issue) => ({ path: `/definition${issue.path}`, message: issue.message })),
      data: { warnings: issues.filter((issue) => issue.severity === 'warning') },
    });
  }
  return issues.filter((issue) => issue.severity === 'warning');
}
