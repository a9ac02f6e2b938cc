/**
 * The OpenAPI 3.1 description of every route under app/api (served at GET /api/v1/openapi.json).
 *
 * Request body schemas are the very objects the routes hand to apiRoute (lib/http/test-schemas.ts, api-schemas.ts), so
 * the document cannot drift from what is validated; test/unit/openapi.test.ts checks that, and that the paths and
 * methods here are exactly the route files' exports. Response schemas describe the shapes the services return; the
 * HTTP tests validate real responses against them.
 */
import { ROLES, type Role } from '@/lib/domain/role';
import { TEST_STATUSES } from '@/lib/domain/test-status';
import { ERROR_CODES } from '@/lib/errors';
import { HEARTBEAT_BODY } from '@/lib/distribution/record-heartbeat';
import * as api from './api-schemas';
import type { JsonSchema } from '@/lib/proctor/schema-check';
import * as tests from './test-schemas';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });
const obj = (properties: Record<string, Schema>, required: string[] = Object.keys(properties)): Schema => ({ type: 'object', properties, required });
const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer' };
const bool: Schema = { type: 'boolean' };
const num: Schema = { type: 'number' };
const anyObject: Schema = { type: 'object' };
const revision: Schema = { type: 'string', pattern: '^[0-9a-f]{40}$' };
const dateTime: Schema = { type: 'string', format: 'date-time' };
const env: Schema = { enum: ['trunk', 'qa', 'production'] };

