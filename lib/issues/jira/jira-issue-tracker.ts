/**
 * The IssueTracker over JIRA's REST API v2 (jira-client), for Server/Data Center and Cloud. Raw JIRA types are mapped
 * to TrackedIssue here, once: JIRA's issue type and status names are translated to the workflow's canonical names
 * (configurable, since every company names its ProTest workflow differently), so workflow.ts never sees JIRA's words.
 *
 * Transitions are found by name or target status (ids differ between workflows). Lookups and searches are cached
 * briefly so the editor's typeahead does not hammer JIRA; our own transitions invalidate the cache.
 */
import { isIssueKey } from '@/lib/domain/issue-key';
import JiraApiModule from 'jira-client';
import type { JiraConfig, JiraStatusNames } from '@/lib/config';
import { AppError } from '@/lib/errors';
import type { IssueTracker, IssueTransition, StatusChange, TrackedIssue, TransitionRequest, TransitionResult } from '../issue-tracker';
import { toJiraAppError } from './jira-errors';
import { buildIssueSearchJql } from './jira-jql';
import { createJiraTransport, type JiraRequestOptions } from './jira-transport';
import { ISSUE_FIELDS, type RawJiraIssue, type RawJiraJqlPage, type RawJiraSearchPage, type RawJiraTransition, type RawJiraTransitions } from './jira-types';

export interface JiraTrackerOptions extends JiraConfig {
  /** The name workflow.ts expects for the ProTest type (default ProTest); JIRA's own name is `issueType`. */
  canonicalIssueType?: string;
  /** For tests: the clock the cache uses. */
  now?: () => number;
}

export interface RemoteLinkInput {
  url: string;
  title: string;
  /** Same globalId = the same link updated, not a second one (default: the url). */
  globalId?: string;
}

// jira-client is CommonJS with `exports.default`; bundlers and Node disagree on what a default import gives.
const JiraApi = ((JiraApiModule as unknown as { default?: typeof JiraApiModule }).default ?? JiraApiModule) as typeof JiraApiModule;

/** jira-client's documented but untyped request helpers, used where no public method asks JIRA the narrow question. */
interface JiraApiInternals {
  makeUri(options: { pathname: string; query?: Record<string, string> }): string;
  makeRequestHeader(uri: string, options?: Record<string, unknown>): JiraRequestOptions;
  doRequest(options: JiraRequestOptions): Promise<unknown>;
}

const MAX_CACHE_ENTRIES = 500;
const MAX_SEARCH_PAGES = 5;

interface CacheEntry<T> {
  expires: number;
  value: Promise<T>;
}

export class JiraIssueTracker implements IssueTracker {
  readonly name = 'jira' as const;
  private readonly api: JiraApiModule;
  private readonly baseUrl: string;
  private readonly canonicalType: string;
  private readonly toCanonical = new Map<string, string>();
  private readonly now: () => number;
  private readonly issueCache = new Map<string, CacheEntry<TrackedIssue | null>>();
  private readonly searchCache = new Map<string, CacheEntry<TrackedIssue[]>>();
  /** Flips to 'cloud' when a server-mode search meets Cloud's 410 for the removed POST /search. */
  private searchApi: 'server' | 'cloud';

  constructor(private readonly options: JiraTrackerOptions) {
    const url = new URL(options.url);
    this.baseUrl = options.url.replace(/\/+$/, '');
    this.canonicalType = options.canonicalIssueType ?? 'ProTest';
    this.now = options.now ?? Date.now;
    this.searchApi = options.deployment;
    for (const [canonical, jiraName] of Object.entries(options.statusNames) as [keyof JiraStatusNames, string][]) {
      this.toCanonical.set(jiraName.toLowerCase(), canonical);
    }
    this.api = new JiraApi({
      protocol: url.protocol.replace(':', ''),
      host: url.hostname,
      port: url.port || undefined,
      base: url.pathname.replace(/\/+$/, ''),
      apiVersion: '2',
      strictSSL: true,
      timeout: options.timeoutMs,
      request: createJiraTransport({ timeoutMs: options.timeoutMs }),
      ...(options.auth.kind === 'bearer' ? { bearer: options.auth.personalAccessToken } : { username: options.auth.user, password: options.auth.apiToken }),
    });
  }

  /** Where a person opens the issue in JIRA. */
  issueUrl(key: string): string {
    return `${this.baseUrl}/browse/${encodeURIComponent(key)}`;
  }

  // ---- mapping at the boundary ---------------------------------------------------------------------------------------

  private canonicalStatus(jiraName: string): string {
    return this.toCanonical.get(jiraName.toLowerCase()) ?? jiraName;
  }

