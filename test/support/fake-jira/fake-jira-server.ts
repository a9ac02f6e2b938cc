/**
 * A small stateful JIRA for tests and demos: node:http on 127.0.0.1, the REST v2 endpoints the adapter uses with the
 * real JSON shapes (issue, transitions, comments, remote links, search, error bodies {errorMessages, errors}), a
 * configurable ProTest workflow, Basic and bearer authentication, Server/Data Center or Cloud behaviour (Cloud answers
 * the removed POST /rest/api/2/search with 410 and offers /rest/api/2/search/jql with token paging), and switches to
 * inject failures (404/401/500/any status) and slow answers.
 *
 * No imports outside node: so `npm run fake-jira` can run it as a demo server.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { JqlError, parseJql, type JqlIssue } from './fake-jql';

export type StatusCategory = 'new' | 'indeterminate' | 'done';

export interface FakeWorkflow {
  statuses: { name: string; category: StatusCategory }[];
  /** from '*' = a global transition, available from every status. */
  transitions: { id: string; name: string; from: string[] | '*'; to: string }[];
  initialStatus: string;
}

/** The ProTest workflow of the built-in tracker, with JIRA-style numeric ids (deliberately not the built-in ids). */
export const PROTEST_WORKFLOW: FakeWorkflow = {
  statuses: [
    { name: 'Open', category: 'new' },
    { name: 'In Progress', category: 'indeterminate' },
    { name: 'QA Ready', category: 'indeterminate' },
    { name: 'In QA', category: 'indeterminate' },
    { name: 'Production Ready', category: 'indeterminate' },
    { name: 'In Production', category: 'indeterminate' },
    { name: 'Pending Closure', category: 'indeterminate' },
    { name: 'Closed', category: 'done' },
  ],
  transitions: [
    { id: '11', name: 'Start Progress', from: ['Open'], to: 'In Progress' },
    { id: '21', name: 'Resolve', from: ['In Progress'], to: 'QA Ready' },
    { id: '31', name: 'Promote to QA', from: ['QA Ready'], to: 'In QA' },
    { id: '41', name: 'Verify', from: ['In QA'], to: 'Production Ready' },
    { id: '51', name: 'Promote to Production', from: ['Production Ready'], to: 'In Production' },
    { id: '61', name: 'Verify in Production', from: ['In Production'], to: 'Pending Closure' },
    { id: '71', name: 'Close', from: ['Pending Closure'], to: 'Closed' },
    { id: '81', name: 'Reopen', from: ['Pending Closure', 'Closed'], to: 'In Progress' },
  ],
  initialStatus: 'Open',
};

export interface FakeIssueSeed {
  key?: string;
  project?: string;
  type?: string;
  summary: string;
  description?: string;
  status?: string;
  assignee?: string | null;
}

export interface FakeComment {
  id: string;
  author: string;
  body: string;
  created: string;
}

export interface FakeRemoteLink {
  id: number;
  globalId?: string;
  application?: { type?: string; name?: string };
  object: { url: string; title: string; summary?: string; icon?: Record<string, string> };
}

export interface FakeIssue {
  id: string;
  key: string;
  project: string;
  type: string;
  summary: string;
  description: string;
  status: string;
  assignee: string | null;
  created: number;
  updated: number;
  comments: FakeComment[];
  remoteLinks: FakeRemoteLink[];
  /** Every status change, oldest first. */
  history: { from: string; to: string; transition: string; by: string; at: number }[];
}

export interface FakeFault {
  method?: string;
  /** Prefix of the request path (e.g. "/rest/api/2/issue/PROTEST-1") or a RegExp on it. */
  path?: string | RegExp;
  /** Answer with this status and JIRA's error body. */
  status?: number;
  /** Wait this long before answering (normally, or with `status`). */
  delayMs?: number;
  /** How many requests it applies to (default: until cleared). */
  times?: number;
  errorMessages?: string[];
}

