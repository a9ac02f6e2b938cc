/**
 * Saving a test on trunk: create, update, delete, revert. Order of checks: the issue key's form (before anything
 * else), the test name, the role, the definition (every problem at once), the issue in the tracker, then the commit
 * with the revision the user edited (a concurrent edit is STALE_REVISION, never an overwrite).
 */
import { AppError } from '@/lib/errors';
import { checkIssueForSave, validateIssueKey } from '@/lib/issues/workflow';
import { assignNewAllocationIds, updateAllocationIds } from '@/lib/proctor/allocation-ids';
import { NEW_TEST_VERSION, versionOnEdit } from '@/lib/proctor/definition-version';
import { parseRevision, type Revision } from '@/lib/domain/revision';
import { parseExistingTestName, parseNewTestName, type TestName } from '@/lib/domain/test-name';
import type { IssueKey } from '@/lib/domain/issue-key';
import type { TestDefinition, ValidationIssue } from '@/lib/proctor/model';
import { autoPromote, planAutoPromotion, type AutoPromotionResult } from './auto-promote';
import { assertValidDefinition, readSubmittedDefinition } from './check-definition';
import { recordChange } from './record-change';
import { assertComment, authorOf, requireReader, type Actor, type Reader, type ServiceDeps } from './service-deps';
import type { Author } from '@/lib/store';
import { assertCompatibleWithConsumers } from './check-consumers';

export interface SaveResult {
  testName: string;
  revision: string;
  previousRevision: string | null;
  /** 'partial-success' when the commit landed but auto-promotion did not (the trunk commit stays). */
  outcome: 'success' | 'partial-success';
  warnings: ValidationIssue[];
  /** Problems after the commit landed (e.g. the issue comment failed); the change itself is saved. */
  notices: string[];
  autoPromotion?: AutoPromotionResult;
}

interface ChangeRequest {
  issueKey: unknown;
  comment?: unknown;
}

/** The edge of a save: raw input parsed into typed values (a new test's name for create, an existing one's otherwise). */
function beginChange(
  deps: ServiceDeps,
  reader: Reader,
  testName: unknown,
  request: ChangeRequest,
  parseName: (value: unknown) => TestName = parseExistingTestName,
): { actor: Actor; issueKey: IssueKey; testName: TestName; comment?: string; author: Author } {
  const issueKey = validateIssueKey(request.issueKey, deps.rules);
  const name = parseName(testName);
  const actor = requireReader(reader, 'editor');
  // Everything that goes into the commit is checked before any work (git-text.ts).
  return { actor, issueKey, testName: name, comment: assertComment(request.comment), author: authorOf(actor) };
}

async function currentTrunk(deps: ServiceDeps, testName: TestName) {
  const current = await deps.store.readDefinition(testName, { branch: 'trunk' });
  if (!current) throw new AppError('NOT_FOUND', `Test ${testName} does not exist in TRUNK.`, { data: { testName } });
  return current;
}

async function finish(
  deps: ServiceDeps,
  actor: Actor,
  args: { testName: TestName; issueKey: IssueKey; revision: Revision; previousRevision: Revision | null; warnings: ValidationIssue[]; autoPromoteWith?: { previous: TestDefinition | null; next: TestDefinition } },
): Promise<SaveResult> {
  const notices = await recordChange(deps, actor, { issueKey: args.issueKey, testName: args.testName, revision: args.revision, env: 'trunk', kind: 'commit' });
  const result: SaveResult = { testName: args.testName, revision: args.revision, previousRevision: args.previousRevision, outcome: 'success', warnings: args.warnings, notices };
  if (args.autoPromoteWith) {
    const promotion = await autoPromote(deps, actor, { testName: args.testName, trunkRevision: args.revision, issueKey: args.issueKey, ...args.autoPromoteWith });
    result.autoPromotion = promotion;
    notices.push(...promotion.warnings);
    if (promotion.status !== 'promoted') result.outcome = 'partial-success';
  }
  return result;
}