  private jiraStatus(canonical: string): string {
    return (this.options.statusNames as Record<string, string | undefined>)[canonical] ?? canonical;
  }

  private toTrackedIssue(raw: RawJiraIssue): TrackedIssue {
    const type = raw.fields.issuetype?.name ?? '';
    const assignee = raw.fields.assignee;
    return {
      key: raw.key,
      type: type.toLowerCase() === this.options.issueType.toLowerCase() ? this.canonicalType : type,
      status: this.canonicalStatus(raw.fields.status?.name ?? ''),
      summary: raw.fields.summary ?? '',
      url: this.issueUrl(raw.key),
      assignee: assignee ? (assignee.displayName ?? assignee.name ?? assignee.accountId ?? null) : null,
    };
  }

  private toTransition(raw: RawJiraTransition): IssueTransition {
    return { id: String(raw.id), name: raw.name, to: this.canonicalStatus(raw.to?.name ?? '') };
  }

  // ---- requests ------------------------------------------------------------------------------------------------------

  private get internals(): JiraApiInternals {
    return this.api as unknown as JiraApiInternals;
  }

  private async call<T>(run: () => Promise<unknown>, context: { doing: string; key?: string; retryHint?: string }): Promise<T> {
    try {
      return (await run()) as T;
    } catch (error) {
      throw toJiraAppError(error, { ...context, timeoutMs: this.options.timeoutMs });
    }
  }

  private checkKey(key: string): void {
    const project = key.slice(0, key.lastIndexOf('-'));
    if (this.options.projects.length > 0 && !this.options.projects.includes(project)) {
      throw new AppError('ISSUE_INVALID', `${key} belongs to JIRA project ${project}; Proctor Studio is set up for ${this.options.projects.join(', ')}. Use an issue from ${this.options.projects.length === 1 ? 'that project' : 'one of those projects'}.`, {
        details: [{ path: '/issueKey', message: `must be in project ${this.options.projects.join(' or ')}` }],
      });
    }
  }

  private async fetchIssue(key: string): Promise<TrackedIssue | null> {
    const { makeUri, makeRequestHeader, doRequest } = this.bound();
    // GET /issue/{key} with a field list (jira-client's findIssue asks for *all fields and properties).
    const uri = makeUri({ pathname: `/issue/${key}`, query: { fields: ISSUE_FIELDS.join(',') } });
    try {
      const raw = await this.call<RawJiraIssue>(() => doRequest(makeRequestHeader(uri)), { doing: `looking up ${key}` });
      return this.toTrackedIssue(raw);
    } catch (error) {
      if (error instanceof AppError && error.data?.status === 404) return null;
      throw error;
    }
  }

  private bound() {
    const api = this.internals;
    return { makeUri: api.makeUri.bind(api), makeRequestHeader: api.makeRequestHeader.bind(api), doRequest: api.doRequest.bind(api) };
  }

