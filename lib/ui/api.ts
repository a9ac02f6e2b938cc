/**
 * The HTTP API as client components use it: one function per operation, with the request and answer typed, and one
 * error shape (the API's `{code, message, details, data}`, see api-error.ts) thrown for every failure, a lost
 * connection included. The only place the UI spells an /api/ address. Browser-safe.
 */
import type { Environment, PromotionTarget } from '@/lib/domain/environment';
import type { Role } from '@/lib/domain/role';
import type { DefinitionDrift } from '@/lib/proctor/allocation-drift';
import type { DefinitionChange } from '@/lib/proctor/diff-definitions';
import type { ConclusionView, ResultsHealthView, ResultsHistoryView, ResultsSettingsView, TestResultsView } from '@/lib/stats/results-view';
import { toApiError, type ApiErrorBody } from './api-error';

/** fetch a same-origin JSON API; resolves to the parsed body (undefined for 204) or throws an ApiErrorBody. */
async function call<T>(url: string, init: { method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; body?: unknown } = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: init.body === undefined ? undefined : { 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      credentials: 'same-origin',
    });
  } catch (error) {
    throw toApiError(error);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    if (parsed && typeof parsed === 'object' && 'code' in parsed) throw toApiError(parsed);
    throw { code: `HTTP_${response.status}`, message: `The server answered ${response.status} ${response.statusText}.` } satisfies ApiErrorBody;
  }
  return parsed as T;
}

const segment = encodeURIComponent;
const test = (name: string) => `/api/v1/tests/${segment(name)}`;

/** A change to trunk is made under an issue key, with an optional comment. */
export interface ChangeRecord {
  issueKey: string;
  comment?: string;
}

export interface TestRead {
  revision: string;
  /** definition.json as stored. */
  text: string;
}

export interface IssueSummary {
  key: string;
  summary: string;
  status: string;
  type: string;
}

export interface IssueFieldsUpdate {
  description?: string;
  assignee?: string | null;
  previous: { description?: string; assignee?: string | null };
}

export interface PromoteResult {
  revision: string;
  /** The revision on the source branch that was copied. */
  sourceRevision?: string;
  outcome: 'success' | 'partial-success';
  issue: { key: string; from?: string; to?: string; transitionError?: string };
  notices: string[];
}

/** What QA verified: per test of the issue, the revision and definition blob live in qa (issue #16). */
export interface IssueVerification {
  by: string;
  at: string;
  env: 'qa';
  tests: { testName: string; revision: string; blob: string }[];
  waivedSeparation?: { by: string; reason: string };
}

export interface PromotionOverride {
  testName: string;
  revision: string;
  by: string;
  at: string;
  reason: string;
}

/** What the caller may do on the issue page; the plain transitions never include → In QA / → In Production. */
export type IssueAction = 'verify' | 'retry-transition' | 'waive-separation' | `transition:${string}`;

export interface IssueReleaseState {
  verification: IssueVerification | null;
  promotionOverrides: PromotionOverride[];
  /** A promotion committed but moving the issue on failed. */
  pendingTransition: { to: string; error: string } | null;
  allowedActions: IssueAction[];
}

export type IssueDetailRead = IssueSummary & IssueReleaseState & { transitions: { id: string; name: string; to: string }[] };

export interface Refusal {
  code: string;
  message: string;
}

/** GET …/promotions/preview: everything the promote dialog shows before the click. */
export interface PromotionPreview {
  from: 'trunk' | 'qa';
  to: PromotionTarget;
  sourceRevision: string | null;
  verifiedRevision: string | null;
  /** The test's revision live in the target now (null = absent there). */
  targetRevision: string | null;
  /** Users moving between buckets when the target's live definition is replaced by the promoted one. */
  drift: DefinitionDrift | null;
  changes: DefinitionChange[];
  /** Non-null: Promote stays disabled; the message names the rule and the fix. */
  refusal: Refusal | null;
  /** The issue named by the source revision's commit, to prefill the dialog. */
  issueKey: string | null;
}

export interface AutoPromotionForecast {
  eligible: boolean;
  reason?: string;
  /** Share (0..1) of users that would switch between active buckets; > 0 refuses auto-promotion. */
  movedBetweenActiveBuckets?: number;
  refusal?: Refusal | null;
}

export interface RollbackTarget {
  revision: string;
  /** When it became live in the environment. */
  liveFrom: string;
  /** When it stopped being live (null: it is live now). */
  liveUntil: string | null;
  author: string;
  message: string;
  issueKey: string | null;
  sourceRevision: string | null;
}

export interface ReleaseActionResult {
  testName: string;
  /** One entry per environment written. */
  commits: { env: Environment; revision: string; previousRevision: string | null }[];
  issueKey: string | null;
  notices: string[];
}

export interface Assignment {
  bucket: { name: string; value: number } | null;
  /** Proctor's own words (e.g. an EL exception text). */
  message: string;
  /** The same in plain words when a rule failed (e.g. which variable the context lacks). */
  explanation?: string;
  missingVariables?: string[];
  allocationIndex?: number;
  allocationRule?: string | null;
  allocationId?: string;
}

