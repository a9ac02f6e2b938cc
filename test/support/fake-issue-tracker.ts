/**
 * An in-memory IssueTracker for use-case tests, with the built-in tracker's workflow (builtin-workflow.ts) and its
 * refusals: ISSUE_NOT_FOUND for an unknown key, ISSUE_STATE_NOT_ALLOWED naming the status and what is possible.
 * Comments, transitions and test-page links are kept for assertions; `failing` makes the next call of a method throw.
 */
import { AppError } from '@/lib/errors';
import { INITIAL_STATUS, transitionsFrom } from '@/lib/issues/builtin-workflow';
import type { CreateIssueInput, IssueTracker, IssueTransition, TrackedIssue, TransitionRequest, TransitionResult } from '@/lib/issues/issue-tracker';

type Method = 'getIssue' | 'transition' | 'comment' | 'linkTestPage';

export class FakeIssueTracker implements IssueTracker {
  readonly name = 'builtin' as const;
  readonly issues = new Map<string, TrackedIssue>();
  readonly comments: { key: string; body: string; actor: string }[] = [];
  readonly transitions: (TransitionResult & { actor: string })[] = [];
  readonly links: { key: string; testName: string; url: string }[] = [];
  /** The next call of each named method throws this error (then the method works again). */
  readonly failing = new Map<Method, Error>();
  private next = 1;

  /** Adds an issue as it stands now, e.g. add({ status: 'QA Ready' }). */
  add(issue: Partial<TrackedIssue> & { key?: string } = {}): TrackedIssue {
    const key = issue.key ?? `PROTEST-${this.next++}`;
    const stored: TrackedIssue = { key, type: 'ProTest', status: INITIAL_STATUS, summary: `Issue ${key}`, url: `http://tracker.test/${key}`, ...issue };
    this.issues.set(key, stored);
    return stored;
  }

  private fail(method: Method): void {
    const error = this.failing.get(method);
    if (error) {
      this.failing.delete(method);
      throw error;
    }
  }

  private require(key: string): TrackedIssue {
    const issue = this.issues.get(key);
    if (!issue) throw new AppError('ISSUE_NOT_FOUND', `Issue ${key} does not exist.`);
    return issue;
  }

  async getIssue(key: string): Promise<TrackedIssue | null> {
    this.fail('getIssue');
    const issue = this.issues.get(key);
    return issue ? { ...issue } : null;
  }

  async listTransitions(key: string): Promise<IssueTransition[]> {
    return transitionsFrom(this.require(key).status).map(({ id, name, to }) => ({ id, name, to }));
  }

  async transition(key: string, request: TransitionRequest, actor: string): Promise<TransitionResult> {
    this.fail('transition');
    const issue = this.require(key);
    const possible = transitionsFrom(issue.status);
    const chosen = possible.find((t) => ('to' in request ? t.to === request.to : t.name === request.name));
    if (!chosen) {
      throw new AppError('ISSUE_STATE_NOT_ALLOWED', `${key} is in status '${issue.status}'; possible: ${possible.map((t) => t.name).join(', ') || 'none'}.`, {
        data: { key, status: issue.status },
      });
    }
    const result = { key, from: issue.status, to: chosen.to, transition: chosen.name };
    issue.status = chosen.to;
    this.transitions.push({ ...result, actor });
    return result;
  }

  async comment(key: string, body: string, actor: string): Promise<void> {
    this.fail('comment');
    this.require(key);
    this.comments.push({ key, body, actor });
  }

  async searchIssues(query: string, options: { limit?: number } = {}): Promise<TrackedIssue[]> {
    const q = query.toLowerCase();
    return [...this.issues.values()].filter((issue) => issue.key.toLowerCase().includes(q) || issue.summary.toLowerCase().includes(q)).slice(0, options.limit ?? 50);
  }

  async linkTestPage(key: string, testName: string, url: string): Promise<void> {
    this.fail('linkTestPage');
    this.links.push({ key, testName, url });
  }

  async createIssue(input: CreateIssueInput): Promise<TrackedIssue> {
    return this.add({ summary: input.summary, type: input.type });
  }
}

