/**
 * The hostile-input corpus (issue #14), over real HTTP against the production build: every operation of the OpenAPI
 * list × every hostile value, in each body field, path parameter and query parameter, plus whole-body attacks
 * (malformed, 100,000 levels deep, oversized, wrong type), unknown routes and methods.
 *
 * What must hold afterwards:
 * - no answer is a 5xx;
 * - every refusal (a 4xx to a mutation, and any 400/401/403/413/429) is in the audit log, found by its request id;
 * - nothing a request carried broke the repository: `git fsck --strict` is clean, and each branch head moved by exactly
 *   the commits of the requests that were accepted (a refused request wrote nothing);
 * - the server is still healthy.
 * A new API operation without a base request below fails this test: add one so the corpus covers it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_OPERATIONS, type OperationSpec } from '@/lib/http/openapi';
import { ApiClient, REPO_ROOT, git, startAppServer, type AppServer } from '@/test/support/app-server';

let app: AppServer;
let admin: ApiClient;
let consumerToken: string;
let issueKey: string;
let firstRevision: string;
const TEST = 'hostile_corpus';
const SEED = JSON.parse(readFileSync(path.join(REPO_ROOT, 'proctor-data/test-definitions/checkout_button_color/definition.json'), 'utf8'));
const definition = () => ({ ...structuredClone(SEED), salt: `&${TEST}`, description: 'Hostile input corpus' });

/** Strings an attacker or a careless user sends. Some are refused (NUL, line breaks in one-line fields, oversize),
 * others are harmless text that must be stored and shown as text. */
const HOSTILE_STRINGS: Record<string, string> = {
  nul: 'before\u0000after',
  newline: 'line one\nInjected-Header: yes',
  crlf: 'a\r\nb',
  ident: 'Mallory <mallory@evil.example>',
  xss: '<img src=x onerror=alert(1)>',
  traversal: '../../../etc/passwd',
  dotgit: '.git',
  long: 'x'.repeat(70_000),
  loneSurrogate: 'a\uD800b',
  bidi: 'abc\u202Edef',
  bom: '\uFEFFbom',
  control: '\u0007\u001b[31m',
  template: '${7*7}#{7*7}%s%n',
  sql: "' OR 1=1; --",
  empty: '',
  spaces: '   ',
  proto: '__proto__',
};
/** Values of the wrong type for any field. */
const WRONG_TYPES: Record<string, unknown> = {
  null: null,
  hugeInt: 12345678901234567890,
  negative: -1,
  hugeDouble: 1e308,
  array: [],
  object: {},
  pollution: JSON.parse('{"__proto__": {"polluted": true}}'),
};
/** Whole bodies that are not what any route expects. */
const deep = 100_000;
const HOSTILE_BODIES: Record<string, string> = {
  notJson: 'not json',
  truncated: '{"name": "x"',
  deepArrays: '['.repeat(deep) + ']'.repeat(deep),
  deepObjects: '{"a":'.repeat(deep) + '1' + '}'.repeat(deep),
  tooLarge: JSON.stringify({ padding: 'x'.repeat(2 * 1024 * 1024) }),
  nullBody: 'null',
  arrayBody: '[]',
  number: '123',
  nulInKey: '{"na\\u0000me": 1}',
};

interface BaseRequest {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: Record<string, unknown>;
  /** Which branch an accepted request commits to. */
  commitsTo?: 'trunk' | 'qa' | 'production';
}

let seq = 0;
const unique = (prefix: string) => `${prefix}_${++seq}`;
async function trunkRevision(): Promise<string> {
  const response = await admin.get(`/api/v1/tests/${TEST}`);
  if (response.status === 404) {
    // An accepted DELETE of the corpus test: put it back so the rest of the corpus has something to aim at.
    expect((await admin.post('/api/v1/tests', { name: TEST, definition: definition(), issueKey, comment: 'recreated' })).status).toBe(201);
    accepted.trunk += 1;
    return trunkRevision();
  }
  return response.json.revision;
}