/** Shared response shapes (components.schemas). */
const SCHEMAS: Record<string, Schema> = {
  Error: {
    type: 'object',
    description: 'Every error response: a stable code, a sentence for people, the fields concerned, and machine-readable data for some codes.',
    required: ['code', 'message', 'details'],
    additionalProperties: false,
    properties: {
      // Generated from the one list (lib/errors.ts), so a new code cannot be missing here.
      code: { enum: [...ERROR_CODES] },
      message: str,
      details: { type: 'array', items: obj({ path: { type: 'string', description: 'JSON pointer into the request (or ?param)' }, message: str }) },
      data: { type: 'object', description: 'e.g. {testName, expected, actual} for STALE_REVISION, {line, column} for malformed JSON' },
    },
  },
  User: obj({ id: str, username: str, displayName: str, email: nullable(str), role: { enum: [...ROLES] }, disabled: bool }),
  Session: obj({ user: nullable(ref('User')), via: nullable({ enum: ['session', 'token', 'proxy'] }) }),
  ApiToken: obj({ id: str, name: str, prefix: str, username: str, createdAt: dateTime, lastUsedAt: nullable(dateTime), expiresAt: nullable(dateTime), revokedAt: nullable(dateTime) }),
  CreatedApiToken: obj({ token: { type: 'string', pattern: '^pst_' }, id: str, prefix: str, name: str, expiresAt: nullable(dateTime) }),
  Issue: obj({ key: str, type: str, status: str, summary: str, url: str, assignee: nullable(str) }, ['key', 'type', 'status', 'summary', 'url']),
  IssueTransition: obj({ key: str, from: str, to: str, transition: str }),
  AuditEntry: obj({
    id: int,
    at: dateTime,
    actor: nullable(str),
    actorKind: { enum: ['user', 'token', 'system'] },
    action: str,
    target: nullable(str),
    outcome: { enum: ['success', 'refused', 'failed', 'unknown'] },
    message: str,
    requestId: nullable(str),
    ip: nullable(str),
    details: { type: 'object' },
  }),
  ConsumerToken: obj({ id: str, name: str, prefix: str, environment: nullable(env), scope: { enum: ['heartbeat', 'events', 'all'] }, createdAt: dateTime, lastUsedAt: nullable(dateTime), revokedAt: nullable(dateTime) }),
  ValidationIssue: obj({ path: str, message: str, severity: { enum: ['error', 'warning'] } }),
  TestResults: obj({
    testName: str,
    environment: str,
    control: obj({ bucket: int, name: str }),
    alpha: num,
    correction: { enum: ['none', 'holm'] },
    mode: { enum: ['fixed', 'sequential'] },
    sequentialN: int,
    goals: { type: 'array', items: obj({ name: str, kind: { enum: ['binary', 'count'] } }) },
    phases: { type: 'array', items: obj({ index: int, startedAt: nullable(dateTime), endedAt: nullable(dateTime), startedBy: nullable(anyObject), revisions: { type: 'array', items: anyObject }, arms: { type: 'array', items: anyObject }, fallback: anyObject, inactive: anyObject, srm: obj({ level: { enum: ['ok', 'warning', 'mismatch', 'not-enough-data'] }, chiSquare: nullable(num), pValue: nullable(num), observed: anyObject, expected: anyObject }), enoughData: obj({ ok: bool, reason: nullable(str) }), comparisons: { type: 'array', items: anyObject } }) },
    health: { enum: ['srm', 'not-enough-data', 'significant', 'ok', 'no-data'] },
  }),
  ResultsSettings: obj({ testName: str, alpha: num, correction: { enum: ['none', 'holm'] }, mode: { enum: ['fixed', 'sequential'] }, controlBucket: int, sequentialN: int, modeLockedBy: { type: 'array', items: str }, updatedAt: nullable(dateTime), updatedBy: nullable(str) }),
  Conclusion: obj({ testName: str, hypothesis: str, result: str, decision: str, revision: int, updatedAt: nullable(dateTime), updatedBy: nullable(str) }),
  ContextSchema: obj({
    revision: int,
    variables: { type: 'array', items: obj({ name: str, type: str, description: str }) },
    updatedAt: nullable(dateTime),
    updatedBy: nullable(str),
    applications: { type: 'array', items: obj({ name: str, types: { type: 'array', items: str }, providedBy: { type: 'array', items: str } }) },
    known: { type: 'array', items: str },
  }),
  TestRead: obj({ name: str, env: nullable(env), revision, commit: revision, definition: nullable({ type: 'object' }), text: str }),
  SaveResult: obj(
    {
      testName: str,
      revision,
      previousRevision: nullable(revision),
      outcome: { enum: ['success', 'partial-success'] },
      warnings: { type: 'array', items: ref('ValidationIssue') },
      notices: { type: 'array', items: str },
      autoPromotion: obj(
        {
          eligible: bool,
          reason: str,
          status: { enum: ['promoted', 'refused', 'failed'] },
          promotions: { type: 'array', items: obj({ env: { enum: ['qa', 'production'] }, revision }) },
          message: str,
          warnings: { type: 'array', items: str },
        },
        ['eligible', 'status', 'promotions', 'warnings'],
      ),
    },
    ['testName', 'revision', 'previousRevision', 'outcome', 'warnings', 'notices'],
  ),
  PromoteResult: obj(
    {
      testName: str,
      from: env,
      to: { enum: ['qa', 'production'] },
      revision,
      sourceRevision: revision,
      previousRevision: nullable(revision),
      outcome: { enum: ['success', 'partial-success'] },
      issue: obj({ key: str, from: str, to: str, transitionError: str }, ['key']),
      notices: { type: 'array', items: str },
    },
    ['testName', 'from', 'to', 'revision', 'sourceRevision', 'previousRevision', 'outcome', 'issue', 'notices'],
  ),
  TestMatrixArtifact: {
    type: 'object',
    description: "Proctor's TestMatrixArtifact (the same JSON Proctor's /matrix/raw serves).",
    required: ['audit', 'tests'],
    properties: { audit: obj({ version: str, updatedBy: str, updated: int }, ['version']), tests: { type: 'object', additionalProperties: { type: 'object' } } },
  },
  Health: obj(
    {
      status: { enum: ['ready', 'indexing', 'unavailable'] },
      database: str,
      repository: obj({ heads: obj({ trunk: nullable(revision), qa: nullable(revision), production: nullable(revision) }) }),
      index: obj({ ready: bool, branches: { type: 'array' } }, ['ready']),
      uptimeSeconds: int,
      message: str,
    },
    ['status'],
  ),
};

const SECURITY_SCHEMES = {
  sessionCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: 'proctor_session',
    description: 'Set by POST /api/v1/session. Mutations with the cookie must carry a same-origin Origin header.',
  },
  bearerToken: { type: 'http', scheme: 'bearer', description: 'An API token (pst_…) from POST /api/v1/tokens.' },
  applicationToken: { type: 'http', scheme: 'bearer', description: 'An application token (pct_…) from POST /api/v1/consumers/tokens; for the heartbeat and/or events, as its scope allows.' },
};

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  description?: string;
  schema: Schema;
}

export interface OperationSpec {
  path: string;
  method: HttpMethod;
  summary: string;
  /** 'none' = public; 'optional' = works signed in or not; otherwise the minimum role. */
  auth: 'none' | 'optional' | 'application' | Role;
  /** The schema object the route validates its body with (identity matters: see the unit test). */
  body?: JsonSchema;
  query?: Parameter[];
  headers?: Parameter[];
  /** status → response schema (null = no body). */
  responses: Record<number, Schema | null>;
  /** Media type of the success responses when not JSON (e.g. text/event-stream). */
  contentType?: string;
  successDescription?: string;
}

