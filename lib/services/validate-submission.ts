/** Validation dry run and the auto-promotion forecast: what a save would say, without saving. */
import { requireRole } from '@/lib/auth/roles';
import { isAppError } from '@/lib/errors';
import type { ValidationIssue } from '@/lib/proctor/model';
import { validateDefinition } from '@/lib/proctor/validate-definition';
import { planAutoPromotion, type AutoPromotionPlan } from './auto-promote';
import { parseExistingTestName, parseNewTestName } from '@/lib/domain/test-name';
import { readSubmittedDefinition } from './check-definition';
import type { Actor, ServiceDeps } from './service-deps';

export function validateSubmission(input: { name: unknown; definition: unknown }): { valid: boolean; issues: ValidationIssue[] } {
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
export async function forecastAutoPromotion(deps: ServiceDeps, actor: Actor, input: { name: unknown; definition: unknown }): Promise<AutoPromotionPlan> {
  requireRole(actor, 'viewer');
  const testName = parseExistingTestName(input.name);
  const next = readSubmittedDefinition(input.definition);
  const current = await deps.store.readDefinition(testName, { branch: 'trunk' });
  return planAutoPromotion(deps, testName, current?.definition ?? null, next);
}