/** A valid request per operation; the corpus replaces one value of it at a time. */
const BASES: Record<string, () => Promise<BaseRequest>> = {
  'GET /api/health': async () => ({}),
  'GET /api/v1/session': async () => ({}),
  'POST /api/v1/session': async () => ({ body: { username: 'avery', password: 'demo' } }),
  'DELETE /api/v1/session': async () => ({}),
  'GET /api/v1/tokens': async () => ({ query: { all: '1' } }),
  'POST /api/v1/tokens': async () => ({ body: { name: unique('corpus token'), expiresInDays: 1 } }),
  'DELETE /api/v1/tokens/{id}': async () => ({ params: { id: (await admin.createToken(unique('throwaway'))).id } }),
  'GET /api/v1/users': async () => ({}),
  'POST /api/v1/users': async () => ({ body: { username: unique('corpus_user'), displayName: 'Corpus User', email: 'corpus@example.com', role: 'viewer', password: 'a long password' } }),
  'PATCH /api/v1/users/{username}': async () => ({ params: { username: 'priya' }, body: { displayName: 'Priya', email: 'priya@example.com', role: 'editor' } }),
  'GET /api/v1/activity': async () => ({ query: { test: TEST, user: 'erin', issue: issueKey, env: 'trunk', limit: '5', offset: '0' } }),
  'GET /api/v1/audit': async () => ({ query: { limit: '5', before: '1000000', actor: 'avery', action: 'definition', outcome: 'success', q: 'checkout' } }),
  'GET /api/v1/audit/export': async () => ({ query: { actor: 'avery', action: 'definition', outcome: 'refused', q: 'checkout' } }),
  'GET /api/v1/issues': async () => ({ query: { q: 'PROTEST', status: 'Open', limit: '5' } }),
  'POST /api/v1/issues': async () => ({ body: { summary: 'Corpus issue', type: 'ProTest', description: 'made by the hostile-input corpus' } }),
  'GET /api/v1/issues/{key}': async () => ({ params: { key: issueKey } }),
  'GET /api/v1/issues/{key}/transitions': async () => ({ params: { key: issueKey } }),
  'POST /api/v1/issues/{key}/transitions': async () => ({ params: { key: issueKey }, body: { to: 'No Such Status' } }),
  'POST /api/v1/issues/{key}/comments': async () => ({ params: { key: issueKey }, body: { body: 'a comment' } }),
  'POST /api/v1/issues/{key}/verify': async () => ({ params: { key: issueKey }, body: { comment: 'verified by the corpus' } }),
  'POST /api/v1/issues/{key}/waive-separation': async () => ({ params: { key: issueKey }, body: { reason: 'corpus waiver' } }),
  'POST /api/v1/issues/{key}/retry-transition': async () => ({ params: { key: issueKey }, body: {} }),
  'PATCH /api/v1/issues/{key}': async () => ({ params: { key: issueKey }, body: { assignee: 'erin', previous: { assignee: (await admin.get(`/api/v1/issues/${issueKey}`)).json.assignee ?? null } } }),
  'GET /api/v1/tests': async () => ({ query: { q: 'checkout', type: 'USER', tag: 'x', env: 'trunk', drift: 'any', active: 'any', sort: 'name', page: '1', pageSize: '5' } }),
  'POST /api/v1/tests': async () => ({ body: { name: unique('corpus_new'), definition: definition(), issueKey, comment: 'create' }, commitsTo: 'trunk' }),
  'GET /api/v1/tests/{name}': async () => ({ params: { name: TEST }, query: { env: 'trunk' } }),
  'PUT /api/v1/tests/{name}': async () => ({
    params: { name: TEST },
    body: { definition: { ...definition(), description: unique('corpus edit') }, baseRevision: await trunkRevision(), issueKey, comment: 'edit' },
    commitsTo: 'trunk',
  }),
  'DELETE /api/v1/tests/{name}': async () => ({ params: { name: TEST }, body: { baseRevision: await trunkRevision(), issueKey, comment: 'delete' }, commitsTo: 'trunk' }),
  'POST /api/v1/tests/{name}/promotions': async () => ({ params: { name: TEST }, body: { from: 'trunk', to: 'qa', issueKey, comment: 'promote' }, commitsTo: 'qa' }),
  'POST /api/v1/tests/{name}/revert': async () => ({
    params: { name: TEST },
    body: { toRevision: firstRevision, baseRevision: await trunkRevision(), issueKey, comment: 'revert' },
    commitsTo: 'trunk',
  }),
  'GET /api/v1/tests/{name}/history': async () => ({ params: { name: TEST }, query: { env: 'trunk', limit: '5', offset: '0' } }),
  'GET /api/v1/tests/{name}/diff': async () => ({ params: { name: TEST }, query: { from: 'production', to: 'trunk' } }),
  'GET /api/v1/tests/{name}/environments': async () => ({ params: { name: TEST } }),
  'POST /api/v1/tests/{name}/bucket-check': async () => ({ params: { name: TEST }, body: { identifier: 'user-1', idType: 'USER', context: { country: 'US' } } }),
  'POST /api/v1/tests/{name}/auto-promotion': async () => ({ params: { name: TEST }, body: { name: TEST, definition: definition() } }),
  'GET /api/v1/tests/{name}/promotions/preview': async () => ({ params: { name: TEST }, query: { from: 'trunk', to: 'qa', issueKey } }),
  'GET /api/v1/tests/{name}/rollback-targets': async () => ({ params: { name: TEST }, query: { env: 'production' } }),
  // Refused as sent (never live in production; no such test). A variant that lands (the path name `__proto__` names a
  // test the corpus created) is counted from the `commits` it reports.
  'POST /api/v1/tests/{name}/rollback': async () => ({ params: { name: TEST }, body: { env: 'production', revision: firstRevision, reason: 'corpus rollback', issueKey } }),
  'POST /api/v1/tests/{name}/stop': async () => ({ params: { name: 'corpus_no_such_test' }, body: { reason: 'corpus stop', issueKey } }),
  'GET /api/v1/tests/{name}/results': async () => ({ params: { name: TEST }, query: { environment: 'trunk' } }),
  'GET /api/v1/tests/{name}/results/history': async () => ({ params: { name: TEST }, query: { environment: 'trunk', goal: 'purchase' } }),
  'GET /api/v1/tests/{name}/results/settings': async () => ({ params: { name: TEST } }),
  'PUT /api/v1/tests/{name}/results/settings': async () => ({ params: { name: TEST }, body: { alpha: 0.05, correction: 'holm', mode: 'fixed', controlBucket: 0, sequentialN: 5000 } }),
  'GET /api/v1/tests/{name}/results.csv': async () => ({ params: { name: TEST }, query: { environment: 'trunk' } }),
  'GET /api/v1/tests/{name}/conclusion': async () => ({ params: { name: TEST } }),
  'PUT /api/v1/tests/{name}/conclusion': async () => ({
    params: { name: TEST },
    body: { hypothesis: 'h', result: 'r', decision: 'd', expectedRevision: (await admin.get(`/api/v1/tests/${TEST}/conclusion`)).json.revision ?? 0 },
  }),
  'GET /api/v1/results-health': async () => ({}),
  'POST /api/v1/validate': async () => ({ body: { name: TEST, definition: definition() } }),
  'GET /api/v1/drift': async () => ({}),
  'GET /api/v1/matrix/{env}': async () => ({ params: { env: 'trunk' } }),
  'GET /api/v1/matrix-diff': async () => ({ query: { from: 'production', to: 'trunk' } }),
  'GET /api/v1/matrix/{env}/{revision}': async () => ({ params: { env: 'trunk', revision: 'current' } }),
  // Sent with the application token (see send); 404 until corpus-app's heartbeat registered its specification.
  'GET /api/v1/matrix/{env}/applications/{application}': async () => ({ params: { env: 'production', application: 'corpus-app' }, query: { version: '1.0.0' } }),
  // Only hostile environments are sent here: a valid one opens a stream that never ends.
  'GET /api/v1/matrix/{env}/events': async () => ({ params: { env: 'trunk' } }),
  'GET /api/v1/consumers': async () => ({ query: { env: 'production', activeMinutes: '60' } }),
  'GET /api/v1/consumers/tokens': async () => ({}),
  'POST /api/v1/consumers/tokens': async () => ({ body: { name: unique('corpus app'), environment: 'production' } }),
  'DELETE /api/v1/consumers/tokens/{id}': async () => ({ params: { id: 'not-a-real-id' } }),
  'GET /api/v1/context-schema': async () => ({}),
  'PUT /api/v1/context-schema': async () => ({
    body: { baseRevision: (await admin.get('/api/v1/context-schema')).json.revision, variables: [{ name: 'corpus_var', type: 'String', description: 'from the corpus' }] },
  }),
  'POST /api/v1/heartbeat': async () => ({
    body: {
      application: 'corpus-app',
      version: '1.0.0',
      environment: 'production',
      instanceId: 'host-1',
      matrixRevision: null,
      matrixLoadedAt: Date.now(),
      specification: { tests: { checkout_button_color: null }, providedContext: { country: 'String' } },
      fallbackTests: [],
    },
  }),
  'POST /api/v1/events': async () => ({
    body: {
      events: [
        {
          id: unique('corpus-event'),
          type: 'exposure',
          time: new Date().toISOString(),
          environment: 'trunk',
          unit: { type: 'USER', id: 'corpus-user' },
          test: TEST,
          bucket: 1,
          allocationId: '#A1',
          definitionVersion: '1',
          matrixVersion: 'corpus',
        },
        { id: unique('corpus-event'), type: 'conversion', time: new Date().toISOString(), environment: 'trunk', unit: { type: 'USER', id: 'corpus-user' }, goal: 'purchase', value: 2 },
      ],
    },
  }),
  'POST /api/v1/sync': async () => ({}),
  'GET /api/v1/openapi.json': async () => ({}),
};