export interface FakeJiraOptions {
  deployment?: 'server' | 'cloud';
  /** Basic accounts (user → API token or password) and bearer personal access tokens. */
  accounts?: { basic?: Record<string, string>; bearer?: string[] };
  workflow?: FakeWorkflow;
  projects?: { key: string; name: string }[];
  issues?: FakeIssueSeed[];
  port?: number;
  /** Fixed clock for timestamps (default Date.now). */
  now?: () => number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  auth: 'basic' | 'bearer' | 'none';
  body?: unknown;
}

export const FAKE_JIRA_DEFAULT_ACCOUNTS = { basic: { 'proctor-bot': 'jira-demo-token' }, bearer: ['jira-demo-pat'] };

const API = '/rest/api/2';

function jiraTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorMessages: string[],
    readonly errors: Record<string, string> = {},
  ) {
    super(errorMessages.join('; '));
  }
}

export class FakeJira {
  readonly requests: RecordedRequest[] = [];
  readonly issues = new Map<string, FakeIssue>();
  deployment: 'server' | 'cloud';
  workflow: FakeWorkflow;
  accounts: { basic: Record<string, string>; bearer: string[] };
  /** Largest page a search returns, whatever maxResults asks (JIRA caps pages too; lower it to test paging). */
  maxPageSize = 1000;
  private faults: (FakeFault & { remaining: number })[] = [];
  private server?: http.Server;
  private nextId = 10000;
  private nextCommentId = 20000;
  private nextLinkId = 30000;
  private readonly counters = new Map<string, number>();
  private readonly projects: { key: string; name: string; id: string }[];
  private readonly now: () => number;
  url = '';

  constructor(options: FakeJiraOptions = {}) {
    this.deployment = options.deployment ?? 'server';
    this.workflow = options.workflow ?? PROTEST_WORKFLOW;
    this.accounts = { basic: { ...(options.accounts?.basic ?? FAKE_JIRA_DEFAULT_ACCOUNTS.basic) }, bearer: [...(options.accounts?.bearer ?? FAKE_JIRA_DEFAULT_ACCOUNTS.bearer)] };
    this.projects = (options.projects ?? [{ key: 'PROTEST', name: 'Proctor Tests' }]).map((p, i) => ({ ...p, id: String(10100 + i) }));
    this.now = options.now ?? Date.now;
    for (const seed of options.issues ?? []) this.createIssue(seed);
  }

  async start(port = 0): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  // ---- state, for tests and the demo -----------------------------------------------------------------------------------

  createIssue(seed: FakeIssueSeed): FakeIssue {
    const project = seed.project ?? seed.key?.replace(/-\d+$/, '') ?? this.projects[0].key;
    if (!this.projects.some((p) => p.key === project)) this.projects.push({ key: project, name: project, id: String(10100 + this.projects.length) });
    let key = seed.key;
    if (key) {
      const n = Number(key.split('-').pop());
      this.counters.set(project, Math.max(this.counters.get(project) ?? 0, n));
    } else {
      const n = (this.counters.get(project) ?? 0) + 1;
      this.counters.set(project, n);
      key = `${project}-${n}`;
    }
    const status = seed.status ?? this.workflow.initialStatus;
    if (!this.workflow.statuses.some((s) => s.name === status)) throw new Error(`fake JIRA: unknown status '${status}'`);
    const at = this.now();
    const issue: FakeIssue = {
      id: String(this.nextId++),
      key,
      project,
      type: seed.type ?? 'ProTest',
      summary: seed.summary,
      description: seed.description ?? '',
      status,
      assignee: seed.assignee ?? null,
      created: at,
      updated: at,
      comments: [],
      remoteLinks: [],
      history: [],
    };
    this.issues.set(key, issue);
    return issue;
  }

  issue(key: string): FakeIssue {
    const issue = this.issues.get(key);
    if (!issue) throw new Error(`fake JIRA: no issue ${key}`);
    return issue;
  }

  /** Moves an issue as a person in JIRA would (no transition check). */
  setStatus(key: string, status: string, by = 'admin'): void {
    const issue = this.issue(key);
    issue.history.push({ from: issue.status, to: status, transition: '(set by test)', by, at: this.now() });
    issue.status = status;
    issue.updated = this.now();
  }