const q = (name: string, schema: Schema, description?: string): Parameter => ({ name, in: 'query', schema, ...(description ? { description } : {}) });
const page = (item: Schema, key: string): Schema => obj({ [key]: { type: 'array', items: item } });

const AUDIT_FILTERS = [q('actor', str, 'exact user name'), q('action', str, 'the action or its beginning'), q('outcome', { enum: ['success', 'refused', 'failed', 'unknown'] }), q('q', str, 'any part of action, actor, target or message')];

export const API_OPERATIONS: OperationSpec[] = [
  { path: '/api/health', method: 'GET', summary: 'Readiness: database, git repository and history index (anonymous callers get only the status)', auth: 'none', responses: { 200: ref('Health'), 503: ref('Health') } },

  { path: '/api/v1/session', method: 'GET', summary: 'Who am I', auth: 'optional', responses: { 200: ref('Session') } },
  { path: '/api/v1/session', method: 'POST', summary: 'Sign in (sets the proctor_session cookie)', auth: 'optional', body: api.LOGIN_BODY, responses: { 200: obj({ user: ref('User') }) } },
  { path: '/api/v1/session', method: 'DELETE', summary: 'Sign out (clears the cookie)', auth: 'optional', responses: { 204: null } },

  { path: '/api/v1/tokens', method: 'GET', summary: "The caller's API tokens (admins: ?all=1 for everyone's); never the secrets", auth: 'viewer', query: [q('all', { enum: ['1'] })], responses: { 200: page(ref('ApiToken'), 'tokens') } },
  { path: '/api/v1/tokens', method: 'POST', summary: 'Create an API token; the response is the only time the secret is shown', auth: 'viewer', body: api.CREATE_TOKEN_BODY, responses: { 201: ref('CreatedApiToken') } },
  { path: '/api/v1/tokens/{id}', method: 'DELETE', summary: 'Revoke a token (own tokens; admins any)', auth: 'viewer', responses: { 200: ref('ApiToken') } },

  { path: '/api/v1/users', method: 'GET', summary: 'All accounts', auth: 'admin', responses: { 200: page(ref('User'), 'users') } },
  { path: '/api/v1/users', method: 'POST', summary: 'Create an account', auth: 'admin', body: api.CREATE_USER_BODY, responses: { 201: ref('User') } },
  { path: '/api/v1/users/{username}', method: 'PATCH', summary: 'Change role, disable, reset password; never the last active admin', auth: 'admin', body: api.UPDATE_USER_BODY, responses: { 200: ref('User') } },

  { path: '/api/v1/activity', method: 'GET', summary: 'Changes, promotions and issue transitions, newest first (test and env filters leave transitions out)', auth: 'viewer', query: [q('test', str, 'exact test name'), q('user', str, 'author or actor user name'), q('issue', str, 'issue key'), q('env', env), q('limit', { type: 'integer', minimum: 1, maximum: 200 }), q('offset', { type: 'integer', minimum: 0, maximum: 10000 })], responses: { 200: obj({ entries: { type: 'array', items: anyObject }, total: int, limit: int, offset: int }) } },
  { path: '/api/v1/audit', method: 'GET', summary: 'Audit log, newest first', auth: 'admin', query: [...AUDIT_FILTERS, q('limit', { type: 'integer', minimum: 1, maximum: 500 }), q('before', { type: 'integer', minimum: 1 }, 'nextBefore of the previous page')], responses: { 200: obj({ entries: { type: 'array', items: ref('AuditEntry') }, nextBefore: int }, ['entries']) } },
  { path: '/api/v1/audit/export', method: 'GET', summary: 'The audit log as CSV (same filters), newest first, at most 50,000 entries', auth: 'admin', query: AUDIT_FILTERS, contentType: 'text/csv', responses: { 200: { type: 'string' } } },

  { path: '/api/v1/issues', method: 'GET', summary: 'Search issues', auth: 'viewer', query: [q('q', str, 'key prefix or summary text'), q('status', str), q('limit', { type: 'integer', minimum: 1, maximum: 200 })], responses: { 200: page(ref('Issue'), 'issues') } },
  { path: '/api/v1/issues', method: 'POST', summary: 'Create an issue (built-in tracker or JIRA)', auth: 'editor', body: api.CREATE_ISSUE_BODY, responses: { 201: ref('Issue') } },
  { path: '/api/v1/issues/{key}', method: 'GET', summary: 'An issue with comments, events, linked changes and transitions', auth: 'viewer', responses: { 200: ref('Issue') } },
  { path: '/api/v1/issues/{key}/transitions', method: 'GET', summary: 'Transitions available now', auth: 'viewer', responses: { 200: obj({ transitions: { type: 'array', items: obj({ id: str, name: str, to: str }, ['name', 'to']) } }) } },
  { path: '/api/v1/issues/{key}/transitions', method: 'POST', summary: 'Move the issue: {to: status} or {name: transition} (not → In QA / → In Production, which only a promotion does, nor the verification steps)', auth: 'editor', body: api.TRANSITION_ISSUE_BODY, responses: { 200: ref('IssueTransition') } },
  { path: '/api/v1/issues/{key}/verify', method: 'POST', summary: "QA's verification: In QA → Production Ready (records the definition live in qa), In Production → Pending Closure", auth: 'qa', body: api.VERIFY_ISSUE_BODY, responses: { 200: obj({ key: str, from: str, to: str, verification: nullable(anyObject), notices: { type: 'array', items: str } }, ['key', 'from', 'to']) } },
  { path: '/api/v1/issues/{key}/waive-separation', method: 'POST', summary: 'Let an author of the issue verify it (admin; reason recorded)', auth: 'admin', body: api.WAIVE_SEPARATION_BODY, responses: { 200: obj({ key: str, by: str, reason: str }, ['key', 'by', 'reason']) } },
  { path: '/api/v1/issues/{key}/retry-transition', method: 'POST', summary: 'Retry the transition a committed promotion could not make', auth: 'releaser', body: api.RETRY_TRANSITION_BODY, responses: { 200: ref('IssueTransition') } },
  { path: '/api/v1/issues/{key}', method: 'PATCH', summary: 'Edit the description and/or assignee (editors and QA; `previous` = the values you started from, 409 when one moved on)', auth: 'viewer', body: api.UPDATE_ISSUE_BODY, responses: { 200: ref('Issue') } },
  { path: '/api/v1/issues/{key}/comments', method: 'POST', summary: 'Comment on the issue (editors and QA)', auth: 'viewer', body: api.COMMENT_ISSUE_BODY, responses: { 204: null } },

  {
    path: '/api/v1/tests',
    method: 'GET',
    summary: 'List tests with their allocations per environment',
    auth: 'viewer',
    query: [
      q('q', str), q('type', str), q('tag', str), q('env', str, 'trunk|qa|production, or !production for absent there'), q('drift', str), q('status', { enum: [...TEST_STATUSES] }, 'inactive | running | rolled-out (lib/domain/test-status.ts)'),
      q('sort', { enum: ['name', 'updated'] }), q('page', { type: 'integer', minimum: 1 }), q('pageSize', { type: 'integer', minimum: 1, maximum: 200 }),
    ],
    responses: { 200: obj({ tests: { type: 'array', items: anyObject } }, ['tests']) },
  },
  { path: '/api/v1/tests', method: 'POST', summary: 'Create a test on trunk (commit with an issue key)', auth: 'editor', body: tests.CREATE_TEST_BODY, responses: { 201: ref('SaveResult') } },
  { path: '/api/v1/tests/{name}', method: 'GET', summary: 'A test at an environment (default trunk) or revision', auth: 'viewer', query: [q('env', env), q('revision', revision)], responses: { 200: ref('TestRead') } },
  { path: '/api/v1/tests/{name}', method: 'PUT', summary: 'Save a new definition on trunk, against the revision it was loaded at', auth: 'editor', body: tests.UPDATE_TEST_BODY, responses: { 200: ref('SaveResult') } },
  { path: '/api/v1/tests/{name}', method: 'DELETE', summary: 'Delete the test from trunk', auth: 'editor', body: tests.DELETE_TEST_BODY, responses: { 200: ref('SaveResult') } },
  { path: '/api/v1/tests/{name}/promotions', method: 'POST', summary: 'Promote trunk→qa, qa→production or trunk→production; moves the issue on', auth: 'releaser', body: tests.PROMOTE_BODY, responses: { 201: ref('PromoteResult') } },
  { path: '/api/v1/tests/{name}/revert', method: 'POST', summary: 'Restore the definition of an older revision on trunk as a new commit', auth: 'editor', body: tests.REVERT_TEST_BODY, responses: { 200: ref('SaveResult') } },
  { path: '/api/v1/tests/{name}/history', method: 'GET', summary: 'Commits that changed the test on one environment, newest first', auth: 'viewer', query: [q('env', env), q('limit', { type: 'integer', minimum: 1, maximum: 500 }), q('offset', { type: 'integer', minimum: 0 })], responses: { 200: obj({ testName: str, env, total: int, limit: int, offset: int, entries: { type: 'array', items: anyObject } }) } },
  { path: '/api/v1/tests/{name}/diff', method: 'GET', summary: 'Text and semantic diff between two environments or revisions (default production → trunk)', auth: 'viewer', query: [q('from', str, 'trunk|qa|production or a revision'), q('to', str, 'trunk|qa|production or a revision')], responses: { 200: anyObject } },
  { path: '/api/v1/tests/{name}/environments', method: 'GET', summary: 'The test in trunk, qa and production side by side', auth: 'viewer', responses: { 200: obj({ name: str, envs: obj({ trunk: nullable(anyObject), qa: nullable(anyObject), production: nullable(anyObject) }), live: anyObject }) } },
  { path: '/api/v1/tests/{name}/bucket-check', method: 'POST', summary: 'Which bucket an identifier gets in each environment, and why', auth: 'viewer', body: tests.BUCKET_CHECK_BODY, responses: { 200: obj({ testName: str, identifier: str, results: anyObject }) } },
  { path: '/api/v1/tests/{name}/auto-promotion', method: 'POST', summary: 'Whether saving this definition would be auto-promoted (allocation-only, and moving no user between active buckets)', auth: 'viewer', body: tests.VALIDATE_BODY, responses: { 200: obj({ eligible: bool, reason: str, movedBetweenActiveBuckets: { type: 'number' }, refusal: nullable(anyObject) }, ['eligible']) } },
  {
    path: '/api/v1/tests/{name}/promotions/preview',
    method: 'GET',
    summary: 'What a promotion would copy (production: the QA-verified revision by default), its drift and changes, and its refusal',
    auth: 'viewer',
    query: [q('from', { enum: ['trunk', 'qa'] }), q('to', { enum: ['qa', 'production'] }), q('revision', str), q('issueKey', str)],
    responses: { 200: obj({ from: str, to: str, sourceRevision: nullable(str), verifiedRevision: nullable(str), targetRevision: nullable(str), drift: nullable(anyObject), changes: { type: 'array', items: anyObject }, refusal: nullable(anyObject), issueKey: nullable(str) }, ['sourceRevision', 'verifiedRevision', 'targetRevision', 'drift', 'changes', 'refusal']) },
  },
  { path: '/api/v1/tests/{name}/rollback-targets', method: 'GET', summary: 'Revisions that were live in qa or production before, newest first', auth: 'viewer', query: [q('env', { enum: ['qa', 'production'] })], responses: { 200: obj({ env: str, current: nullable(str), targets: { type: 'array', items: anyObject } }, ['env', 'targets']) } },
  { path: '/api/v1/tests/{name}/rollback', method: 'POST', summary: 'Roll qa or production back to a revision that was live there before (any issue status; reason required)', auth: 'releaser', body: tests.ROLLBACK_BODY, responses: { 201: obj({ testName: str, commits: { type: 'array', items: anyObject }, issueKey: nullable(str), notices: { type: 'array', items: str } }, ['testName', 'commits']) } },
  { path: '/api/v1/tests/{name}/stop', method: 'POST', summary: 'Emergency stop: 100% inactive on trunk, qa and production in one action (reason required)', auth: 'releaser', body: tests.STOP_BODY, responses: { 201: obj({ testName: str, commits: { type: 'array', items: anyObject }, issueKey: nullable(str), notices: { type: 'array', items: str } }, ['testName', 'commits']) } },

  { path: '/api/v1/tests/{name}/results', method: 'GET', summary: 'Results per phase (issue #20): arms, per-goal rates/means with intervals, lifts vs control with p-values and verdicts, sample-ratio check against the configured allocations, health', auth: 'viewer', query: [q('environment', env), q('phase', { type: 'integer', minimum: 0 })], responses: { 200: ref('TestResults') } },
  { path: '/api/v1/tests/{name}/results/history', method: 'GET', summary: 'Per bucket per day of exposure: units, cumulative rate/mean with interval, lift vs control; phase boundaries with revision and issue', auth: 'viewer', query: [q('environment', env), q('goal', str)], responses: { 200: obj({ testName: str, environment: str, goal: str, kind: { enum: ['binary', 'count'] }, alpha: num, mode: str, control: anyObject, buckets: { type: 'array', items: anyObject }, phaseBoundaries: { type: 'array', items: anyObject } }) } },
  { path: '/api/v1/tests/{name}/results/settings', method: 'GET', summary: 'How the results are judged: alpha, correction, mode, control bucket, N*', auth: 'viewer', responses: { 200: ref('ResultsSettings') } },
  { path: '/api/v1/tests/{name}/results/settings', method: 'PUT', summary: 'Change how the results are judged (alpha in (0, 0.5]); the mode is locked once the test has data (409 RESULTS_MODE_LOCKED)', auth: 'editor', body: api.RESULTS_SETTINGS_BODY, responses: { 200: ref('ResultsSettings') } },
  { path: '/api/v1/tests/{name}/results.csv', method: 'GET', summary: 'The results of every phase as CSV', auth: 'viewer', query: [q('environment', env)], contentType: 'text/csv', responses: { 200: { type: 'string' } } },
  { path: '/api/v1/tests/{name}/conclusion', method: 'GET', summary: 'The written conclusion (hypothesis, result, decision) and its revision', auth: 'viewer', responses: { 200: ref('Conclusion') } },
  { path: '/api/v1/tests/{name}/conclusion', method: 'PUT', summary: 'Save the written conclusion against the revision read (409 when it changed)', auth: 'editor', body: api.CONCLUSION_BODY, responses: { 200: ref('Conclusion') } },
  { path: '/api/v1/results-health', method: 'GET', summary: "Per test and environment with data: its current phase's health (srm, not-enough-data, significant, ok)", auth: 'viewer', responses: { 200: obj({ tests: { type: 'array', items: obj({ testName: str, environment: str, health: { enum: ['srm', 'not-enough-data', 'significant', 'ok', 'no-data'] } }) } }) } },

  { path: '/api/v1/validate', method: 'POST', summary: "Dry run of Proctor's and the webapp's checks", auth: 'viewer', body: tests.VALIDATE_BODY, responses: { 200: obj({ valid: bool, issues: { type: 'array', items: ref('ValidationIssue') } }) } },
  { path: '/api/v1/drift', method: 'GET', summary: 'Per test: whether qa and production hold the current trunk revision', auth: 'viewer', responses: { 200: obj({ tests: { type: 'array', items: anyObject } }) } },
  { path: '/api/v1/matrix-diff', method: 'GET', summary: "Two builds compared (each an environment now, or at one of its recent revisions): tests added, removed and changed (semantic changes)", auth: 'viewer', query: [q('from', env), q('to', env), q('fromRevision', revision), q('toRevision', revision)], responses: { 200: obj({ from: anyObject, to: anyObject, diff: obj({ added: { type: 'array', items: str }, removed: { type: 'array', items: str }, changed: { type: 'array', items: anyObject }, unchanged: int }) }) } },
  {
    path: '/api/v1/matrix/{env}',
    method: 'GET',
    summary: "Proctor's test matrix of an environment (readable without signing in). ETag = branch head (-gzip/-br per coding)",
    auth: 'optional',
    headers: [
      { name: 'If-None-Match', in: 'header', schema: str, description: 'The ETag of a matrix you hold; 304 when unchanged' },
      { name: 'Accept-Encoding', in: 'header', schema: str, description: 'br, gzip or identity; each precompressed with its own strong ETag' },
    ],
    responses: { 200: ref('TestMatrixArtifact'), 304: null },
  },
  {
    path: '/api/v1/matrix/{env}/{revision}',
    method: 'GET',
    summary: "One revision's matrix at an immutable URL (Cache-Control: immutable); `current` answers 307 to the current revision's URL",
    auth: 'optional',
    headers: [
      { name: 'If-None-Match', in: 'header', schema: str, description: 'The ETag of a matrix you hold; 304 when unchanged' },
      { name: 'Accept-Encoding', in: 'header', schema: str, description: 'br, gzip or identity' },
    ],
    responses: { 200: ref('TestMatrixArtifact'), 304: null, 307: null },
  },
  {
    path: '/api/v1/matrix/{env}/applications/{application}',
    method: 'GET',
    summary: "An application's own matrix: only the tests of the specification its last heartbeat registered, verified like Proctor's loaders (Authorization: Bearer pct_… application token)",
    auth: 'application',
    query: [q('version', str, 'the application version whose registered specification to use (default: the most recent)')],
    headers: [
      { name: 'If-None-Match', in: 'header', schema: str, description: 'The ETag of the matrix you hold; 304 when unchanged' },
      { name: 'Accept-Encoding', in: 'header', schema: str, description: 'br, gzip or identity' },
    ],
    responses: { 200: ref('TestMatrixArtifact'), 304: null },
  },
  {
    path: '/api/v1/matrix/{env}/events',
    method: 'GET',
    summary: 'Server-Sent Events: `event: revision` data {env, revision, failure} now and whenever the matrix changes',
    auth: 'optional',
    contentType: 'text/event-stream',
    responses: { 200: { type: 'string' } },
  },
  { path: '/api/v1/consumers', method: 'GET', summary: 'Which applications run which matrix revision, per environment', auth: 'viewer', query: [q('env', env), q('activeMinutes', { type: 'integer', minimum: 1, maximum: 43200 })], responses: { 200: anyObject } },
  { path: '/api/v1/consumers/tokens', method: 'GET', summary: 'Application tokens (never their secrets)', auth: 'admin', responses: { 200: page(ref('ConsumerToken'), 'tokens') } },
  { path: '/api/v1/consumers/tokens', method: 'POST', summary: 'Create an application token; the response is the only time the secret pct_… is shown', auth: 'admin', body: api.CREATE_CONSUMER_TOKEN_BODY, responses: { 201: { allOf: [ref('ConsumerToken'), obj({ token: { type: 'string', pattern: '^pct_' } })] } } },
  { path: '/api/v1/context-schema', method: 'GET', summary: "Variables rules may use: the applications' providedContext plus the team's list", auth: 'viewer', responses: { 200: ref('ContextSchema') } },
  { path: '/api/v1/context-schema', method: 'PUT', summary: "Replace the team's list of rule context variables, against the revision read (409 when it changed)", auth: 'editor', body: api.CONTEXT_SCHEMA_BODY, responses: { 200: ref('ContextSchema') } },
  { path: '/api/v1/consumers/tokens/{id}', method: 'DELETE', summary: 'Revoke an application token', auth: 'admin', responses: { 200: ref('ConsumerToken') } },
  {
    path: '/api/v1/heartbeat',
    method: 'POST',
    summary: 'An application instance reports its matrix revision and specification (Authorization: Bearer pct_… application token)',
    auth: 'application',
    body: HEARTBEAT_BODY,
    responses: { 200: obj({ ok: { const: true }, serverTime: int, heartbeatIntervalSeconds: int, currentRevision: nullable(str) }) },
  },
  {
    path: '/api/v1/events',
    method: 'POST',
    summary:
      'Measurement events from applications (Authorization: Bearer pct_… with the events or all scope): at most 1,000 per batch, 1 MiB; answered per event, in order, after they are durably stored. 429 with Retry-After when over capacity.',
    auth: 'application',
    body: api.EVENTS_BODY,
    responses: {
      200: obj({
        results: { type: 'array', items: obj({ id: str, status: { enum: ['accepted', 'duplicate', 'rejected'] }, reason: str }, ['id', 'status']) },
        accepted: int,
        duplicates: int,
        rejected: int,
      }),
    },
  },
  { path: '/api/v1/sync', method: 'POST', summary: 'Webhook: fetch the upstream git repository now and re-index', auth: 'editor', responses: { 200: obj({ heads: obj({ trunk: nullable(revision), qa: nullable(revision), production: nullable(revision) }) }) } },
  { path: '/api/v1/openapi.json', method: 'GET', summary: 'This document', auth: 'none', responses: { 200: { type: 'object', required: ['openapi', 'paths'] } } },
];