/** Fields inside a definition that reach the committed file and the matrix. */
const DEFINITION_FIELDS: ((d: any, v: unknown) => void)[] = [
  (d, v) => (d.description = v),
  (d, v) => (d.salt = v),
  (d, v) => (d.testType = v),
  (d, v) => (d.buckets[0].name = v),
  (d, v) => (d.allocations[0].rule = v),
  (d, v) => (d.constants = { [String(v)]: 'x' }),
  (d, v) => (d.constants = { c: v }),
];

interface Attempt {
  label: string;
  method: string;
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  commitsTo?: BaseRequest['commitsTo'];
  authorization?: string;
}
interface Outcome {
  attempt: Attempt;
  status: number;
  requestId: string;
  text: string;
}

const accepted = { trunk: 0, qa: 0, production: 0 };
const outcomes: Outcome[] = [];

/** Percent-encodes a path segment; a lone surrogate (which encodeURIComponent refuses) becomes invalid UTF-8 bytes. */
function encodeSegment(value: string): string {
  return [...value].map((ch) => (/^[\uD800-\uDFFF]$/.test(ch) ? '%ED%A0%80' : encodeURIComponent(ch))).join('');
}

function fillPath(template: string, params: Record<string, string> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => encodeSegment(params[name] ?? 'missing'));
}