export async function createDefinition(
  deps: ServiceDeps,
  reader: Reader,
  input: { name: unknown; definition: unknown; issueKey: unknown; comment?: string; autoPromote?: boolean },
): Promise<SaveResult> {
  const { actor, issueKey, testName, comment, author } = beginChange(deps, reader, input.name, input, parseNewTestName);
  const definition = assignNewAllocationIds({ ...readSubmittedDefinition(input.definition), version: NEW_TEST_VERSION });
  const warnings = assertValidDefinition(testName, definition);
  await checkIssueForSave(deps.tracker, issueKey, deps.rules);
  const written = await deps.store.createTest({ testName, definition, issueKey, comment, author });
  return finish(deps, actor, {
    testName,
    issueKey,
    ...written,
    warnings,
    autoPromoteWith: input.autoPromote ? { previous: null, next: definition } : undefined,
  });
}

export async function updateDefinition(
  deps: ServiceDeps,
  reader: Reader,
  input: { name: unknown; definition: unknown; baseRevision: unknown; issueKey: unknown; comment?: string; autoPromote?: boolean },
): Promise<SaveResult> {
  const { actor, issueKey, testName, comment, author } = beginChange(deps, reader, input.name, input);
  const baseRevision = parseRevision(input.baseRevision, 'baseRevision');
  const submitted = readSubmittedDefinition(input.definition);
  const current = await currentTrunk(deps, testName);
  const previous = current.definition;
  // Proctor copies a missing testType from the existing definition and keeps the existing version on edit.
  let definition: TestDefinition = { ...submitted, testType: submitted.testType ?? previous?.testType ?? null, version: versionOnEdit(previous) };
  if (previous) definition = updateAllocationIds(previous, definition);
  const warnings = assertValidDefinition(testName, definition);
  await checkIssueForSave(deps.tracker, issueKey, deps.rules);
  if (input.autoPromote && previous) {
    // Asked to go straight to production while moving users between active buckets: refused before anything is
    // committed, so the change is not left on trunk by surprise (issue #16).
    const plan = await planAutoPromotion(deps, testName, previous, definition);
    if (plan.refusal) throw new AppError(plan.refusal.code, plan.refusal.message, { data: { testName, movedBetweenActiveBuckets: plan.movedBetweenActiveBuckets } });
  }
  const written = await deps.store.updateTest({ testName, definition, baseRevision, issueKey, comment, author });
  return finish(deps, actor, {
    testName,
    issueKey,
    ...written,
    warnings,
    autoPromoteWith: input.autoPromote ? { previous, next: definition } : undefined,
  });
}

export async function deleteDefinition(
  deps: ServiceDeps,
  reader: Reader,
  input: { name: unknown; baseRevision: unknown; issueKey: unknown; comment?: string },
): Promise<SaveResult> {
  const { actor, issueKey, testName, comment, author } = beginChange(deps, reader, input.name, input);
  const baseRevision = parseRevision(input.baseRevision, 'baseRevision');
  await checkIssueForSave(deps.tracker, issueKey, deps.rules);
  // Distribution: refuse while an application still requires the test (DeleteJob's QA/prod client check, plus trunk).
  await assertCompatibleWithConsumers(deps, { envs: ['trunk', 'qa', 'production'], testName, definition: null, action: 'delete' });
  const written = await deps.store.deleteTest({ testName, baseRevision, issueKey, comment, author });
  return finish(deps, actor, { testName, issueKey, ...written, warnings: [] });
}

export async function revertDefinition(
  deps: ServiceDeps,
  reader: Reader,
  input: { name: unknown; toRevision: unknown; baseRevision: unknown; issueKey: unknown; comment?: string },
): Promise<SaveResult> {
  const { actor, issueKey, testName, comment, author } = beginChange(deps, reader, input.name, input);
  const baseRevision = parseRevision(input.baseRevision, 'baseRevision');
  const toRevision = parseRevision(input.toRevision, 'toRevision');
  const target = await deps.store.readDefinition(testName, { revision: toRevision });
  if (!target?.definition) throw new AppError('NOT_FOUND', `Test ${testName} does not exist at revision ${toRevision.slice(0, 7)}.`);
  const warnings = assertValidDefinition(testName, target.definition);
  await checkIssueForSave(deps.tracker, issueKey, deps.rules);
  const written = await deps.store.revertTest({ testName, baseRevision, toRevision, issueKey, comment, author });
  return finish(deps, actor, { testName, issueKey, ...written, warnings });
}