const ERROR_STATUSES: Record<number, string> = {
  400: 'Malformed request (e.g. invalid JSON, with line and column)',
  401: 'Not signed in, or the token is unknown, expired or revoked',
  403: 'The role does not allow this, or a cross-origin cookie request',
  404: 'Not found',
  409: 'Conflict: STALE_REVISION, NO_CHANGES, ALREADY_EXISTS, PROMOTION_NOT_ALLOWED',
  413: 'Request body too large',
  422: 'Invalid body or definition (details name the fields), or the issue does not allow this',
  429: 'Too many attempts',
  500: 'Unexpected error (the message carries a reference to the log)',
  503: 'Not ready or the upstream is unavailable',
};

function errorStatusesFor(op: OperationSpec): number[] {
  const statuses = [500];
  if (op.auth !== 'none' && op.auth !== 'optional') statuses.push(401, 403);
  if (op.auth === 'application') statuses.push(503);
  if (op.path === '/api/v1/events') statuses.push(429);
  if (op.path === '/api/v1/session' && op.method === 'POST') statuses.push(401, 429);
  if (op.body) statuses.push(400, 413, 422);
  if (op.path.includes('{')) statuses.push(404);
  if (['PUT', 'POST', 'DELETE'].includes(op.method) && op.path.startsWith('/api/v1/tests')) statuses.push(409, 503);
  if (op.path === '/api/v1/sync') statuses.push(503);
  if (op.path === '/api/v1/context-schema' && op.method === 'PUT') statuses.push(409);
  return [...new Set(statuses)].sort((a, b) => a - b);
}

