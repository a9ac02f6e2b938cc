/**
 * The built-in issue tracker: ProTest issues kept in our own database, with the workflow of builtin-workflow.ts and an
 * event for every transition. Used when no JIRA is configured, and for the demo.
 */
import { AppError } from '@/lib/errors';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { INITIAL_STATUS, transitionsFrom, type WorkflowTransition } from './builtin-workflow';
import type { CreateIssueInput, IssueFieldsChange, IssueTracker, IssueTransition, StatusChange, TrackedIssue, TransitionRequest, TransitionResult } from './issue-tracker';

export const DEFAULT_PROJECT_KEY = 'PROTEST';
const MAX_SUMMARY = 255;
const MAX_TEXT = 32_000;
/** First half of the two-key advisory lock serialising issue numbers (the second is the project key's hash). */
const ISSUE_NUMBER_LOCK = 0x1551e;

export interface BuiltinTrackerOptions {
  /** Prefix of new issue keys (default PROTEST → PROTEST-1, PROTEST-2, …). */
  projectKey?: string;
  /** Base URL for issue links (e.g. http://localhost:3000). */
  publicUrl: string;
}

export interface IssueComment {
  id: number;
  author: string;
  body: string;
  createdAt: Date;
}

export interface IssueEvent {
  id: number;
  from: string | null;
  to: string;
  actor: string;
  at: Date;
}

export interface IssueChangeLink {
  testName: string;
  revision: string;
  env: string;
  kind: 'commit' | 'promotion';
  createdAt: Date;
}

export interface IssueDetail extends TrackedIssue {
  description: string;
  reporter: string;
  createdAt: Date;
  updatedAt: Date;
  comments: IssueComment[];
  events: IssueEvent[];
  links: IssueChangeLink[];
  transitions: IssueTransition[];
}

export interface ListIssuesOptions {
  q?: string;
  status?: string;
  /** Default 50, at most 200. */
  limit?: number;
}

type IssueRow = { key: string; type: string; status: string; summary: string; assignee: string | null };

export class BuiltinIssueTracker implements IssueTracker {
  readonly name = 'builtin' as const;
  readonly projectKey: string;
  private readonly publicUrl: string;

  constructor(
    private readonly prisma: PrismaClient,
    options: BuiltinTrackerOptions,
  ) {
    this.projectKey = options.projectKey ?? DEFAULT_PROJECT_KEY;
    this.publicUrl = options.publicUrl.replace(/\/+$/, '');
  }

  issueUrl(key: string): string {
    return `${this.publicUrl}/issues/${encodeURIComponent(key)}`;
  }

  private view(row: IssueRow): TrackedIssue {
    return { key: row.key, type: row.type, status: row.status, summary: row.summary, url: this.issueUrl(row.key), assignee: row.assignee };
  }

  async getIssue(key: string): Promise<TrackedIssue | null> {
    const row = await this.prisma.issue.findUnique({ where: { key } });
    return row ? this.view(row) : null;
  }

  private async requireIssue(key: string) {
    const row = await this.prisma.issue.findUnique({ where: { key } });
    if (!row) throw new AppError('ISSUE_NOT_FOUND', `Issue ${key} does not exist in the built-in tracker.`);
    return row;
  }

  async listTransitions(key: string): Promise<IssueTransition[]> {
    const row = await this.requireIssue(key);
    return transitionsFrom(row.status).map(({ id, name, to }) => ({ id, name, to }));
  }

