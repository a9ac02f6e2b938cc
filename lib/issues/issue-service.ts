/**
 * Use cases behind /api/v1/issues, as plain functions of (deps, actor, input) so they run without HTTP. Work with any
 * IssueTracker; the built-in tracker's extras (full detail, listing by status) are used when it is the one configured.
 */
import { isAnonymous, requireReader, type Reader } from '@/lib/auth/actor';
import { requireMayDiscussIssues } from '@/lib/auth/issue-permissions';
import { AppError } from '@/lib/errors';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { BuiltinIssueTracker, IssueChangeLink, IssueDetail } from './builtin-tracker';
import type { CreateIssueInput, IssueFieldsChange, IssueTracker, IssueTransition, TrackedIssue, TransitionResult } from './issue-tracker';
import { DEFAULT_WORKFLOW_RULES, manualTransitionRefusal, type WorkflowRules } from './workflow';

export interface IssueDeps {
  prisma: PrismaClient;
  tracker: IssueTracker;
  rules?: WorkflowRules;
}

/** The transitions a person may take by hand: without the promotion and verification steps (workflow.ts). */
function manualTransitions(deps: IssueDeps, status: string, transitions: IssueTransition[]): IssueTransition[] {
  const rules = deps.rules ?? DEFAULT_WORKFLOW_RULES;
  return transitions.filter((t) => manualTransitionRefusal(rules, status, t.to) === null);
}

/** Route params arrive decoded; a key still percent-encoded (an older client) is decoded, anything else kept as typed. */
export function normalizeIssueKey(key: string): string {
  let decoded = key;
  try {
    decoded = decodeURIComponent(key);
  } catch {
    // '%' not followed by two hex digits: not an encoded key. The grammar check refuses it with a clear message.
  }
  return decoded.trim().toUpperCase();
}

export async function listIssues(deps: IssueDeps, reader: Reader, input: { q?: string; status?: string; limit?: number }): Promise<TrackedIssue[]> {
  requireReader(reader);
  if (isBuiltinTracker(deps.tracker)) return deps.tracker.listIssues(input);
  const found = await deps.tracker.searchIssues(input.q ?? '', { limit: input.limit });
  return input.status ? found.filter((issue) => issue.status === input.status) : found;
}

/**
 * By name, not `instanceof`: the tracker is created in the instrumentation bundle and used from route bundles, which hold
 * their own copy of the class (see lib/errors.ts).
 */
function isBuiltinTracker(tracker: IssueTracker): tracker is BuiltinIssueTracker {
  return tracker.name === 'builtin' && typeof (tracker as Partial<BuiltinIssueTracker>).getIssueDetail === 'function';
}

export async function getIssueDetail(deps: IssueDeps, reader: Reader, input: { key: string }): Promise<IssueDetail | (TrackedIssue & Partial<IssueDetail>)> {
  requireReader(reader);
  const key = normalizeIssueKey(input.key);
  const detail =
    isBuiltinTracker(deps.tracker) ? await deps.tracker.getIssueDetail(key) : await genericDetail(deps, key);
  if (!detail) throw new AppError('NOT_FOUND', `Issue ${key} does not exist.`);
  return {
    ...detail,
    transitions: manualTransitions(deps, detail.status, detail.transitions ?? []),
    links: mergeLinks(detail.links ?? [], await historyLinks(deps.prisma, key)),
  };
}

/**
 * Changes that name the issue in their commit message, from the history index: commits made outside Proctor Studio
 * (the seeded history, pushes to the upstream repository) belong to the issue as much as the ones made here.
 */
async function historyLinks(prisma: PrismaClient, key: string): Promise<IssueChangeLink[]> {
  const rows = await prisma.historyEntry.findMany({
    where: { issueKey: key },
    orderBy: { committedAt: 'asc' },
    take: 500,
    select: { testName: true, revision: true, branch: true, changeKind: true, committedAt: true },
  });
  return rows.map((row) => ({ testName: row.testName, revision: row.revision, env: row.branch, kind: row.changeKind === 'promote' ? 'promotion' : 'commit', createdAt: row.committedAt }));
}

function mergeLinks(recorded: IssueChangeLink[], indexed: IssueChangeLink[]): IssueChangeLink[] {
  const seen = new Set(recorded.map((link) => `${link.testName}@${link.revision}@${link.env}`));
  const merged = [...recorded, ...indexed.filter((link) => !seen.has(`${link.testName}@${link.revision}@${link.env}`))];
  return merged.sort((a, b) => new Date(a.createdAt).getTime() - new Date(b.createdAt).getTime());
}