function pathParameters(path: string): Parameter[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: name === 'env' ? env : str,
    ...(name === 'name' ? { description: 'Test name: letters, digits and _, not starting or ending with a digit (so no slashes or dots)' } : {}),
  }));
}

function operationObject(op: OperationSpec): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, schema] of Object.entries(op.responses)) {
    const media = Number(status) < 300 && op.contentType ? op.contentType : 'application/json';
    responses[status] = schema === null ? { description: descriptionFor(Number(status)) } : { description: descriptionFor(Number(status)), content: { [media]: { schema } } };
  }
  for (const status of errorStatusesFor(op)) {
    responses[String(status)] ??= { description: ERROR_STATUSES[status], content: { 'application/json': { schema: ref('Error') } } };
  }
  const parameters = [...pathParameters(op.path), ...(op.query ?? []), ...(op.headers ?? [])];
  return {
    operationId: operationId(op),
    summary: op.summary,
    ...(op.auth === 'none'
      ? { security: [] }
      : op.auth === 'optional'
        ? { security: [{}, { sessionCookie: [] }, { bearerToken: [] }] }
        : op.auth === 'application'
          ? { security: [{ applicationToken: [] }] }
          : { 'x-required-role': op.auth }),
    ...(parameters.length ? { parameters } : {}),
    ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: op.body } } } } : {}),
    responses,
  };
}

