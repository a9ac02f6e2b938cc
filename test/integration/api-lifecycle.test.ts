/**
 * The rest of the write API over real HTTP against the production build: delete and revert a test, trunk→production
 * in one step, promotion pairs that are not allowed, issue comments, account administration (a disabled account's
 * session and token stop working), application tokens, sync, sign-out — each response checked against the document.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, REPO_ROOT, git, startAppServer, type AppServer } from '@/test/support/app-server';
import { assertDocumented } from '@/test/support/openapi-check';

let app: AppServer;
let erin: ApiClient;
let rex: ApiClient;
let avery: ApiClient;
let issueKey: string;

const TEST = 'api_lifecycle_banner';
const SEED = JSON.parse(readFileSync(path.join(REPO_ROOT, 'proctor-data/test-definitions/checkout_button_color/definition.json'), 'utf8'));
const definition = (description: string) => ({ ...structuredClone(SEED), salt: `&${TEST}`, description });

// Long: the first file of a run may have to wait for `next build`.
beforeAll(async () => {
  app = await startAppServer();
  erin = await new ApiClient(app.baseUrl).login('erin');
  rex = await new ApiClient(app.baseUrl).login('rex');
  avery = await new ApiClient(app.baseUrl).login('avery');
  issueKey = (await erin.post('/api/v1/issues', { summary: 'Lifecycle', type: 'ProTest' })).json.key;
}, 900_000);
afterAll(async () => {
  await app?.stop();
});

describe('test lifecycle', () => {
  let v1: string;
  let v2: string;

  it('reverts to an older revision as a new commit', async () => {
    v1 = (await erin.post('/api/v1/tests', { name: TEST, definition: definition('version one'), issueKey })).json.revision;
    v2 = (await erin.put(`/api/v1/tests/${TEST}`, { definition: definition('version two'), baseRevision: v1, issueKey })).json.revision;
    const response = await erin.post(`/api/v1/tests/${TEST}/revert`, { toRevision: v1, baseRevision: v2, issueKey, comment: 'back to one' });
    expect(response.status).toBe(200);
    assertDocumented('POST', '/api/v1/tests/{name}/revert', response);
    expect(response.json).toMatchObject({ testName: TEST, previousRevision: v2, outcome: 'success' });
    const read = await erin.get(`/api/v1/tests/${TEST}`);
    expect(read.json.definition.description).toBe('version one');
    expect(git(app.repoDir, 'log', '-1', '--format=%s', 'trunk').trim()).toBe(`${issueKey}: back to one`);
  });

  it('writes a definition sent as text byte for byte, doubles in constants included (Proctor writes 1.0, not 1)', async () => {
    const name = 'api_lifecycle_doubles';
    const text = readFileSync(path.join(REPO_ROOT, 'proctor-data/test-definitions/checkout_button_color/definition.json'), 'utf8')
      .replace('"constants" : { }', '"constants" : {\n    "RATIO" : 1.0,\n    "LIMIT" : 3\n  }')
      .replace('"salt" : "&checkout_button_color"', `"salt" : "&${name}"`);
    const created = await erin.post('/api/v1/tests', { name, definition: text, issueKey });
    expect(created.status).toBe(201);
    expect(git(app.repoDir, 'show', `trunk:test-definitions/${name}/definition.json`)).toBe(text);
  });

  it('refuses promotion pairs other than trunk→qa, qa→production, trunk→production', async () => {
    const backwards = await rex.post(`/api/v1/tests/${TEST}/promotions`, { from: 'qa', to: 'qa', issueKey });
    expect(backwards.status).toBe(409);
    expect(backwards.json.code).toBe('PROMOTION_NOT_ALLOWED');
    const toTrunk = await rex.post(`/api/v1/tests/${TEST}/promotions`, { from: 'qa', to: 'trunk', issueKey });
    expect(toTrunk.status).toBe(422);
    expect(toTrunk.json.details[0].path).toBe('/to');
    assertDocumented('POST', '/api/v1/tests/{name}/promotions', toTrunk);
  });

  it('promotes trunk→production in one step when the issue is Production Ready', async () => {
    // Production Ready comes from QA verifying what a promotion put in qa (issue #16), never from a hand transition.
    for (const to of ['In Progress', 'QA Ready']) {
      expect((await erin.post(`/api/v1/issues/${issueKey}/transitions`, { to })).status, to).toBe(200);
    }
    expect((await rex.post(`/api/v1/tests/${TEST}/promotions`, { from: 'trunk', to: 'qa', issueKey })).status).toBe(201);
    const quinn = await new ApiClient(app.baseUrl).login('quinn');
    expect((await quinn.post(`/api/v1/issues/${issueKey}/verify`, {})).status).toBe(200);
    const response = await rex.post(`/api/v1/tests/${TEST}/promotions`, { from: 'trunk', to: 'production', issueKey });
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({ from: 'trunk', to: 'production', issue: { to: 'In Production' } });
    expect((await erin.get(`/api/v1/tests/${TEST}?env=production`)).json.definition.description).toBe('version one');
  });

  it('deletes the test from trunk only', async () => {
    const base = (await erin.get(`/api/v1/tests/${TEST}`)).json.revision;
    const response = await erin.delete(`/api/v1/tests/${TEST}`, { baseRevision: base, issueKey, comment: 'retire' });
    expect(response.status).toBe(200);
    assertDocumented('DELETE', '/api/v1/tests/{name}', response);
    expect((await erin.get(`/api/v1/tests/${TEST}`)).status).toBe(404);
    expect((await erin.get(`/api/v1/tests/${TEST}?env=production`)).status).toBe(200);
    expect(git(app.repoDir, 'ls-tree', '--name-only', 'trunk', `test-definitions/${TEST}`).trim()).toBe('');
    const again = await erin.delete(`/api/v1/tests/${TEST}`, { baseRevision: base, issueKey });
    expect([404, 409]).toContain(again.status);
  });
});

describe('issues', () => {
  it('takes comments (204) and lists them on the issue', async () => {
    const response = await erin.post(`/api/v1/issues/${issueKey}/comments`, { body: 'Looks good in production.' });
    expect(response.status).toBe(204);
    assertDocumented('POST', '/api/v1/issues/{key}/comments', response);
    const detail = await erin.get(`/api/v1/issues/${issueKey}`);
    expect(JSON.stringify(detail.json)).toContain('Looks good in production.');
  });

  it('refuses saving under an issue that does not exist or is not a ProTest (422)', async () => {
    const missing = await erin.post('/api/v1/tests', { name: 'api_lifecycle_other', definition: definition('x'), issueKey: 'PROTEST-99999' });
    expect(missing.status).toBe(422);
    expect(missing.json.code).toBe('ISSUE_NOT_FOUND');
    const malformed = await erin.post('/api/v1/tests', { name: 'api_lifecycle_other', definition: definition('x'), issueKey: 'protest 1' });
    expect(malformed.status).toBe(422);
    expect(malformed.json.code).toBe('ISSUE_INVALID');
    const bug = (await erin.post('/api/v1/issues', { summary: 'A bug', type: 'Bug' })).json.key;
    const wrongType = await erin.post('/api/v1/tests', { name: 'api_lifecycle_other', definition: definition('x'), issueKey: bug });
    expect(wrongType.status).toBe(422);
    expect(wrongType.json.code).toBe('ISSUE_INVALID');
  });
});

describe('accounts and tokens', () => {
  it('disables an account: its session and token stop working at once', async () => {
    const created = await avery.post('/api/v1/users', { username: 'dana', role: 'editor', password: 'Dana-pass-4821' });
    expect(created.status).toBe(201);
    assertDocumented('POST', '/api/v1/users', created);
    const dana = await new ApiClient(app.baseUrl).login('dana', 'Dana-pass-4821');
    const { token } = await dana.createToken('dana cli');
    expect((await ApiClient.withToken(app.baseUrl, token).get('/api/v1/tests')).status).toBe(200);
    const disabled = await avery.request('PATCH', '/api/v1/users/dana', { body: { disabled: true } });
    expect(disabled.status).toBe(200);
    assertDocumented('PATCH', '/api/v1/users/{username}', disabled);
    expect(disabled.json.disabled).toBe(true);
    expect((await dana.get('/api/v1/tests')).status).toBe(401);
    expect((await ApiClient.withToken(app.baseUrl, token).get('/api/v1/tests')).status).toBe(401);
    expect((await new ApiClient(app.baseUrl).post('/api/v1/session', { username: 'dana', password: 'Dana-pass-4821' })).status).toBe(401);
  });

  it('lists own tokens without secrets; admins see everyone with ?all=1', async () => {
    const { token } = await erin.createToken('listing');
    const own = await erin.get('/api/v1/tokens');
    assertDocumented('GET', '/api/v1/tokens', own);
    expect(own.text).not.toContain(token);
    expect(own.json.tokens.every((t: { username: string }) => t.username === 'erin')).toBe(true);
    const all = await avery.get('/api/v1/tokens?all=1');
    expect(new Set(all.json.tokens.map((t: { username: string }) => t.username))).toContain('erin');
  });

  it('creates and revokes application tokens (admin only)', async () => {
    expect((await erin.post('/api/v1/consumers/tokens', { name: 'search-service' })).status).toBe(403);
    const created = await avery.post('/api/v1/consumers/tokens', { name: 'search-service', environment: 'production' });
    expect(created.status).toBe(201);
    assertDocumented('POST', '/api/v1/consumers/tokens', created);
    const listed = await avery.get('/api/v1/consumers/tokens');
    assertDocumented('GET', '/api/v1/consumers/tokens', listed);
    expect(listed.text).not.toContain(created.json.token);
    const revoked = await avery.delete(`/api/v1/consumers/tokens/${created.json.id}`);
    expect(revoked.status).toBe(200);
    assertDocumented('DELETE', '/api/v1/consumers/tokens/{id}', revoked);
    const unknownEnv = await avery.post('/api/v1/consumers/tokens', { name: 'x', environment: 'staging' });
    expect(unknownEnv.status).toBe(422);
  });

  it('syncs on request (editor) and signs out', async () => {
    expect((await new ApiClient(app.baseUrl).login('quinn').then((quinn) => quinn.post('/api/v1/sync'))).status).toBe(403);
    const sync = await erin.post('/api/v1/sync');
    expect(sync.status).toBe(200);
    assertDocumented('POST', '/api/v1/sync', sync);
    expect(sync.json.heads.trunk).toBe(git(app.repoDir, 'rev-parse', 'trunk').trim());
    const cookie = rex.sessionCookie!;
    const out = await rex.delete('/api/v1/session');
    expect(out.status).toBe(204);
    assertDocumented('DELETE', '/api/v1/session', out);
    // The old cookie, replayed, is no longer a session.
    const replay = await new ApiClient(app.baseUrl).get('/api/v1/session', { headers: { cookie: `proctor_session=${cookie}` } });
    expect(replay.json.user).toBeNull();
    expect((await new ApiClient(app.baseUrl).get('/api/v1/tests', { headers: { cookie: `proctor_session=${cookie}` } })).status).toBe(401);
  });
});

describe('matrix change stream', () => {
  it('sends the current revision at once as a Server-Sent Event', async () => {
    const controller = new AbortController();
    const response = await fetch(`${app.baseUrl}/api/v1/matrix/production/events`, { signal: controller.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!/event: revision\n(id: .*\n)?data: .*\n/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    controller.abort();
    const data = JSON.parse(/event: revision\n(?:id: .*\n)?data: (.*)\n/.exec(text)![1]);
    expect(data).toMatchObject({ env: 'production', revision: git(app.repoDir, 'rev-parse', 'production').trim() });
  });
});
