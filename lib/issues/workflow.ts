/**
 * The ONE place with the rules that tie definition changes to issues, used by the save and promote services for the
 * built-in tracker and JIRA alike. Change the rules here (or pass your own WorkflowRules), nowhere else.
 *
 * Order of checks: key format first (no tracker call for a malformed key), then existence, type, status.
 */
import type { PromotionTarget } from '@/lib/domain/environment';
import { parseIssueKey, type IssueKey, type IssueKeyGrammar } from '@/lib/domain/issue-key';
import { AppError } from '@/lib/errors';
import type { IssueTracker, TrackedIssue, TransitionResult } from './issue-tracker';

export type { PromotionTarget };

export interface PromotionRule {
  /** The issue must be in this status before the definition may be promoted. */
  requiredStatus: string;
  /** After a successful promotion the issue is moved to this status. */
  nextStatus: string;
  /** Told to the user when the issue is not yet in requiredStatus. */
  hint: string;
}

/** QA's verification step: an issue in `from` is verified into `to` (seed 004 steps 3 and 5). */
export interface VerificationRule {
  from: string;
  to: string;
}

export interface WorkflowRules {
  /** The issue-key grammar (lib/domain/issue-key.ts), optionally narrowed to projects. */
  issueKeys: IssueKeyGrammar;
  /** Issue type every definition change must reference (case-sensitive, as the tracker names it). */
  requiredIssueType: string;
  /** Saving is refused while the issue is in one of these statuses. */
  saveForbiddenStatuses: string[];
  promotion: Record<PromotionTarget, PromotionRule>;
  /** Verifying: qa = In QA → Production Ready (records what is live in qa), production = In Production → Pending Closure. */
  verification: Record<PromotionTarget, VerificationRule>;
  /** The verifier must not have authored a change linked to the issue (config PROCTOR_SEPARATION_OF_DUTIES). */
  separationOfDuties: boolean;
}

export const DEFAULT_WORKFLOW_RULES: WorkflowRules = {
  issueKeys: {},
  requiredIssueType: 'ProTest',
  saveForbiddenStatuses: ['Closed'],
  promotion: {
    qa: { requiredStatus: 'QA Ready', nextStatus: 'In QA', hint: 'Resolve the issue first.' },
    production: { requiredStatus: 'Production Ready', nextStatus: 'In Production', hint: 'Verify the issue in QA first.' },
  },
  verification: {
    qa: { from: 'In QA', to: 'Production Ready' },
    production: { from: 'In Production', to: 'Pending Closure' },
  },
  separationOfDuties: true,
};

/** The rules with the deployment's settings applied (the composition root's one call). */
export function workflowRulesFor(config: { separationOfDuties?: boolean }): WorkflowRules {
  return { ...DEFAULT_WORKFLOW_RULES, separationOfDuties: config.separationOfDuties ?? true };
}

/**
 * Why a person may not take a transition by hand, or null. "→ In QA" / "→ In Production" mean "promoted" and happen
 * only through a promotion; the verification steps go through verify, which checks the role and separation of duties.
 */
export function manualTransitionRefusal(rules: WorkflowRules, from: string, to: string): { code: 'TRANSITION_NEEDS_PROMOTION'; message: string } | null {
  const norm = (value: string) => value.trim().toLowerCase();
  for (const env of ['qa', 'production'] as const) {
    if (norm(rules.promotion[env].nextStatus) === norm(to)) {
      return {
        code: 'TRANSITION_NEEDS_PROMOTION',
        message: `'${rules.promotion[env].nextStatus}' means the definition was promoted to ${env}; an issue moves there only through a promotion, not by hand. Promote the test to ${env} under this issue (a releaser's step) instead.`,
      };
    }
    const verify = rules.verification[env];
    if (norm(verify.from) === norm(from) && norm(verify.to) === norm(to)) {
      return {
        code: 'TRANSITION_NEEDS_PROMOTION',
        message: `'${verify.from}' → '${verify.to}' is QA's verification: it records what was verified and who verified it. Use Verify on the issue page (POST /api/v1/issues/{key}/verify) as a QA analyst who authored none of its changes.`,
      };
    }
  }
  return null;
}

/** The verification step that starts from `status`, if any. */
export function verificationFrom(rules: WorkflowRules, status: string): { env: PromotionTarget; rule: VerificationRule } | null {
  for (const env of ['qa', 'production'] as const) {
    if (rules.verification[env].from === status) return { env, rule: rules.verification[env] };
  }
  return null;
}