async function send(attempt: Attempt): Promise<void> {
  const requestId = `corpus-${outcomes.length}-${Date.now()}`;
  const query = attempt.query ? '?' + new URLSearchParams(attempt.query).toString() : '';
  const headers: Record<string, string> = { 'x-request-id': requestId };
  if (attempt.authorization !== undefined) headers.authorization = attempt.authorization;
  const application = attempt.path === '/api/v1/heartbeat' || attempt.path === '/api/v1/events' || /^\/api\/v1\/matrix\/[^/]*\/applications\//.test(attempt.path);
  const token = application ? ApiClient.withToken(app.baseUrl, consumerToken) : admin;
  const response = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].includes(attempt.method)
    ? await token.request(attempt.method, attempt.path + query, { body: attempt.rawBody ?? attempt.body, headers })
    : await rawRequest(attempt.method, attempt.path + query, headers);
  outcomes.push({ attempt, status: response.status, requestId, text: response.text.slice(0, 300) });
  if (response.status >= 200 && response.status < 300 && attempt.commitsTo) accepted[attempt.commitsTo] += 1;
  // Rollback and stop say which branches they wrote (a stop writes up to three): count those.
  if (response.status >= 200 && response.status < 300 && !attempt.commitsTo) {
    let commits: unknown;
    try {
      commits = (JSON.parse(response.text) as { commits?: unknown }).commits;
    } catch {
      commits = undefined;
    }
    if (Array.isArray(commits)) for (const commit of commits as { env: keyof typeof accepted }[]) accepted[commit.env] += 1;
  }
  // A promotion trunk→qa that was accepted moved qa; the issue also moves, which is fine.
}