export interface BucketCheckResult {
  identifier: string;
  results: Record<Environment, Assignment | null>;
}

export interface CreatedToken {
  token: string;
  name: string;
}

export type UserRole = Role;

/** Where the browser downloads the audit log as CSV, with the page's filters (a plain link: the download is the browser's). */
export function auditExportUrl(filter: { actor?: string; action?: string; outcome?: string; q?: string }): string {
  const query = new URLSearchParams(Object.entries(filter).filter((entry): entry is [string, string] => !!entry[1]));
  return `/api/v1/audit/export${query.size ? `?${query}` : ''}`;
}

export interface ContextVariableRow {
  name: string;
  type: string;
  description: string;
}

/** GET /api/v1/context-schema: the variables rules may use. */
export interface ContextSchema {
  revision: number;
  variables: ContextVariableRow[];
  updatedAt: string | null;
  updatedBy: string | null;
  applications: { name: string; types: string[]; providedBy: string[] }[];
  known: string[];
}


/** Results of a test (issue #20): the shapes the server answers with, from lib/stats/results-view.ts. */
export type {
  ArmView as ArmResult,
  ComparisonView as Comparison,
  ConclusionView as Conclusion,
  HistoryPoint,
  PhaseView as PhaseResult,
  ResultsHealth as ResultsHealthValue,
  ResultsHealthView,
  ResultsHistoryView as ResultsHistory,
  ResultsSettingsView,
  TestResultsView as TestResults,
} from '@/lib/stats/results-view';
export type { Verdict } from '@/lib/stats/verdict';
export type { Interval } from '@/lib/stats/compare-arms';

/** What an editor may change about how a test's results are computed. */
export interface ResultsSettings {
  alpha: number;
  correction: 'none' | 'holm';
  mode: 'fixed' | 'sequential';
  sequentialN: number;
  controlBucket: number;
}

/** Where the browser downloads a test's results as CSV (a plain link: the download is the browser's). */
export function resultsCsvUrl(name: string, environment: Environment): string {
  return `${test(name)}/results.csv?environment=${environment}`;
}

