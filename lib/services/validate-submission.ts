/** Validation dry run and the auto-promotion forecast: what a save would say, without saving. */
import { isAppError } from '@/lib/errors';
import type { ValidationIssue } from '@/lib/proctor/model';
import { validateDefinition } from '@/lib/proctor/validate-definition';
import { planAutoPromotion, type AutoPromotionPlan } from './auto-promote';
import { parseExistingTestName, parseNewTestName } from '@/lib/domain/test-name';
import { readSubmittedDefinition } from './check-definition';
import { requireReader, type Reader, type ServiceDeps } from './service-deps';

/** Pure: `deps` is unused, taken for the one use-case shape. */
export function validateSubmission(_deps: unknown, reader: Reader, input: { name: unknown; definition: unknown }): { valid: boolean; issues: ValidationIssue[] } {
  requireReader(reader);
  // The dry run of a save holds a submission to the create rule, as before (the editor checks new and edited tests alike).
  const testName = parseNewTestName(input.name);
  try {
    const issues = validateDefinition(testName, readSubmittedDefinition(input.definition), { checks: 'all' });
    return { valid: !issues.some((issue) => issue.severity === 'error'), issues };
  } catch (error) {
    if (!isAppError(error)) throw error;
    // Unreadable JSON is a validation result too, with the place it broke.
    const issues = (error.details.length ? error.details : [{ path: '', message: error.message }]).map((d) => ({ path: d.path, message: d.message, severity: 'error' as const }));
    return { valid: false, issues };
  }
}

/** Would saving this definition be auto-promoted to qa and production? (Said before saving.) */
export async function forecastAutoPromotion(deps: ServiceDeps, reader: Reader, input: { name: unknown; definition: unknown }): Promise<AutoPromotionPlan> {
  requireReader(reader);
  const testName = parseExistingTestName(input.name);
  const next = readSubmittedDefinition(input.definition);
  const current = await deps.store.readDefinition(testName, { branch: 'trunk' });
  return planAutoPromotion(deps, testName, current?.definition ?? null, next);
}