function descriptionFor(status: number): string {
  return ({ 200: 'OK', 201: 'Created', 204: 'No content', 304: 'Not modified (If-None-Match matched the ETag)', 503: 'Not ready' } as Record<number, string>)[status] ?? 'Response';
}

function operationId(op: OperationSpec): string {
  const words = op.path.replace(/^\/api\/(v1\/)?/, '').split(/[/.-]/).filter(Boolean).map((part) => part.replace(/[{}]/g, ''));
  return [op.method.toLowerCase(), ...words].map((word, i) => (i === 0 ? word : word[0].toUpperCase() + word.slice(1))).join('');
}

export interface OpenApiDocument {
  openapi: string;
  info: Record<string, unknown>;
  paths: Record<string, Partial<Record<Lowercase<HttpMethod>, Record<string, unknown>>>>;
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, unknown> };
  security: Record<string, string[]>[];
}

let cachedDocument: OpenApiDocument | undefined;

/** The document (built once; request body schemas are shared, not copied, with the routes). */
export function openApiDocument(): OpenApiDocument {
  if (cachedDocument) return cachedDocument;
  const paths: OpenApiDocument['paths'] = {};
  for (const op of API_OPERATIONS) {
    (paths[op.path] ??= {})[op.method.toLowerCase() as Lowercase<HttpMethod>] = operationObject(op);
  }
  cachedDocument = {
    openapi: '3.1.0',
    info: {
      title: 'Proctor Studio API',
      version: '1',
      description:
        'Manage Proctor test definitions stored in git: read, validate, save on trunk with an issue key, promote to qa and production, and serve test matrices. Errors are {code, message, details[{path, message}], data?}. Roles: viewer < editor < releaser < admin (x-required-role).',
    },
    paths,
    components: { schemas: SCHEMAS, securitySchemes: SECURITY_SCHEMES },
    security: [{ sessionCookie: [] }, { bearerToken: [] }],
  };
  return cachedDocument;
}

/** The documented schema of a response (resolving one $ref level), for checking real responses in tests. */
export function documentedResponseSchema(method: HttpMethod, path: string, status: number): Schema | null | undefined {
  const operation = openApiDocument().paths[path]?.[method.toLowerCase() as Lowercase<HttpMethod>] as { responses: Record<string, { content?: Record<string, { schema: Schema }> }> } | undefined;
  const response = operation?.responses[String(status)];
  if (!response) return undefined;
  return response.content?.['application/json']?.schema ?? null;
}