  inject(fault: FakeFault): void {
    this.faults.push({ ...fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
  }

  clearFaults(): void {
    this.faults = [];
  }

  // ---- HTTP ------------------------------------------------------------------------------------------------------------

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake-jira');
    const method = req.method ?? 'GET';
    let body: unknown;
    try {
      const raw = await readBody(req);
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw);
        } catch {
          throw new HttpError(400, ['Unexpected character in the request body: it must be JSON.']);
        }
      }
      if (url.pathname.startsWith('/_fake/')) return this.send(res, ...this.control(method, url.pathname, body));
      const auth = this.authenticate(req.headers.authorization);
      this.requests.push({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), auth: auth.kind, body });
      const fault = this.takeFault(method, url.pathname);
      if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (res.destroyed || res.socket?.destroyed) return; // the client gave up (timed out) while we waited
      if (fault?.status) throw new HttpError(fault.status, fault.errorMessages ?? [defaultMessage(fault.status)]);
      if (!auth.ok) throw new HttpError(401, ['You are not authenticated. Authentication required to perform this operation.']);
      const [status, payload] = this.route(method, url, body, auth.user);
      this.send(res, status, payload);
    } catch (error) {
      if (error instanceof HttpError) return this.send(res, error.status, { errorMessages: error.errorMessages, errors: error.errors });
      if (error instanceof JqlError) return this.send(res, 400, { errorMessages: [error.message], errors: {} });
      this.send(res, 500, { errorMessages: [`Internal server error: ${(error as Error).message}`], errors: {} });
    }
  }

  private send(res: http.ServerResponse, status: number, payload?: unknown): void {
    if (res.headersSent || res.destroyed) return;
    if (payload === undefined) {
      res.writeHead(status);
      res.end();
      return;
    }
    const text = JSON.stringify(payload);
    res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  private authenticate(header: string | undefined): { ok: boolean; kind: RecordedRequest['auth']; user: string } {
    if (!header) return { ok: false, kind: 'none', user: '' };
    const [scheme, credentials = ''] = header.split(' ', 2);
    if (scheme === 'Bearer') return { ok: this.accounts.bearer.includes(credentials), kind: 'bearer', user: 'pat-user' };
    if (scheme === 'Basic') {
      const decoded = Buffer.from(credentials, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const user = decoded.slice(0, colon);
      return { ok: colon > 0 && this.accounts.basic[user] === decoded.slice(colon + 1), kind: 'basic', user };
    }
    return { ok: false, kind: 'none', user: '' };
  }

  private takeFault(method: string, path: string): FakeFault | undefined {
    const fault = this.faults.find(
      (f) =>
        f.remaining > 0 &&
        (!f.method || f.method.toUpperCase() === method) &&
        (!f.path || (typeof f.path === 'string' ? path.startsWith(f.path) : f.path.test(path))),
    );
    if (fault) fault.remaining--;
    return fault;
  }

  /** /_fake/faults (POST a fault, DELETE all), /_fake/issues (GET state, POST a seed): for demos over HTTP. */
  private control(method: string, path: string, body: unknown): [number, unknown?] {
    if (path === '/_fake/faults' && method === 'POST') {
      const fault = (body ?? {}) as FakeFault;
      this.inject(fault);
      return [201, { ok: true }];
    }
    if (path === '/_fake/faults' && method === 'DELETE') {
      this.clearFaults();
      return [204];
    }
    if (path === '/_fake/issues' && method === 'GET') return [200, [...this.issues.values()]];
    if (path === '/_fake/issues' && method === 'POST') return [201, this.createIssue(body as FakeIssueSeed)];
    return [404, { errorMessages: ['No such control endpoint.'], errors: {} }];
  }

  private route(method: string, url: URL, body: unknown, user: string): [number, unknown?] {
    const path = url.pathname;
    let m: RegExpExecArray | null;
    if (path === `${API}/myself` && method === 'GET') return [200, this.userJson(user)];
    if (path === `${API}/issue` && method === 'POST') return this.postIssue(body);
    if (path === `${API}/search`) {
      if (this.deployment === 'cloud') {
        throw new HttpError(410, ['The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046'] );
      }
      const input = method === 'POST' ? ((body ?? {}) as Record<string, unknown>) : queryInput(url);
      return [200, this.searchServer(input)];
    }
    if (path === `${API}/search/jql`) {
      if (this.deployment !== 'cloud') throw new HttpError(404, ['null for uri: ' + url.href]);
      const input = method === 'POST' ? ((body ?? {}) as Record<string, unknown>) : queryInput(url);
      return [200, this.searchCloud(input)];
    }
    if ((m = new RegExp(`^${API}/issue/([^/]+)(/.*)?$`).exec(path))) {
      const issue = this.findIssue(decodeURIComponent(m[1]));
      const rest = m[2] ?? '';
      if (rest === '' && method === 'GET') {
        const json = this.issueJson(issue, url.searchParams.get('fields'));
        const expand = (url.searchParams.get('expand') ?? '').split(',');
        return [200, expand.includes('changelog') ? { ...json, changelog: this.changelogJson(issue) } : json];
      }
      if (rest === '/transitions' && method === 'GET') return [200, this.transitionsJson(issue, url.searchParams.get('expand') === 'transitions.fields')];
      if (rest === '/transitions' && method === 'POST') return this.postTransition(issue, body, user);
      if (rest === '/comment' && method === 'GET') {
        const comments = issue.comments.map((c) => this.commentJson(issue, c));
        return [200, { startAt: 0, maxResults: comments.length, total: comments.length, comments }];
      }
      if (rest === '/comment' && method === 'POST') return this.postComment(issue, body, user);
      if (rest === '/remotelink' && method === 'GET') return [200, issue.remoteLinks.map((l) => ({ ...l, self: `${this.url}${API}/issue/${issue.key}/remotelink/${l.id}` }))];
      if (rest === '/remotelink' && method === 'POST') return this.postRemoteLink(issue, body);
    }
    throw new HttpError(404, [`null for uri: ${this.url}${path}`]);
  }

  private findIssue(idOrKey: string): FakeIssue {
    const issue = this.issues.get(idOrKey.toUpperCase()) ?? [...this.issues.values()].find((i) => i.id === idOrKey);
    if (!issue) throw new HttpError(404, ['Issue does not exist or you do not have permission to see it.']);
    return issue;
  }

  private userJson(user: string) {
    return this.deployment === 'cloud'
      ? { accountId: `5b10ac8d82e05b22cc7d4e${user.length}`, displayName: user, active: true }
      : { self: `${this.url}${API}/user?username=${user}`, name: user, key: user, displayName: user, active: true };
  }

  private statusJson(name: string) {
    const index = this.workflow.statuses.findIndex((s) => s.name === name);
    const category = this.workflow.statuses[index]?.category ?? 'indeterminate';
    const categories = {
      new: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
      indeterminate: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
      done: { id: 3, key: 'done', colorName: 'green', name: 'Done' },
    };
    const id = String(10000 + index);
    return { self: `${this.url}${API}/status/${id}`, description: '', iconUrl: `${this.url}/images/icons/statuses/generic.png`, name, id, statusCategory: { self: `${this.url}${API}/statuscategory/${categories[category].id}`, ...categories[category] } };
  }

  private issueJson(issue: FakeIssue, fieldsParam: string | null) {
    const project = this.projects.find((p) => p.key === issue.project)!;
    const all: Record<string, unknown> = {
      summary: issue.summary,
      description: issue.description || null,
      issuetype: { self: `${this.url}${API}/issuetype/10${issue.type.length}`, id: `10${issue.type.length}`, description: '', iconUrl: '', name: issue.type, subtask: false },
      status: this.statusJson(issue.status),
      assignee: issue.assignee ? this.userJson(issue.assignee) : null,
      project: { self: `${this.url}${API}/project/${project.id}`, id: project.id, key: project.key, name: project.name, projectTypeKey: 'software' },
      created: jiraTime(issue.created),
      updated: jiraTime(issue.updated),
      comment: { comments: issue.comments.map((c) => this.commentJson(issue, c)), maxResults: issue.comments.length, total: issue.comments.length, startAt: 0 },
    };
    const wanted = (fieldsParam ?? '*all').split(',').map((f) => f.trim()).filter(Boolean);
    const fields = wanted.some((f) => f === '*all' || f === '*navigable') ? all : Object.fromEntries(wanted.filter((f) => f in all).map((f) => [f, all[f]]));
    return { expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations', id: issue.id, self: `${this.url}${API}/issue/${issue.id}`, key: issue.key, fields };
  }

  /** JIRA's changelog of status changes (expand=changelog). */
  private changelogJson(issue: FakeIssue) {
    const histories = issue.history.map((h, index) => ({
      id: String(20000 + index),
      author: { ...this.userJson(h.by), emailAddress: `${h.by}@example.com` },
      created: jiraTime(h.at),
      items: [{ field: 'status', fieldtype: 'jira', from: null, fromString: h.from, to: null, toString: h.to }],
    }));
    return { startAt: 0, maxResults: histories.length, total: histories.length, histories };
  }

  private available(issue: FakeIssue) {
    return this.workflow.transitions.filter((t) => t.from === '*' || t.from.includes(issue.status));
  }

  private transitionsJson(issue: FakeIssue, withFields: boolean) {
    return {
      expand: 'transitions',
      transitions: this.available(issue).map((t) => ({
        id: t.id,
        name: t.name,
        to: this.statusJson(t.to),
        hasScreen: false,
        isGlobal: t.from === '*',
        isInitial: false,
        isAvailable: true,
        isConditional: false,
        isLooped: false,
        ...(withFields ? { fields: {} } : {}),
      })),
    };
  }

  private postTransition(issue: FakeIssue, body: unknown, user: string): [number, unknown?] {
    const id = (body as { transition?: { id?: unknown } } | undefined)?.transition?.id;
    if (id === undefined) throw new HttpError(400, ["Missing 'transition' identifier"]);
    const transition = this.available(issue).find((t) => t.id === String(id));
    if (!transition) throw new HttpError(400, [`Transition id '${String(id)}' is not valid for this issue.`]);
    issue.history.push({ from: issue.status, to: transition.to, transition: transition.name, by: user, at: this.now() });
    issue.status = transition.to;
    issue.updated = this.now();
    return [204];
  }

  private commentJson(issue: FakeIssue, comment: FakeComment) {
    return {
      self: `${this.url}${API}/issue/${issue.id}/comment/${comment.id}`,
      id: comment.id,
      author: this.userJson(comment.author),
      body: comment.body,
      updateAuthor: this.userJson(comment.author),
      created: comment.created,
      updated: comment.created,
    };
  }

  private postComment(issue: FakeIssue, body: unknown, user: string): [number, unknown?] {
    const text = (body as { body?: unknown } | undefined)?.body;
    if (typeof text !== 'string' || text.trim() === '') throw new HttpError(400, [], { comment: 'Comment body can not be empty!' });
    const comment: FakeComment = { id: String(this.nextCommentId++), author: user, body: text, created: jiraTime(this.now()) };
    issue.comments.push(comment);
    issue.updated = this.now();
    return [201, this.commentJson(issue, comment)];
  }

  private postRemoteLink(issue: FakeIssue, body: unknown): [number, unknown?] {
    const input = (body ?? {}) as Partial<FakeRemoteLink>;
    if (!input.object?.url || !input.object?.title) throw new HttpError(400, [], { ...(input.object?.url ? {} : { url: "'url' is required." }), ...(input.object?.title ? {} : { title: "'title' is required." }) });
    const existing = input.globalId ? issue.remoteLinks.find((l) => l.globalId === input.globalId) : undefined;
    const link: FakeRemoteLink = { id: existing?.id ?? this.nextLinkId++, globalId: input.globalId, application: input.application, object: input.object };
    if (existing) issue.remoteLinks[issue.remoteLinks.indexOf(existing)] = link;
    else issue.remoteLinks.push(link);
    return [existing ? 200 : 201, { id: link.id, self: `${this.url}${API}/issue/${issue.key}/remotelink/${link.id}` }];
  }

  private postIssue(body: unknown): [number, unknown?] {
    const fields = ((body ?? {}) as { fields?: Record<string, { key?: string; name?: string } | string> }).fields ?? {};
    const errors: Record<string, string> = {};
    const project = (fields.project as { key?: string } | undefined)?.key;
    const type = (fields.issuetype as { name?: string } | undefined)?.name;
    if (!project) errors.project = 'project is required';
    if (!type) errors.issuetype = 'issue type is required';
    if (typeof fields.summary !== 'string' || !fields.summary.trim()) errors.summary = 'You must specify a summary of the issue.';
    if (Object.keys(errors).length > 0) throw new HttpError(400, [], errors);
    const issue = this.createIssue({ project, type, summary: fields.summary as string, description: typeof fields.description === 'string' ? fields.description : '' });
    return [201, { id: issue.id, key: issue.key, self: `${this.url}${API}/issue/${issue.id}` }];
  }

  private query(jql: string): FakeIssue[] {
    const { where, order } = parseJql(jql);
    const rows = [...this.issues.values()].filter((issue) => where(toJqlIssue(issue)));
    const field = order?.field ?? 'key';
    const value = (i: FakeIssue): number | string => (field === 'updated' ? i.updated : field === 'created' ? i.created : field === 'key' ? Number(i.id) : String((toJqlIssue(i) as unknown as Record<string, unknown>)[field] ?? ''));
    rows.sort((a, b) => {
      const x = value(a);
      const y = value(b);
      const c = x < y ? -1 : x > y ? 1 : Number(a.id) - Number(b.id);
      return order?.descending ? -c : c;
    });
    return rows;
  }

  private searchServer(input: Record<string, unknown>) {
    const rows = this.query(String(input.jql ?? ''));
    const startAt = Math.max(Number(input.startAt ?? 0) || 0, 0);
    const maxResults = Math.min(Math.max(Number(input.maxResults ?? 50) || 50, 0), this.maxPageSize);
    const fields = fieldList(input.fields) ?? '*navigable';
    return { expand: 'schema,names', startAt, maxResults, total: rows.length, issues: rows.slice(startAt, startAt + maxResults).map((i) => this.issueJson(i, fields)) };
  }

  /** Cloud's enhanced search: token paging, no total, only ids unless fields are asked for. */
  private searchCloud(input: Record<string, unknown>) {
    const rows = this.query(String(input.jql ?? ''));
    const start = input.nextPageToken ? Number(Buffer.from(String(input.nextPageToken), 'base64url').toString('utf8')) : 0;
    if (!Number.isInteger(start) || start < 0) throw new HttpError(400, ['The provided next page token is invalid or expired.']);
    const maxResults = Math.min(Math.max(Number(input.maxResults ?? 50) || 50, 1), this.maxPageSize);
    const fields = fieldList(input.fields);
    const page = rows.slice(start, start + maxResults);
    const end = start + page.length;
    const isLast = end >= rows.length;
    return {
      issues: page.map((i) => (fields ? this.issueJson(i, fields) : { id: i.id })),
      ...(isLast ? {} : { nextPageToken: Buffer.from(String(end)).toString('base64url') }),
      isLast,
    };
  }
}

function toJqlIssue(issue: FakeIssue): JqlIssue {
  return { key: issue.key, project: issue.project, type: issue.type, status: issue.status, summary: issue.summary, description: issue.description, updated: issue.updated, created: issue.created };
}

function fieldList(fields: unknown): string | null {
  if (Array.isArray(fields)) return fields.length ? fields.join(',') : null;
  if (typeof fields === 'string' && fields.trim()) return fields;
  return null;
}

function queryInput(url: URL): Record<string, unknown> {
  return Object.fromEntries(url.searchParams);
}

function defaultMessage(status: number): string {
  if (status === 401) return 'You are not authenticated. Authentication required to perform this operation.';
  if (status === 403) return 'You do not have the permission to see the specified issue.';
  if (status === 404) return 'Issue does not exist or you do not have permission to see it.';
  if (status >= 500) return 'Internal server error';
  return `HTTP ${status}`;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startFakeJira(options: FakeJiraOptions = {}): Promise<FakeJira> {
  return new FakeJira(options).start(options.port ?? 0);
}
