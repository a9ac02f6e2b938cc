/**
 * Recent activity across all tests and environments (the Activity page): commits, promotions and reverts from the
 * history index, and the issues' workflow transitions, newest first, paged by offset. Filters: test, user, issue and
 * environment. Reads only the database (the history index and the issue events), so it stays fast with many tests.
 */
import { ENVIRONMENTS, type Environment } from '@/lib/store';
import { requireReader, type Reader, type ServiceDeps } from './service-deps';

export interface ActivityChange {
  type: 'change';
  env: Environment;
  testName: string;
  revision: string;
  authorName: string;
  authoredAt: Date;
  committedAt: Date;
  message: string;
  issueKey: string | null;
  changeKind: string;
  sourceRevision: string | null;
  sourceBranch: string | null;
}

/** An issue moved through the workflow (built-in tracker; from is null when the issue was created). */
export interface ActivityTransition {
  type: 'transition';
  issueKey: string;
  from: string | null;
  to: string;
  actor: string;
  at: Date;
}

export type ActivityEntry = ActivityChange | ActivityTransition;

export interface ListActivityQuery {
  env?: string;
  /** Exact test name. */
  test?: string;
  /** Exact author name, or user name (an e-mail's local part; a transition's actor). */
  user?: string;
  /** Exact issue key (any case). */
  issue?: string;
  limit?: number;
  offset?: number;
}

/** Deeper than this, narrow the filters: every page merges the two sources from the start. */
export const MAX_ACTIVITY_OFFSET = 10_000;

export function activityTime(entry: ActivityEntry): Date {
  return entry.type === 'change' ? entry.committedAt : entry.at;
}

export async function listActivity(
  deps: Pick<ServiceDeps, 'prisma'>,
  reader: Reader,
  query: ListActivityQuery = {},
): Promise<{ entries: ActivityEntry[]; total: number; limit: number; offset: number }> {
  requireReader(reader);
  const { prisma } = deps;
  const limit = Math.max(1, Math.min(200, Math.floor(query.limit ?? 50)));
  const offset = Math.max(0, Math.min(MAX_ACTIVITY_OFFSET, Math.floor(query.offset ?? 0)));
  const env = (ENVIRONMENTS as readonly string[]).includes(query.env ?? '') ? query.env : undefined;
  const test = query.test?.trim() || undefined;
  const user = query.user?.trim() || undefined;
  const issue = query.issue?.trim().toUpperCase() || undefined;
  const changesWhere = {
    ...(env ? { branch: env } : {}),
    ...(test ? { testName: test } : {}),
    ...(issue ? { issueKey: issue } : {}),
    ...(user ? { OR: [{ authorName: user }, { authorEmail: { startsWith: `${user}@` } }] } : {}),
  };
  // A transition belongs to an issue, not to a test or an environment: those filters leave transitions out.
  const withTransitions = !env && !test;
  const transitionsWhere = { ...(issue ? { issueKey: issue } : {}), ...(user ? { actor: user } : {}) };
  const window = offset + limit;
  const [changes, changeTotal, transitions, transitionTotal] = await Promise.all([
    prisma.historyEntry.findMany({ where: changesWhere, orderBy: [{ committedAt: 'desc' }, { id: 'desc' }], take: window }),
    prisma.historyEntry.count({ where: changesWhere }),
    withTransitions ? prisma.issueEvent.findMany({ where: transitionsWhere, orderBy: [{ at: 'desc' }, { id: 'desc' }], take: window }) : Promise.resolve([]),
    withTransitions ? prisma.issueEvent.count({ where: transitionsWhere }) : Promise.resolve(0),
  ]);
  const merged: ActivityEntry[] = [
    ...changes.map(
      (row): ActivityChange => ({
        type: 'change',
        env: row.branch as Environment,
        testName: row.testName,
        revision: row.revision,
        authorName: row.authorName,
        authoredAt: row.authoredAt,
        committedAt: row.committedAt,
        message: row.message.split('\n', 1)[0],
        issueKey: row.issueKey,
        changeKind: row.changeKind,
        sourceRevision: row.sourceRevision,
        sourceBranch: row.sourceBranch,
      }),
    ),
    ...transitions.map((row): ActivityTransition => ({ type: 'transition', issueKey: row.issueKey, from: row.from, to: row.to, actor: row.actor, at: row.at })),
  ].sort((a, b) => activityTime(b).getTime() - activityTime(a).getTime());
  return { entries: merged.slice(offset, window), total: changeTotal + transitionTotal, limit, offset };
}