/** Methods fetch refuses to send (TRACE), through node:http. */
function rawRequest(method: string, urlPath: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(app.baseUrl + urlPath, { method, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    request.on('error', reject);
    request.end();
  });
}

function operationKey(op: OperationSpec): string {
  return `${op.method} ${op.path}`;
}

async function corpusFor(op: OperationSpec): Promise<number> {
  const base = BASES[operationKey(op)];
  let count = 0;
  const run = async (make: (b: BaseRequest) => Attempt | null) => {
    const attempt = make(await base());
    if (attempt) {
      await send(attempt);
      count += 1;
    }
  };
  const attemptOf = (b: BaseRequest, label: string, changes: Partial<Attempt> = {}): Attempt => ({
    label: `${operationKey(op)} ${label}`,
    method: op.method,
    path: fillPath(op.path, b.params),
    query: b.query,
    body: b.body,
    commitsTo: b.commitsTo,
    ...changes,
  });
  const streams = op.path.endsWith('/events');

  // Path parameters.
  for (const name of op.path.match(/\{(\w+)\}/g)?.map((p) => p.slice(1, -1)) ?? []) {
    for (const [label, value] of Object.entries(HOSTILE_STRINGS)) {
      if (value === '') continue; // an empty segment is another route
      await run((b) => attemptOf(b, `path ${name}=${label}`, { path: fillPath(op.path, { ...b.params, [name]: value }) }));
    }
  }
  if (streams) return count;
  // Query parameters.
  for (const parameter of op.query ?? []) {
    for (const [label, value] of Object.entries(HOSTILE_STRINGS)) {
      await run((b) => attemptOf(b, `query ${parameter.name}=${label}`, { query: { ...b.query, [parameter.name]: value } }));
    }
  }
  if (op.method === 'GET') return count;
  // Body fields: every property of the base body, then the definition's own fields.
  const sample = await base();
  for (const field of Object.keys(sample.body ?? {})) {
    for (const [label, value] of [...Object.entries(HOSTILE_STRINGS), ...Object.entries(WRONG_TYPES)]) {
      await run((b) => attemptOf(b, `body ${field}=${label}`, { body: { ...b.body, [field]: value } }));
    }
  }
  if (sample.body && 'definition' in sample.body) {
    for (const [index, set] of DEFINITION_FIELDS.entries()) {
      for (const [label, value] of [...Object.entries(HOSTILE_STRINGS), ...Object.entries(WRONG_TYPES)]) {
        await run((b) => {
          const changed = structuredClone(b.body!.definition) as Record<string, unknown>;
          set(changed, value);
          return attemptOf(b, `definition field ${index}=${label}`, { body: { ...b.body, definition: changed } });
        });
      }
    }
  }
  // Whole bodies.
  for (const [label, rawBody] of Object.entries(HOSTILE_BODIES)) {
    await run((b) => attemptOf(b, `raw body ${label}`, { body: undefined, rawBody }));
  }
  return count;
}

function heads(): Record<'trunk' | 'qa' | 'production', number> {
  const count = (branch: string) => Number(git(app.repoDir, 'rev-list', '--count', branch).trim());
  return { trunk: count('trunk'), qa: count('qa'), production: count('production') };
}

beforeAll(async () => {
  app = await startAppServer();
  const avery = await new ApiClient(app.baseUrl).login('avery');
  admin = ApiClient.withToken(app.baseUrl, (await avery.createToken('corpus')).token);
  const issue = await admin.post('/api/v1/issues', { summary: 'Hostile input corpus', type: 'ProTest' });
  issueKey = issue.json.key;
  const created = await admin.post('/api/v1/tests', { name: TEST, definition: definition(), issueKey, comment: 'corpus target' });
  expect(created.status).toBe(201);
  firstRevision = created.json.revision;
  for (const to of ['In Progress', 'QA Ready']) expect((await admin.post(`/api/v1/issues/${issueKey}/transitions`, { to })).status).toBe(200);
  consumerToken = (await admin.post('/api/v1/consumers/tokens', { name: 'corpus application', scope: 'all' })).json.token;
}, 900_000);
afterAll(async () => {
  await app?.stop();
});

