/**
 * Promoting a revision trunk→qa, qa→production or trunk→production: the whole file is copied (FACTS §6.4). The issue
 * must be in the status the workflow requires, and is moved on afterwards; a transition that fails after the commit
 * landed is reported (with a retry) rather than undoing the promotion.
 */
import { parsePromotion } from '@/lib/domain/environment';
import { AppError } from '@/lib/errors';
import { advanceIssueAfterPromotion, checkIssueForPromotion, DEFAULT_WORKFLOW_RULES, validateIssueKey, type PromotionTarget } from '@/lib/issues/workflow';
import { notVerifiedRefusal, resolvePromotionSource } from './promotion-check';
import { separationRefusal } from './release-gate';
import { notePendingTransition, requireReason } from './verify-issue';
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
  /** Production only: promote a revision QA did not verify, with the releaser's reason (audited, said on the issue). */
  override?: { reason?: unknown } | null;
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
  /** Set when a revision QA had not verified went to production on a releaser's override. */
  override?: { reason: string; verifiedRevision: string | null };
}


export async function promoteDefinition(deps: ServiceDeps, reader: Reader, input: PromoteInput): Promise<PromoteResult> {
  const issueKey = validateIssueKey(input.issueKey, deps.rules);
  const testName = parseExistingTestName(input.name);
  const promotion = parsePromotion(input.from, input.to);
  const { from, to } = promotion;
  const actor = requireReader(reader, 'releaser');
  const comment = assertComment(input.comment);
  const author = authorOf(actor);

  const overrideReason = input.override ? requireReason(input.override.reason, 'Promoting a revision QA did not verify') : null;

  const live = await deps.store.liveRevisions(testName);
  const plan = await resolvePromotionSource(deps, { testName, from, to, revision: parseOptionalRevision(input.revision, 'revision'), issueKey, live });
  const { sourceRevision, source } = plan;
  if (!sourceRevision) throw new AppError('NOT_FOUND', `Test ${testName} does not exist in ${from}; there is nothing to promote.`, { data: { testName, from } });
  const targetRevision = input.targetRevision === undefined ? live[to].revision : input.targetRevision === null ? null : parseRevision(input.targetRevision, 'targetRevision');

  if (!source?.definition) throw new AppError('NOT_FOUND', `Test ${testName} does not exist at revision ${sourceRevision.slice(0, 7)}.`);
  const errors = validateDefinition(testName, source.definition).filter((issue) => issue.severity === 'error');
  if (errors.length > 0) {
    throw new AppError('VALIDATION_FAILED', `Revision ${sourceRevision.slice(0, 7)} of ${testName} is not valid and cannot be promoted: ${errors[0].message}`, {
      details: errors.map((issue) => ({ path: `/definition${issue.path}`, message: issue.message })),
    });
  }
  const issue = await checkIssueForPromotion(deps.tracker, issueKey, to, deps.rules);
  if (to === 'production') {
    // JIRA lets people verify in JIRA itself: the verifier read from its changelog must still not be an author.
    if (plan.verification?.source === 'tracker' && !plan.verification.waivedSeparation) {
      const refusal = await separationRefusal(deps, issueKey, { username: plan.verification.by });
      if (refusal) throw new AppError(refusal.code, `${refusal.message} (${issueKey} was verified in ${deps.tracker.name === 'jira' ? 'JIRA' : 'the tracker'} by ${plan.verification.by}.) Verify it again as another QA analyst.`);
    }
    const notVerified = notVerifiedRefusal(plan, { testName, from, to, issueKey });
    if (notVerified && !overrideReason) throw notVerified;
  }
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
  if (to === 'production' && overrideReason && !plan.matchesVerified) {
    result.override = { reason: overrideReason, verifiedRevision: plan.verified?.revision ?? null };
    await deps.prisma.promotionOverride.create({ data: { issueKey, testName, revision: sourceRevision, promotedRevision: promoted.revision, by: actor.username, reason: overrideReason } });
    const verified = plan.verified ? `QA verified r${plan.verified.revision.slice(0, 7)} in qa` : 'QA had verified no revision of it';
    try {
      await deps.tracker.comment(issueKey, `${actor.username} promoted ${testName} r${sourceRevision.slice(0, 7)} to production although it was not verified in qa (${verified}). Reason: ${overrideReason}`, actor.username);
    } catch (error) {
      notices.push(`Commenting the override on ${issueKey} failed: ${(error as Error).message}`);
    }
  }
  const nextStatus = (deps.rules ?? DEFAULT_WORKFLOW_RULES).promotion[to].nextStatus;
  try {
    const moved = await advanceIssueAfterPromotion(deps.tracker, issueKey, to, actor.username, deps.rules);
    result.issue.to = moved?.to ?? issue.status;
    await notePendingTransition(deps, issueKey, null).catch(() => undefined);
  } catch (error) {
    result.outcome = 'partial-success';
    const reason = (error as Error).message;
    result.issue.transitionError = `Promoted ${testName} to ${to}, but moving ${issueKey} on failed: ${reason} Retry the transition to '${nextStatus}' from the issue page (POST /api/v1/issues/${issueKey}/retry-transition).`;
    await notePendingTransition(deps, issueKey, { to: nextStatus, error: reason, testName }).catch((noteError: unknown) =>
      notices.push(`The pending transition of ${issueKey} could not be recorded: ${(noteError as Error).message}`),
    );
  }
  return result;
}
