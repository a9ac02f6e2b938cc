/**
 * Promoting a revision trunk→qa, qa→production or trunk→production: the whole file is copied (FACTS §6.4). The issue
 * must be in the status the workflow requires, and is moved on afterwards; a transition that fails after the commit
 * landed is reported (with a retry) rather than undoing the promotion.
 */
import { parsePromotion } from '@/lib/domain/environment';
import { AppError } from '@/lib/errors';
import { advanceIssueAfterPromotion, checkIssueForPromotion, validateIssueKey, type PromotionTarget } from '@/lib/issues/workflow';
import { validateDefinition } from '@/lib/proctor/validate-definition';
import type { Environment } from '@/lib/store';
import { assertCompatibleWithConsumers } from './check-consumers';
import { recordChange } from './record-change';
import { parseOptionalRevision, parseRevision } from '@/lib/domain/revision';
import { parseExistingTestName } from '@/lib/domain/test-name';
import { assertComment, authorOf, requireReader, type Reader, type ServiceDeps } from './service-deps';

export interface PromoteInput {
  name: unknown;
  from: unknown;
  to: unknown;
  /** Revision on `from` to promote; default: the test's latest revision there. */
  revision?: unknown;
  /** Revision of the test on `to` the caller saw (optimistic lock); default: what is there now. null = absent there. */
  targetRevision?: unknown;
  issueKey: unknown;
  comment?: string;
}

export interface PromoteResult {
  testName: string;
  from: Environment;
  to: PromotionTarget;
  revision: string;
  sourceRevision: string;
  previousRevision: string | null;
  outcome: 'success' | 'partial-success';
  issue: { key: string; from?: string; to?: string; transitionError?: string };
  notices: string[];
}


export async function promoteDefinition(deps: ServiceDeps, reader: Reader, input: PromoteInput): Promise<PromoteResult> {
  const issueKey = validateIssueKey(input.issueKey, deps.rules);
  const testName = parseExistingTestName(input.name);
  const promotion = parsePromotion(input.from, input.to);
  const { from, to } = promotion;
  const actor = requireReader(reader, 'releaser');
  const comment = assertComment(input.comment);
  const author = authorOf(actor);

  const live = await deps.store.liveRevisions(testName);
  const sourceRevision = parseOptionalRevision(input.revision, 'revision') ?? live[from].revision;
  if (!sourceRevision) throw new AppError('NOT_FOUND', `Test ${testName} does not exist in ${from}; there is nothing to promote.`, { data: { testName, from } });
  const targetRevision = input.targetRevision === undefined ? live[to].revision : input.targetRevision === null ? null : parseRevision(input.targetRevision, 'targetRevision');

  const source = await deps.store.readDefinition(testName, { revision: sourceRevision });
  if (!source?.definition) throw new AppError('NOT_FOUND', `Test ${testName} does not exist at revision ${sourceRevision.slice(0, 7)}.`);
  const errors = validateDefinition(testName, source.definition).filter((issue) => issue.severity === 'error');
  if (errors.length > 0) {
    throw new AppError('VALIDATION_FAILED', `Revision ${sourceRevision.slice(0, 7)} of ${testName} is not valid and cannot be promoted: ${errors[0].message}`, {
      details: errors.map((issue) => ({ path: `/definition${issue.path}`, message: issue.message })),
    });
  }
  const issue = await checkIssueForPromotion(deps.tracker, issueKey, to, deps.rules);
  // Distribution: refuse when an application running in `to` could not load the promoted definition (MatrixChecker).
  await assertCompatibleWithConsumers(deps, { envs: [to], testName, definition: source.definition, action: 'promote' });

  const promoted = await deps.store.promote({
    testName,
    ...promotion,
    sourceRevision,
    expectedTargetRevision: targetRevision,
    author,
    issueKey,
    comment,
  });
  const notices = await recordChange(deps, actor, { issueKey, testName, revision: promoted.revision, env: to, kind: 'promotion' });
  const result: PromoteResult = { testName, from, to, ...promoted, outcome: 'success', issue: { key: issueKey, from: issue.status }, notices };
  try {
    const moved = await advanceIssueAfterPromotion(deps.tracker, issueKey, to, actor.username, deps.rules);
    result.issue.to = moved?.to ?? issue.status;
  } catch (error) {
    result.outcome = 'partial-success';
    const reason = (error as Error).message;
    const retry = /retry/i.test(reason) ? '' : ` Retry the transition alone from the issue page (POST /api/v1/issues/${issueKey}/transitions).`;
    result.issue.transitionError = `Promoted ${testName} to ${to}, but moving ${issueKey} on failed: ${reason}${retry}`;
  }
  return result;
}