function trackerLabel(tracker: IssueTracker): string {
  return tracker.name === 'jira' ? 'JIRA' : 'the built-in tracker';
}

/** Trims and checks the key's form; throws ISSUE_INVALID naming the expected form. */
export function validateIssueKey(key: unknown, rules: WorkflowRules = DEFAULT_WORKFLOW_RULES): IssueKey {
  return parseIssueKey(key, rules.issueKeys);
}

async function loadIssue(tracker: IssueTracker, rawKey: unknown, rules: WorkflowRules): Promise<TrackedIssue> {
  const key = validateIssueKey(rawKey, rules);
  const issue = await tracker.getIssue(key, { fresh: true });
  if (!issue) {
    throw new AppError('ISSUE_NOT_FOUND', `Issue ${key} does not exist in ${trackerLabel(tracker)}. Check the key or create the issue.`, {
      details: [{ path: '/issueKey', message: 'does not exist' }],
    });
  }
  if (issue.type !== rules.requiredIssueType) {
    throw new AppError('ISSUE_INVALID', `${key} is a '${issue.type}' issue; test definition changes need an issue of type '${rules.requiredIssueType}'.`, {
      details: [{ path: '/issueKey', message: `must be an issue of type ${rules.requiredIssueType}` }],
    });
  }
  return issue;
}

/** The issue a save may be made under; throws ISSUE_INVALID / ISSUE_NOT_FOUND / ISSUE_STATE_NOT_ALLOWED. */
export async function checkIssueForSave(tracker: IssueTracker, key: unknown, rules: WorkflowRules = DEFAULT_WORKFLOW_RULES): Promise<TrackedIssue> {
  const issue = await loadIssue(tracker, key, rules);
  if (rules.saveForbiddenStatuses.includes(issue.status)) {
    throw new AppError('ISSUE_STATE_NOT_ALLOWED', `${issue.key} is in status '${issue.status}'; saving needs an issue that is not ${rules.saveForbiddenStatuses.map((s) => `'${s}'`).join(' or ')}. Reopen the issue or use another one.`, {
      details: [{ path: '/issueKey', message: `is ${issue.status}` }],
      data: { key: issue.key, status: issue.status },
    });
  }
  return issue;
}

/** The issue a promotion to `env` may be made under; same errors as checkIssueForSave. */
export async function checkIssueForPromotion(
  tracker: IssueTracker,
  key: unknown,
  env: PromotionTarget,
  rules: WorkflowRules = DEFAULT_WORKFLOW_RULES,
): Promise<TrackedIssue> {
  const rule = rules.promotion[env];
  if (!rule) throw new AppError('BAD_REQUEST', `Definitions cannot be promoted to '${String(env)}'; use qa or production.`);
  const issue = await loadIssue(tracker, key, rules);
  if (issue.status !== rule.requiredStatus) {
    throw new AppError('ISSUE_STATE_NOT_ALLOWED', `${issue.key} is in status '${issue.status}'; promoting to ${env} needs '${rule.requiredStatus}'. ${rule.hint}`, {
      details: [{ path: '/issueKey', message: `must be in status ${rule.requiredStatus}` }],
      data: { key: issue.key, status: issue.status, requiredStatus: rule.requiredStatus },
    });
  }
  return issue;
}

/**
 * Moves the issue on after a promotion (QA Ready → In QA, Production Ready → In Production). Returns null when it is
 * already there (a retried promotion). Throws the tracker's error otherwise — the promotion itself has happened, so the
 * caller should report this as a warning rather than undo it.
 */
export async function advanceIssueAfterPromotion(
  tracker: IssueTracker,
  key: string,
  env: PromotionTarget,
  actor: string,
  rules: WorkflowRules = DEFAULT_WORKFLOW_RULES,
): Promise<TransitionResult | null> {
  const rule = rules.promotion[env];
  const issue = await tracker.getIssue(key, { fresh: true });
  if (!issue) throw new AppError('ISSUE_NOT_FOUND', `Issue ${key} does not exist in ${trackerLabel(tracker)}.`);
  if (issue.status === rule.nextStatus) return null;
  return tracker.transition(key, { to: rule.nextStatus }, actor);
}
