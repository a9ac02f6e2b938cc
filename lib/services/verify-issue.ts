/**
 * QA's steps on an issue (seed 004 steps 3 and 5), the admin's waiver of separation of duties, the releaser's retry of
 * a transition that failed after a promotion committed, and what the issue page may offer the caller. The rules are
 * in workflow.ts (which steps) and release-gate.ts (who, and what was verified).
 */
import { hasRole } from '@/lib/auth/roles';
import { AppError } from '@/lib/errors';
import { normalizeIssueKey } from '@/lib/issues/issue-service';
import { manualTransitionRefusal, validateIssueKey, verificationFrom } from '@/lib/issues/workflow';
import type { TransitionResult } from '@/lib/issues/issue-tracker';
import { actorPerson, currentVerification, liveInQa, rulesOf, separationRefusal, type Verification } from './release-gate';
import { requireReader, type Reader, type ServiceDeps } from './service-deps';

const MAX_REASON = 1000;

/** A reason people must give (waiver, override, rollback, stop): non-empty, at most 1000 characters. */
export function requireReason(value: unknown, what: string): string {
  const reason = typeof value === 'string' ? value.trim() : '';
  if (!reason) throw new AppError('VALIDATION_FAILED', `${what} needs a reason: say why, for the audit log and the issue.`, { details: [{ path: '/reason', message: 'is required' }] });
  if (reason.length > MAX_REASON) {
    throw new AppError('VALIDATION_FAILED', `The reason can have at most ${MAX_REASON} characters.`, { details: [{ path: '/reason', message: `must have at most ${MAX_REASON} characters` }] });
  }
  return reason;
}

async function requireTrackedIssue(deps: ServiceDeps, rawKey: string) {
  const key = validateIssueKey(normalizeIssueKey(rawKey), rulesOf(deps));
  const issue = await deps.tracker.getIssue(key, { fresh: true });
  if (!issue) throw new AppError('NOT_FOUND', `Issue ${key} does not exist.`);
  return issue;
}

async function commentQuietly(deps: ServiceDeps, key: string, body: string, actor: string, notices: string[]): Promise<void> {
  try {
    await deps.tracker.comment(key, body, actor);
  } catch (error) {
    notices.push(`Commenting on ${key} failed: ${(error as Error).message}`);
  }
}

export interface VerifyResult extends TransitionResult {
  verification: Omit<Verification, 'source'> | null;
  notices: string[];
}

/** QA verifies: In QA → Production Ready (recording the blob live in qa per test), In Production → Pending Closure. */
export async function verifyIssue(deps: ServiceDeps, reader: Reader, input: { key: string; comment?: string }): Promise<VerifyResult> {
  const actor = requireReader(reader, 'qa');
  const issue = await requireTrackedIssue(deps, input.key);
  const rules = rulesOf(deps);
  const step = verificationFrom(rules, issue.status);
  if (!step) {
    throw new AppError(
      'ISSUE_STATE_NOT_ALLOWED',
      `${issue.key} is in status '${issue.status}'; verifying needs '${rules.verification.qa.from}' or '${rules.verification.production.from}'. Promote the issue's tests first (a releaser's step).`,
      { data: { key: issue.key, status: issue.status } },
    );
  }
  const refusal = await separationRefusal(deps, issue.key, actorPerson(actor));
  if (refusal) throw new AppError(refusal.code, refusal.message, { data: { key: issue.key, verifier: actor.username } });
  const tests = step.env === 'qa' ? await liveInQa(deps, issue.key) : [];
  if (step.env === 'qa' && tests.length === 0) {
    throw new AppError('ISSUE_STATE_NOT_ALLOWED', `${issue.key} has no test live in qa to verify. Promote the issue's tests to qa first.`, { data: { key: issue.key } });
  }
  const comment = typeof input.comment === 'string' ? input.comment.trim().slice(0, MAX_REASON) : '';
  const moved = await deps.tracker.transition(issue.key, { to: step.rule.to }, actor.username);
  const waiver = await deps.prisma.separationWaiver.findFirst({ where: { issueKey: issue.key }, orderBy: { id: 'desc' } });
  const row = await deps.prisma.issueVerification.create({
    data: {
      issueKey: issue.key,
      env: step.env,
      verifiedBy: actor.username,
      comment,
      ...(waiver ? { waivedBy: waiver.waivedBy, waiverReason: waiver.reason } : {}),
      tests: { create: tests },
    },
  });
  const notices: string[] = [];
  const what = tests.map((t) => `${t.testName} r${t.revision.slice(0, 7)} (blob ${t.blob.slice(0, 12)})`).join(', ');
  await commentQuietly(deps, issue.key, `${actor.username} verified ${issue.key} in ${step.env}${what ? `: ${what}` : ''}.${comment ? `\n${comment}` : ''}`, actor.username, notices);
  const verification = step.env === 'qa'
    ? { by: actor.username, at: row.verifiedAt, env: 'qa' as const, tests, ...(waiver ? { waivedSeparation: { by: waiver.waivedBy, reason: waiver.reason } } : {}) }
    : null;
  return { ...moved, verification, notices };
}