  private cached<T>(cache: Map<string, CacheEntry<T>>, key: string, load: () => Promise<T>): Promise<T> {
    const ttl = this.options.cacheSeconds * 1000;
    if (ttl <= 0) return load();
    const now = this.now();
    const hit = cache.get(key);
    if (hit && hit.expires > now) return hit.value;
    // Concurrent lookups of one key share one request; failures are not remembered.
    const value = load();
    if (cache.size >= MAX_CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
    cache.set(key, { expires: now + ttl, value });
    value.catch(() => {
      if (cache.get(key)?.value === value) cache.delete(key);
    });
    return value;
  }

  private forget(key: string): void {
    this.issueCache.delete(key);
    this.searchCache.clear();
  }

  // ---- IssueTracker ---------------------------------------------------------------------------------------------------

  async getIssue(key: string, options: { fresh?: boolean } = {}): Promise<TrackedIssue | null> {
    if (!isIssueKey(key)) return null;
    this.checkKey(key);
    if (options.fresh) {
      // Refreshes the cache too, so the typeahead and the check agree afterwards.
      this.issueCache.delete(key);
    }
    return this.cached(this.issueCache, key, () => this.fetchIssue(key));
  }

  private async rawTransitions(key: string): Promise<RawJiraTransition[]> {
    const result = await this.call<RawJiraTransitions>(() => this.api.listTransitions(key), { doing: `listing the transitions of ${key}`, key });
    return result?.transitions ?? [];
  }

  private requireKey(key: string): void {
    if (!isIssueKey(key)) throw new AppError('ISSUE_NOT_FOUND', `Issue ${key} does not exist in JIRA: JIRA keys look like PROTEST-7.`);
    this.checkKey(key);
  }

  async listTransitions(key: string): Promise<IssueTransition[]> {
    this.requireKey(key);
    return (await this.rawTransitions(key)).map((t) => this.toTransition(t));
  }

  async transition(key: string, request: TransitionRequest, actor: string): Promise<TransitionResult> {
    void actor; // JIRA records the integration account; the promotion comment names the person.
    this.requireKey(key);
    const wanted = 'to' in request ? request.to.trim() : request.name.trim();
    // After a promotion the issue page's "Retry transition" (retry-transition) is the way: → In QA / → In Production
    // are refused as manual transitions (workflow.ts).
    const retry = `Retry the transition alone from the issue page: POST /api/v1/issues/${key}/retry-transition after a promotion, otherwise POST /api/v1/issues/${key}/transitions {"${'to' in request ? 'to' : 'name'}": "${wanted}"}.`;
    this.forget(key);
    const { makeUri, makeRequestHeader, doRequest } = this.bound();
    const [current, available] = await Promise.all([
      this.call<RawJiraIssue>(() => doRequest(makeRequestHeader(makeUri({ pathname: `/issue/${key}`, query: { fields: 'status' } }))), {
        doing: `reading the status of ${key}`,
        key,
        retryHint: retry,
      }),
      this.call<RawJiraTransitions>(() => this.api.listTransitions(key), { doing: `listing the transitions of ${key}`, key, retryHint: retry }),
    ]);
    const from = this.canonicalStatus(current.fields.status?.name ?? '');
    const transitions = available?.transitions ?? [];
    const chosen = this.chooseTransition(transitions, request);
    if (!chosen) {
      const options = transitions.map((t) => `'${t.name}' → '${this.canonicalStatus(t.to?.name ?? '')}'`);
      const what = 'to' in request ? `move to '${wanted}'` : `take the transition '${wanted}'`;
      const adminHint =
        'to' in request
          ? ` If JIRA names that status or its transition differently, an administrator sets PROCTOR_JIRA_STATUS_* / PROCTOR_JIRA_TRANSITION_* (docs/jira.md).`
          : '';
      throw new AppError(
        'ISSUE_STATE_NOT_ALLOWED',
        `${key} is in status '${from}' and JIRA's workflow offers no way to ${what} from there. ${options.length ? `Available: ${options.join(', ')}.` : 'No transitions are available from this status.'}${adminHint}`,
        { data: { key, status: from, available: transitions.map((t) => ({ name: t.name, to: this.canonicalStatus(t.to?.name ?? '') })) } },
      );
    }
    await this.call(() => this.api.transitionIssue(key, { transition: { id: chosen.id } }), { doing: `moving ${key} to '${this.canonicalStatus(chosen.to.name)}'`, key, retryHint: retry });
    this.forget(key);
    return { key, from, to: this.canonicalStatus(chosen.to.name), transition: chosen.name };
  }

  /** By target status: the configured transition name first, then any transition into that status. By name: exact. */
  private chooseTransition(transitions: RawJiraTransition[], request: TransitionRequest): RawJiraTransition | undefined {
    const same = (a: string | undefined, b: string) => (a ?? '').trim().toLowerCase() === b.trim().toLowerCase();
    if ('name' in request) return transitions.find((t) => same(t.name, request.name));
    const target = this.jiraStatus(this.canonicalStatus(request.to));
    const into = transitions.filter((t) => same(t.to?.name, target));
    const preferred = (this.options.transitionNames as Record<string, string | undefined>)[this.canonicalStatus(request.to)];
    if (preferred) {
      const named = transitions.find((t) => same(t.name, preferred));
      if (named) return named;
    }
    return into[0];
  }

  /** Status changes from JIRA's changelog, in canonical status names; the person as JIRA names them. */
  async statusHistory(key: string): Promise<StatusChange[]> {
    this.requireKey(key);
    const { makeUri, makeRequestHeader, doRequest } = this.bound();
    const uri = makeUri({ pathname: `/issue/${key}`, query: { fields: 'status', expand: 'changelog' } });
    const raw = await this.call<RawJiraIssue>(() => doRequest(makeRequestHeader(uri)), { doing: `reading the changelog of ${key}`, key });
    const changes: StatusChange[] = [];
    for (const history of raw.changelog?.histories ?? []) {
      for (const item of history.items ?? []) {
        if (item.field !== 'status' || !item.toString) continue;
        const author = history.author;
        const by = author?.name ?? author?.emailAddress ?? author?.displayName ?? author?.accountId ?? 'unknown';
        changes.push({ from: item.fromString ? this.canonicalStatus(item.fromString) : null, to: this.canonicalStatus(item.toString), by, at: new Date(history.created.replace(/([+-]\d\d)(\d\d)$/, '$1:$2')) });
      }
    }
    return changes.sort((a, b) => a.at.getTime() - b.at.getTime());
  }

  async comment(key: string, body: string, actor: string): Promise<void> {
    this.requireKey(key);
    const text = body.trim();
    if (!text) throw new AppError('VALIDATION_FAILED', 'A comment needs some text.', { details: [{ path: '/body', message: 'must not be empty' }] });
    // JIRA shows the integration account as the author; name the person unless the text already starts with them.
    const signed = text.startsWith(`${actor} `) ? text : `${actor} (via Proctor Studio): ${text}`;
    await this.call(() => this.api.addComment(key, signed), { doing: `commenting on ${key}`, key });
  }

  /** A link on the issue to a page of ours; the same globalId updates the existing link instead of adding another. */
  async addRemoteLink(key: string, link: RemoteLinkInput): Promise<void> {
    this.requireKey(key);
    const remoteLink = { globalId: link.globalId ?? link.url, application: { type: 'proctor-studio', name: 'Proctor Studio' }, object: { url: link.url, title: link.title } };
    await this.call(() => this.api.createRemoteLink(key, remoteLink), { doing: `linking ${key} to ${link.url}`, key });
  }

  async linkTestPage(key: string, testName: string, url: string): Promise<void> {
    await this.addRemoteLink(key, { url, title: `Proctor test ${testName}`, globalId: `proctor-studio:test:${testName}` });
  }

  async searchIssues(query: string, options: { limit?: number } = {}): Promise<TrackedIssue[]> {
    const limit = Math.min(Math.max(Math.trunc(options.limit ?? 10), 1), 50);
    const q = query.trim();
    return this.cached(this.searchCache, `${limit}|${q.toLowerCase()}`, () => this.search(q, limit));
  }

  private async search(q: string, limit: number): Promise<TrackedIssue[]> {
    const exactKey = q.toUpperCase();
    const exact = isIssueKey(exactKey) && this.inProjects(exactKey) ? this.getIssue(exactKey) : Promise.resolve(null);
    const jql = buildIssueSearchJql({ query: isIssueKey(exactKey) ? '' : q, projects: this.options.projects, issueType: this.options.issueType });
    const [direct, found] = await Promise.all([exact, isIssueKey(exactKey) ? Promise.resolve([]) : this.searchJql(jql, limit)]);
    const results = direct && direct.type === this.canonicalType ? [direct] : [];
    for (const issue of found) if (!results.some((r) => r.key === issue.key)) results.push(issue);
    return results.slice(0, limit);
  }

  private inProjects(key: string): boolean {
    return this.options.projects.length === 0 || this.options.projects.includes(key.slice(0, key.lastIndexOf('-')));
  }

  private async searchJql(jql: string, limit: number): Promise<TrackedIssue[]> {
    const doing = 'searching issues';
    const fields = [...ISSUE_FIELDS];
    const issues: RawJiraIssue[] = [];
    if (this.searchApi === 'server') {
      try {
        for (let page = 0; page < MAX_SEARCH_PAGES && issues.length < limit; page++) {
          const result = await this.call<RawJiraSearchPage>(
            () => this.api.searchJira(jql, { startAt: issues.length, maxResults: limit - issues.length, fields }),
            { doing },
          );
          issues.push(...(result.issues ?? []));
          if (!result.issues?.length || (result.total !== undefined && issues.length >= result.total)) break;
        }
        return issues.map((raw) => this.toTrackedIssue(raw));
      } catch (error) {
        // Cloud removed POST /rest/api/2/search (410 Gone): a Cloud site configured as 'server' still works.
        if (!(error instanceof AppError && error.data?.status === 410)) throw error;
        this.searchApi = 'cloud';
      }
    }
    const { makeUri, makeRequestHeader, doRequest } = this.bound();
    let nextPageToken: string | undefined;
    for (let page = 0; page < MAX_SEARCH_PAGES && issues.length < limit; page++) {
      const body = { jql, maxResults: limit - issues.length, fields, ...(nextPageToken ? { nextPageToken } : {}) };
      const result = await this.call<RawJiraJqlPage>(() => doRequest(makeRequestHeader(makeUri({ pathname: '/search/jql' }), { method: 'POST', body })), { doing });
      issues.push(...(result.issues ?? []));
      nextPageToken = result.nextPageToken;
      if (result.isLast || !nextPageToken || !result.issues?.length) break;
    }
    return issues.map((raw) => this.toTrackedIssue(raw));
  }
}