export const api = {
  session: {
    signIn: (body: { username: string; password: string }) => call<unknown>('/api/v1/session', { body }),
    signOut: () => call<void>('/api/v1/session', { method: 'DELETE' }),
  },
  tests: {
    /** The test on an environment's branch, or at one revision. */
    read: (name: string, at: { env: Environment } | { revision: string }) =>
      call<TestRead>(`${test(name)}?${'env' in at ? `env=${at.env}` : `revision=${at.revision}`}`),
    create: (body: ChangeRecord & { name: string; definition: string; autoPromote?: boolean }) => call<unknown>('/api/v1/tests', { body }),
    update: (name: string, body: ChangeRecord & { definition: string; baseRevision: string | null; autoPromote?: boolean }) => call<unknown>(test(name), { method: 'PUT', body }),
    remove: (name: string, body: ChangeRecord & { baseRevision: string | null }) => call<unknown>(test(name), { method: 'DELETE', body }),
    revert: (name: string, body: ChangeRecord & { toRevision: string; baseRevision: string }) => call<{ revision: string }>(`${test(name)}/revert`, { body }),
    promote: (
      name: string,
      body: { from: 'trunk' | 'qa'; to: PromotionTarget; revision: string; targetRevision: string | null; issueKey: string; comment?: string; override?: { reason: string } },
    ) => call<PromoteResult>(`${test(name)}/promotions`, { body }),
    /** What a promotion would do and whether it is refused (the promote dialog's pre-check). */
    promotionPreview: (name: string, query: { from: 'trunk' | 'qa'; to: PromotionTarget; revision?: string; issueKey?: string }) =>
      call<PromotionPreview>(
        `${test(name)}/promotions/preview?from=${query.from}&to=${query.to}${query.revision ? `&revision=${segment(query.revision)}` : ''}${query.issueKey ? `&issueKey=${segment(query.issueKey)}` : ''}`,
      ),
    /** Revisions that were live in `env` before, newest first. */
    rollbackTargets: (name: string, env: PromotionTarget) => call<{ env: PromotionTarget; current: string | null; targets: RollbackTarget[] }>(`${test(name)}/rollback-targets?env=${env}`),
    rollback: (name: string, body: { env: PromotionTarget; revision: string; reason: string; issueKey?: string }) => call<ReleaseActionResult>(`${test(name)}/rollback`, { body }),
    /** Emergency stop: 100% inactive in trunk, qa and production in one action. */
    stop: (name: string, body: { reason: string; issueKey?: string }) => call<ReleaseActionResult>(`${test(name)}/stop`, { body }),
    /** What changes between an environment (or revision) and another. */
    diff: (name: string, from: string, to: string) => call<{ changes: DefinitionChange[] }>(`${test(name)}/diff?from=${segment(from)}&to=${segment(to)}`),
    /** An environment's history of the test, newest first (the save dialog offers the issues it names first). */
    history: (name: string, query: { env: Environment; limit: number }) =>
      call<{ total: number; entries: { revision: string; message: string; issueKey: string | null; authorName: string }[] }>(`${test(name)}/history?env=${query.env}&limit=${query.limit}`),
    /** Whether saving `definition` would qualify for auto-promotion, said before the save. */
    autoPromotion: (name: string, definition: string) => call<AutoPromotionForecast>(`${test(name)}/auto-promotion`, { body: { name, definition } }),
    bucketCheck: (name: string, body: { identifier: string; idType?: string; context: unknown }) => call<BucketCheckResult>(`${test(name)}/bucket-check`, { body }),
    results: (name: string, query: { environment: Environment; phase?: number }) =>
      call<TestResultsView>(`${test(name)}/results?environment=${query.environment}${query.phase === undefined ? '' : `&phase=${query.phase}`}`),
    resultsHistory: (name: string, query: { environment: Environment; goal: string }) =>
      call<ResultsHistoryView>(`${test(name)}/results/history?environment=${query.environment}&goal=${segment(query.goal)}`),
    resultsSettings: (name: string) => call<ResultsSettingsView>(`${test(name)}/results/settings`),
    /** α, correction, control and the sequential mode (refused once the test has data). */
    saveResultsSettings: (name: string, body: ResultsSettings) => call<ResultsSettingsView>(`${test(name)}/results/settings`, { method: 'PUT', body }),
    conclusion: (name: string) => call<ConclusionView>(`${test(name)}/conclusion`),
    /** `expectedRevision`: the revision the form started from, so an edit made meanwhile is a 409, not overwritten. */
    saveConclusion: (name: string, body: { hypothesis: string; result: string; decision: string; expectedRevision: number }) =>
      call<ConclusionView>(`${test(name)}/conclusion`, { method: 'PUT', body }),
  },
  /** Per test and environment, the results' health badge (tests list). */
  resultsHealth: () => call<ResultsHealthView>('/api/v1/results-health'),
  issues: {
    search: (query: string, limit: number) => call<{ issues: IssueSummary[] }>(`/api/v1/issues?limit=${limit}&q=${segment(query)}`),
    read: (key: string) => call<IssueDetailRead>(`/api/v1/issues/${segment(key)}`),
    create: (body: { type: string; summary: string; description?: string }) => call<{ key: string }>('/api/v1/issues', { body }),
    transition: (key: string, to: string) => call<{ from: string; to: string }>(`/api/v1/issues/${segment(key)}/transitions`, { body: { to } }),
    /** QA's step: In QA → Production Ready (records what is live in qa), In Production → Pending Closure. */
    verify: (key: string, body: { comment?: string } = {}) => call<{ from: string; to: string; verification: IssueVerification | null }>(`/api/v1/issues/${segment(key)}/verify`, { body }),
    waiveSeparation: (key: string, body: { reason: string }) => call<{ key: string; by: string; reason: string }>(`/api/v1/issues/${segment(key)}/waive-separation`, { body }),
    retryTransition: (key: string) => call<{ from: string; to: string }>(`/api/v1/issues/${segment(key)}/retry-transition`, { body: {} }),
    comment: (key: string, body: string) => call<void>(`/api/v1/issues/${segment(key)}/comments`, { body: { body } }),
    /** `previous`: the values the form started from, so an edit made meanwhile is refused (409), not overwritten. */
    update: (key: string, body: IssueFieldsUpdate) => call<IssueSummary>(`/api/v1/issues/${segment(key)}`, { method: 'PATCH', body }),
  },
  users: {
    create: (body: { username: string; displayName?: string; role: string; password?: string }) => call<unknown>('/api/v1/users', { body }),
    update: (username: string, body: { role?: UserRole; disabled?: boolean }) => call<unknown>(`/api/v1/users/${segment(username)}`, { method: 'PATCH', body }),
  },
  /** People's API tokens. */
  tokens: {
    create: (body: { name: string; expiresInDays?: number }) => call<CreatedToken>('/api/v1/tokens', { body }),
    revoke: (id: string) => call<void>(`/api/v1/tokens/${segment(id)}`, { method: 'DELETE' }),
  },
  /** The rule context: variables from the applications' specifications plus the team's list. */
  contextSchema: {
    read: () => call<ContextSchema>('/api/v1/context-schema'),
    save: (body: { variables: ContextVariableRow[]; baseRevision: number }) => call<ContextSchema>('/api/v1/context-schema', { method: 'PUT', body }),
  },
  /** Applications' tokens for their heartbeats. */
  consumerTokens: {
    create: (body: { name: string; environment: Environment | null; scope: string }) => call<CreatedToken & { environment: Environment | null; scope: string }>('/api/v1/consumers/tokens', { body }),
    revoke: (id: string) => call<void>(`/api/v1/consumers/tokens/${segment(id)}`, { method: 'DELETE' }),
  },
};