/** An admin lets an author of the issue's changes verify it; recorded and said on the issue. */
export async function waiveSeparation(deps: ServiceDeps, reader: Reader, input: { key: string; reason: unknown }) {
  const actor = requireReader(reader, 'admin');
  const reason = requireReason(input.reason, 'Waiving separation of duties');
  const issue = await requireTrackedIssue(deps, input.key);
  const row = await deps.prisma.separationWaiver.create({ data: { issueKey: issue.key, waivedBy: actor.username, reason } });
  const notices: string[] = [];
  await commentQuietly(deps, issue.key, `${actor.username} waived separation of duties for ${issue.key}: an author of its changes may verify it. Reason: ${reason}`, actor.username, notices);
  return { key: issue.key, by: row.waivedBy, reason: row.reason, at: row.at, notices };
}

/** Retries the transition a promotion could not make after its commit landed (partial success). */
export async function retryTransition(deps: ServiceDeps, reader: Reader, input: { key: string }): Promise<TransitionResult> {
  const actor = requireReader(reader, 'releaser');
  const issue = await requireTrackedIssue(deps, input.key);
  const pending = await deps.prisma.pendingTransition.findUnique({ where: { issueKey: issue.key } });
  if (!pending) {
    throw new AppError('ISSUE_STATE_NOT_ALLOWED', `${issue.key} has no transition left to retry: every promotion under it moved it on. Reload the issue.`, { data: { key: issue.key, status: issue.status } });
  }
  if (issue.status === pending.to) {
    await deps.prisma.pendingTransition.delete({ where: { issueKey: issue.key } });
    return { key: issue.key, from: issue.status, to: issue.status, transition: '(already there)' };
  }
  const moved = await deps.tracker.transition(issue.key, { to: pending.to }, actor.username);
  await deps.prisma.pendingTransition.deleteMany({ where: { issueKey: issue.key } });
  return moved;
}

/** Records or clears the pending transition of an issue after a promotion (promote-definition.ts). */
export async function notePendingTransition(deps: ServiceDeps, issueKey: string, pending: { to: string; error: string; testName: string } | null): Promise<void> {
  if (pending) {
    await deps.prisma.pendingTransition.upsert({ where: { issueKey }, create: { issueKey, ...pending }, update: { ...pending, at: new Date() } });
  } else {
    await deps.prisma.pendingTransition.deleteMany({ where: { issueKey } });
  }
}

export type IssueAction = 'verify' | 'retry-transition' | 'waive-separation' | `transition:${string}`;

/** What the issue page shows beside the issue: verification, overrides, the pending transition, and the caller's actions. */
export async function issueReleaseState(deps: ServiceDeps, reader: Reader, input: { key: string; status: string; transitions: { to: string }[] }) {
  requireReader(reader);
  const key = normalizeIssueKey(input.key);
  const rules = rulesOf(deps);
  const [verification, overrides, pending] = await Promise.all([
    currentVerification(deps, key),
    deps.prisma.promotionOverride.findMany({ where: { issueKey: key }, orderBy: { id: 'asc' } }),
    deps.prisma.pendingTransition.findUnique({ where: { issueKey: key } }),
  ]);
  const actions: IssueAction[] = [];
  const actor = 'anonymous' in reader ? null : reader;
  if (actor) {
    if (verificationFrom(rules, input.status) && hasRole(actor, 'qa') && !(await separationRefusal(deps, key, actorPerson(actor)))) actions.push('verify');
    if (pending && hasRole(actor, 'releaser')) actions.push('retry-transition');
    if (rules.separationOfDuties && hasRole(actor, 'admin')) actions.push('waive-separation');
    if (hasRole(actor, 'editor')) {
      for (const t of input.transitions) if (!manualTransitionRefusal(rules, input.status, t.to)) actions.push(`transition:${t.to}`);
    }
  }
  return {
    verification: verification
      ? { by: verification.by, at: verification.at, env: verification.env, tests: verification.tests, ...(verification.waivedSeparation ? { waivedSeparation: verification.waivedSeparation } : {}) }
      : null,
    promotionOverrides: overrides.map(({ testName, revision, by, at, reason }) => ({ testName, revision, by, at, reason })),
    pendingTransition: pending ? { to: pending.to, error: pending.error } : null,
    allowedActions: actions,
  };
}