  async transition(key: string, request: TransitionRequest, actor: string): Promise<TransitionResult> {
    const row = await this.requireIssue(key);
    const available = transitionsFrom(row.status);
    const wanted = 'to' in request ? request.to : request.name;
    const chosen = available.find((t) =>
      'to' in request ? t.to.toLowerCase() === request.to.trim().toLowerCase() : t.name.toLowerCase() === request.name.trim().toLowerCase(),
    );
    if (!chosen) {
      const what = 'to' in request ? `move to '${wanted}'` : `use '${wanted}'`;
      throw new AppError('ISSUE_STATE_NOT_ALLOWED', `${key} is in status '${row.status}' and cannot ${what} from there. ${describeAvailable(available)}`, {
        data: { key, status: row.status, available: available.map(({ name, to }) => ({ name, to })) },
      });
    }
    await this.prisma.$transaction(async (tx) => {
      // Compare-and-set on the status: two people transitioning at once cannot both succeed from the same status.
      const { count } = await tx.issue.updateMany({ where: { key, status: row.status }, data: { status: chosen.to } });
      if (count === 0) {
        throw new AppError('ISSUE_STATE_NOT_ALLOWED', `${key} changed status while '${chosen.name}' was being applied. Reload and try again.`);
      }
      await tx.issueEvent.create({ data: { issueKey: key, from: row.status, to: chosen.to, actor } });
    });
    return { key, from: row.status, to: chosen.to, transition: chosen.name };
  }

  async statusHistory(key: string): Promise<StatusChange[]> {
    const events = await this.prisma.issueEvent.findMany({ where: { issueKey: key }, orderBy: { id: 'asc' } });
    return events.map(({ from, to, actor, at }) => ({ from, to, by: actor, at }));
  }

  async comment(key: string, body: string, actor: string): Promise<void> {
    const text = body.trim();
    if (!text) throw new AppError('VALIDATION_FAILED', 'A comment needs some text.', { details: [{ path: '/body', message: 'must not be empty' }] });
    if (text.length > MAX_TEXT) {
      throw new AppError('VALIDATION_FAILED', `A comment can have at most ${MAX_TEXT} characters.`, {
        details: [{ path: '/body', message: `must have at most ${MAX_TEXT} characters` }],
      });
    }
    await this.requireIssue(key);
    await this.prisma.issueComment.create({ data: { issueKey: key, author: actor, body: text } });
    await this.prisma.issue.update({ where: { key }, data: { updatedAt: new Date() } });
  }

  async updateIssue(key: string, change: IssueFieldsChange, _actor: string): Promise<TrackedIssue> {
    if ((change.description ?? '').length > MAX_TEXT) {
      throw new AppError('VALIDATION_FAILED', `A description can have at most ${MAX_TEXT} characters.`, { details: [{ path: '/description', message: `must have at most ${MAX_TEXT} characters` }] });
    }
    await this.requireIssue(key);
    const data = {
      ...(change.description !== undefined ? { description: change.description } : {}),
      ...(change.assignee !== undefined ? { assignee: change.assignee } : {}),
    };
    // Compare-and-set on the fields being changed: an edit made meanwhile by someone else is not overwritten.
    const where = {
      key,
      ...(change.description !== undefined ? { description: change.previous.description ?? '' } : {}),
      ...(change.assignee !== undefined ? { assignee: change.previous.assignee ?? null } : {}),
    };
    const { count } = await this.prisma.issue.updateMany({ where, data });
    if (count === 0) {
      const now = await this.requireIssue(key);
      const moved = [change.description !== undefined && now.description !== (change.previous.description ?? '') ? 'description' : '', change.assignee !== undefined && now.assignee !== (change.previous.assignee ?? null) ? 'assignee' : ''].filter(Boolean);
      throw new AppError('STALE_REVISION', `${key} was changed by someone else meanwhile (${moved.join(' and ') || 'its fields'}). Reload to see the current text, then apply your edit again.`, {
        data: { key, description: now.description, assignee: now.assignee },
      });
    }
    return this.view(await this.requireIssue(key));
  }

  async searchIssues(query: string, options: { limit?: number } = {}): Promise<TrackedIssue[]> {
    return this.listIssues({ q: query, limit: options.limit ?? 10 });
  }