async function genericDetail(deps: IssueDeps, key: string) {
  // Fresh: the issue page and the promote dialog show this status next to an action; a cached one (the typeahead's)
  // could still read 'In Progress' after the issue moved in JIRA, refusing in red what the action would accept.
  const issue = await deps.tracker.getIssue(key, { fresh: true });
  if (!issue) return null;
  const [transitions, links] = await Promise.all([
    deps.tracker.listTransitions(key),
    deps.prisma.issueLink.findMany({ where: { issueKey: key }, orderBy: { id: 'asc' } }),
  ]);
  return { ...issue, transitions, links: links.map(({ testName, revision, env, kind, createdAt }) => ({ testName, revision, env, kind, createdAt })) };
}

export async function createIssue(deps: IssueDeps, reader: Reader, input: CreateIssueInput): Promise<TrackedIssue> {
  const actor = requireReader(reader, 'editor');
  if (!deps.tracker.createIssue) {
    throw new AppError('BAD_REQUEST', `Issues are created in ${deps.tracker.name === 'jira' ? 'JIRA' : 'the tracker'} itself, not in Proctor Studio.`);
  }
  return deps.tracker.createIssue(input, actor.username);
}

export async function listIssueTransitions(deps: IssueDeps, reader: Reader, input: { key: string }) {
  requireReader(reader);
  const key = normalizeIssueKey(input.key);
  const [issue, transitions] = await Promise.all([deps.tracker.getIssue(key, { fresh: true }), deps.tracker.listTransitions(key)]);
  return issue ? manualTransitions(deps, issue.status, transitions) : transitions;
}

/** A person's transition. Refuses the steps that only a promotion or QA's verification may take (workflow.ts). */
export async function transitionIssue(deps: IssueDeps, reader: Reader, input: { key: string; to?: string; name?: string }): Promise<TransitionResult> {
  const actor = requireReader(reader, 'editor');
  const key = normalizeIssueKey(input.key);
  if (!input.to && !input.name) {
    throw new AppError('VALIDATION_FAILED', 'Say which status to move the issue to ("to") or which transition to take ("name").', {
      details: [{ path: '/to', message: 'is required' }],
    });
  }
  const issue = await deps.tracker.getIssue(key, { fresh: true });
  if (issue) {
    // By name: the status it leads to decides (an unknown name falls through to the tracker's own refusal).
    const target = input.to ?? (await deps.tracker.listTransitions(key)).find((t) => t.name.trim().toLowerCase() === input.name!.trim().toLowerCase())?.to;
    const refusal = target ? manualTransitionRefusal(deps.rules ?? DEFAULT_WORKFLOW_RULES, issue.status, target) : null;
    if (refusal) throw new AppError(refusal.code, `${key}: ${refusal.message}`, { data: { key, status: issue.status, to: target } });
  }
  if (input.to) return deps.tracker.transition(key, { to: input.to }, actor.username);
  return deps.tracker.transition(key, { name: input.name! }, actor.username);
}

/** Editors and QA (lib/auth/issue-permissions.ts). */
export async function commentOnIssue(deps: IssueDeps, reader: Reader, input: { key: string; body: string }): Promise<void> {
  const actor = requireMayDiscussIssues(isAnonymous(reader) ? null : reader);
  await deps.tracker.comment(normalizeIssueKey(input.key), input.body, actor.username);
}

/** Editors and QA change an issue's description and assignee; the assignee must be an account of this Proctor Studio. */
export async function updateIssue(deps: IssueDeps, reader: Reader, input: { key: string } & IssueFieldsChange): Promise<TrackedIssue> {
  const actor = requireMayDiscussIssues(isAnonymous(reader) ? null : reader);
  const key = normalizeIssueKey(input.key);
  if (!deps.tracker.updateIssue) {
    throw new AppError('BAD_REQUEST', `Issues are edited in ${deps.tracker.name === 'jira' ? 'JIRA' : 'the tracker'} itself, not in Proctor Studio.`);
  }
  if (input.description === undefined && input.assignee === undefined) {
    throw new AppError('VALIDATION_FAILED', 'Say what to change: "description", "assignee" or both.', { details: [{ path: '', message: 'needs description or assignee' }] });
  }
  const missing = (['description', 'assignee'] as const).filter((field) => input[field] !== undefined && !(field in input.previous));
  if (missing.length > 0) {
    throw new AppError('VALIDATION_FAILED', `Send the ${missing.join(' and ')} you started from in "previous", so a change made meanwhile is not overwritten.`, {
      details: missing.map((field) => ({ path: `/previous/${field}`, message: 'is required when changing it' })),
    });
  }
  const assignee = input.assignee === undefined ? undefined : input.assignee?.trim() || null;
  if (assignee) {
    const user = await deps.prisma.user.findUnique({ where: { username: assignee }, select: { disabled: true } });
    if (!user || user.disabled) {
      throw new AppError('VALIDATION_FAILED', `${assignee} is not an active user of Proctor Studio.`, { details: [{ path: '/assignee', message: 'must be an active user' }] });
    }
  }
  return deps.tracker.updateIssue(key, { description: input.description, assignee, previous: input.previous }, actor.username);
}