describe('hostile input corpus', () => {
  it('has a base request for every API operation', () => {
    const missing = API_OPERATIONS.map(operationKey).filter((key) => !BASES[key]);
    expect(missing).toEqual([]);
  });

  it('answers every hostile value without a 5xx, audits every refusal and keeps git intact', async () => {
    const before = heads();
    let total = 0;
    for (const op of API_OPERATIONS) total += await corpusFor(op);
    // Unknown routes, methods and credentials.
    for (const [method, route] of [['GET', '/api/v1/nope'], ['POST', '/api/v1/tests/x/nope'], ['TRACE', '/api/v1/tests'], ['PATCH', '/api/v1/tests'], ['PUT', '/api/v1/drift']]) {
      await send({ label: `${method} ${route}`, method, path: route });
      total += 1;
    }
    for (const [label, authorization] of Object.entries({ garbage: 'Bearer pst_' + 'a'.repeat(5000), basic: 'Basic YXZlcnk6ZGVtbw==', empty: 'Bearer ' })) {
      await send({ label: `credential ${label}`, method: 'POST', path: '/api/v1/issues', body: { summary: 'x', type: 'ProTest' }, authorization });
      total += 1;
    }
    expect(total).toBeGreaterThan(1500);

    const serverErrors = outcomes.filter((o) => o.status >= 500).map((o) => `${o.attempt.label} → ${o.status} ${o.text}`);
    expect(serverErrors).toEqual([]);

    // Every refusal is in the audit log.
    // 431 (a URL longer than node's header limit) is answered by node:http before the app sees the request.
    const mustBeAudited = outcomes.filter((o) => {
      if (o.status === 431) return false;
      const mutation = !['GET', 'HEAD', 'OPTIONS'].includes(o.attempt.method.toUpperCase());
      return (mutation && o.status >= 400 && o.status < 500) || [400, 401, 403, 413, 429].includes(o.status);
    });
    expect(mustBeAudited.length).toBeGreaterThan(500);
    const audited = new Set<string>();
    for (let before: number | undefined; ; ) {
      const page = await admin.get(`/api/v1/audit?limit=500${before ? `&before=${before}` : ''}`);
      expect(page.status).toBe(200);
      for (const entry of page.json.entries) if (entry.requestId) audited.add(entry.requestId);
      if (!page.json.nextBefore || page.json.entries.length === 0) break;
      before = page.json.nextBefore;
    }
    const notAudited = mustBeAudited.filter((o) => !audited.has(o.requestId)).map((o) => `${o.attempt.label} → ${o.status}`);
    expect(notAudited).toEqual([]);

    // git: nothing malformed, and each branch moved only by the accepted requests.
    const fsck = spawnSync('git', ['--git-dir', app.repoDir, 'fsck', '--strict', '--no-dangling'], { encoding: 'utf8' });
    expect(fsck.stderr + fsck.stdout).toBe('');
    expect(fsck.status).toBe(0);
    const after = heads();
    expect({ trunk: after.trunk - before.trunk, qa: after.qa - before.qa, production: after.production - before.production }).toEqual(accepted);

    const byClass = outcomes.reduce<Record<string, number>>((counts, o) => ({ ...counts, [`${Math.floor(o.status / 100)}xx`]: (counts[`${Math.floor(o.status / 100)}xx`] ?? 0) + 1 }), {});
    console.info(`hostile-input corpus: ${outcomes.length} requests ${JSON.stringify(byClass)}, ${mustBeAudited.length} refusals found in the audit log, commits accepted ${JSON.stringify(accepted)}`);
    expect((await fetch(`${app.baseUrl}/api/health`)).status).toBe(200);
    expect((await admin.get('/api/v1/tests?pageSize=5')).status).toBe(200);
  }, 1_800_000);
});