  /** Newest first; `q` matches the key prefix (case-insensitive) or any part of the summary. */
  async listIssues(options: ListIssuesOptions = {}): Promise<TrackedIssue[]> {
    const q = options.q?.trim();
    const limit = Math.min(Math.max(Math.trunc(options.limit ?? 50), 1), 200);
    const rows = await this.prisma.issue.findMany({
      where: {
        ...(options.status ? { status: options.status } : {}),
        ...(q
          ? { OR: [{ key: { startsWith: q, mode: 'insensitive' as const } }, { summary: { contains: q, mode: 'insensitive' as const } }] }
          : {}),
      },
      orderBy: [{ projectKey: 'asc' }, { number: 'desc' }],
      take: limit,
    });
    return rows.map((row) => this.view(row));
  }

  async createIssue(input: CreateIssueInput, actor: string): Promise<TrackedIssue> {
    const summary = input.summary.trim();
    const type = input.type.trim();
    const details = [];
    if (!summary) details.push({ path: '/summary', message: 'must not be empty' });
    if (summary.length > MAX_SUMMARY) details.push({ path: '/summary', message: `must have at most ${MAX_SUMMARY} characters` });
    if (!type) details.push({ path: '/type', message: 'must not be empty' });
    if ((input.description ?? '').length > MAX_TEXT) details.push({ path: '/description', message: `must have at most ${MAX_TEXT} characters` });
    if (details.length > 0) throw new AppError('VALIDATION_FAILED', 'The issue is not valid: ' + details.map((d) => `${d.path.slice(1)} ${d.message}`).join('; ') + '.', { details });

    // Numbers are max+1 per project, allocated one at a time: the transaction holds the project's advisory lock (on
    // every instance sharing the database) until it commits, so the next create reads the new max. The retry on the
    // unique (projectKey, number) stays for an issue inserted outside this lock (seeding with fixed keys).
    for (let attempt = 0; ; attempt++) {
      try {
        const row = await this.prisma.$transaction(async (tx) => {
          await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ISSUE_NUMBER_LOCK}::int, hashtext(${this.projectKey})::int)`;
          const { _max } = await tx.issue.aggregate({ where: { projectKey: this.projectKey }, _max: { number: true } });
          const number = (_max.number ?? 0) + 1;
          const key = `${this.projectKey}-${number}`;
          const created = await tx.issue.create({
            data: { key, projectKey: this.projectKey, number, type, status: INITIAL_STATUS, summary, description: input.description ?? '', reporter: actor },
          });
          await tx.issueEvent.create({ data: { issueKey: key, from: null, to: INITIAL_STATUS, actor } });
          return created;
        });
        return this.view(row);
      } catch (error) {
        if (attempt < 5 && (error as { code?: string }).code === 'P2002') continue;
        throw error;
      }
    }
  }

  /** Everything the issue page shows: the issue, its comments, transition events, linked definition changes. */
  async getIssueDetail(key: string): Promise<IssueDetail | null> {
    const row = await this.prisma.issue.findUnique({
      where: { key },
      include: { comments: { orderBy: { id: 'asc' } }, events: { orderBy: { id: 'asc' } } },
    });
    if (!row) return null;
    const links = await this.prisma.issueLink.findMany({ where: { issueKey: key }, orderBy: { id: 'asc' } });
    return {
      ...this.view(row),
      description: row.description,
      reporter: row.reporter,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      comments: row.comments.map(({ id, author, body, createdAt }) => ({ id, author, body, createdAt })),
      events: row.events.map(({ id, from, to, actor, at }) => ({ id, from, to, actor, at })),
      links: links.map(({ testName, revision, env, kind, createdAt }) => ({ testName, revision, env, kind, createdAt })),
      transitions: transitionsFrom(row.status).map(({ id, name, to }) => ({ id, name, to })),
    };
  }
}

function describeAvailable(available: WorkflowTransition[]): string {
  if (available.length === 0) return 'No transitions are available from it.';
  return 'Available: ' + available.map((t) => `'${t.name}' → '${t.to}'`).join(', ') + '.';
}

export function createBuiltinTracker(prisma: PrismaClient, options: BuiltinTrackerOptions): BuiltinIssueTracker {
  return new BuiltinIssueTracker(prisma, options);
}
