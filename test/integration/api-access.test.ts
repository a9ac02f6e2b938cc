/**
 * Roles, conflicts, bad inputs and credentials over real HTTP against the production build: what each role may do,
 * stale revisions and racing saves, malformed/oversized/unknown-field bodies, path traversal in test names (nothing
 * may reach git), and revoked or expired API tokens.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '@/lib/db/client';
import { ApiClient, REPO_ROOT, git, startAppServer, type AppServer } from '@/test/support/app-server';
import { assertDocumented } from '@/test/support/openapi-check';

let app: AppServer;
const clients: Record<'anonymous' | 'quinn' | 'erin' | 'rex' | 'avery', ApiClient> = {} as never;

const TEST = 'api_access_checkout';
const SEED = JSON.parse(readFileSync(path.join(REPO_ROOT, 'proctor-data/test-definitions/checkout_button_color/definition.json'), 'utf8'));
const definition = (description = 'Access test') => ({ ...structuredClone(SEED), salt: `&${TEST}`, description });
let issueKey: string;

// Long: the first file of a run may have to wait for `next build`.
beforeAll(async () => {
  app = await startAppServer();
  clients.anonymous = new ApiClient(app.baseUrl);
  for (const user of ['quinn', 'erin', 'rex', 'avery'] as const) clients[user] = await new ApiClient(app.baseUrl).login(user);
  const issue = await clients.erin.post('/api/v1/issues', { summary: 'Access checks', type: 'ProTest' });
  issueKey = issue.json.key;
  expect((await clients.erin.post('/api/v1/tests', { name: TEST, definition: definition(), issueKey })).status).toBe(201);
  for (const to of ['In Progress', 'QA Ready']) expect((await clients.erin.post(`/api/v1/issues/${issueKey}/transitions`, { to })).status).toBe(200);
}, 900_000);
afterAll(async () => {
  await app?.stop();
});

async function trunkRevision(): Promise<string> {
  return (await clients.quinn.get(`/api/v1/tests/${TEST}`)).json.revision;
}

/** Every ref of the bare repository, to prove a refused request wrote nothing. */
function refs(): string {
  return git(app.repoDir, 'for-each-ref', '--format=%(refname) %(objectname)');
}

describe('roles', () => {
  it('lets a viewer read but not save, create or promote (403)', async () => {
    const { quinn } = clients;
    expect((await quinn.get(`/api/v1/tests/${TEST}`)).status).toBe(200);
    const before = refs();
    const put = await quinn.put(`/api/v1/tests/${TEST}`, { definition: definition('viewer edit'), baseRevision: await trunkRevision(), issueKey });
    expect(put.status).toBe(403);
    expect(put.json.code).toBe('FORBIDDEN');
    assertDocumented('PUT', '/api/v1/tests/{name}', put);
    expect((await quinn.post('/api/v1/tests', { name: 'viewer_made', definition: definition(), issueKey })).status).toBe(403);
    expect((await quinn.post(`/api/v1/tests/${TEST}/promotions`, { from: 'trunk', to: 'qa', issueKey })).status).toBe(403);
    expect((await quinn.post('/api/v1/issues', { summary: 'nope', type: 'ProTest' })).status).toBe(403);
    expect(refs()).toBe(before);
  });

  it('lets an editor save but not promote', async () => {
    const { erin } = clients;
    const response = await erin.post(`/api/v1/tests/${TEST}/promotions`, { from: 'trunk', to: 'qa', issueKey });
    expect(response.status).toBe(403);
    expect(response.json.code).toBe('FORBIDDEN');
  });

  it('lets a releaser promote', async () => {
    const response = await clients.rex.post(`/api/v1/tests/${TEST}/promotions`, { from: 'trunk', to: 'qa', issueKey });
    expect(response.status).toBe(201);
    expect(response.json.issue).toMatchObject({ from: 'QA Ready', to: 'In QA' });
  });

  it('keeps users and the audit log to admins', async () => {
    for (const user of ['quinn', 'erin', 'rex'] as const) {
      expect((await clients[user].get('/api/v1/users')).status).toBe(403);
      expect((await clients[user].get('/api/v1/audit')).status).toBe(403);
      expect((await clients[user].post('/api/v1/users', { username: `made_by_${user}`, role: 'admin', password: 'x-Pass-123' })).status).toBe(403);
    }
    const users = await clients.avery.get('/api/v1/users');
    expect(users.status).toBe(200);
    assertDocumented('GET', '/api/v1/users', users);
    expect(users.json.users.map((u: { username: string }) => u.username)).toEqual(expect.arrayContaining(['avery', 'erin', 'priya', 'rex', 'quinn']));
    expect((await clients.avery.get('/api/v1/audit')).status).toBe(200);
  });

  it('answers anonymous requests with 401, except the public matrix, health and this API description', async () => {
    const { anonymous } = clients;
    const list = await anonymous.get('/api/v1/tests');
    expect(list.status).toBe(401);
    expect(list.json.code).toBe('UNAUTHENTICATED');
    assertDocumented('GET', '/api/v1/tests', list);
    expect((await anonymous.put(`/api/v1/tests/${TEST}`, { definition: definition(), baseRevision: await trunkRevision(), issueKey })).status).toBe(401);
    expect((await anonymous.get('/api/v1/matrix/trunk')).status).toBe(200);
    expect((await anonymous.get('/api/health')).status).toBe(200);
    expect((await anonymous.get('/api/v1/openapi.json')).status).toBe(200);
  });

  it('refuses a cookie mutation without our Origin (403) but accepts the same with a token', async () => {
    const response = await clients.erin.post('/api/v1/issues', { summary: 'cross-site', type: 'ProTest' }, { headers: { origin: 'https://evil.example' } });
    expect(response.status).toBe(403);
  });

  it('has the refused requests in the audit log', async () => {
    const entries = (await clients.avery.get('/api/v1/audit?limit=500')).json.entries as { actor: string; action: string; outcome: string; details: { status: number } }[];
    expect(entries.some((e) => e.actor === 'quinn' && e.action === 'test.update' && e.outcome === 'refused' && e.details.status === 403)).toBe(true);
    expect(entries.some((e) => e.actor === 'erin' && e.action === 'test.promote' && e.outcome === 'refused' && e.details.status === 403)).toBe(true);
    expect(entries.some((e) => e.actor === 'rex' && e.action === 'test.promote' && e.outcome === 'success')).toBe(true);
    expect(entries.some((e) => e.actor === 'erin' && e.action === 'issue.create' && e.outcome === 'refused' && e.details.status === 403)).toBe(true);
  });
});

describe('conflicts', () => {
  it('refuses a save from a stale revision (409 naming both revisions)', async () => {
    const base = await trunkRevision();
    const first = await clients.erin.put(`/api/v1/tests/${TEST}`, { definition: definition('first edit'), baseRevision: base, issueKey });
    expect(first.status).toBe(200);
    const now = first.json.revision;
    const before = refs();
    const stale = await clients.erin.put(`/api/v1/tests/${TEST}`, { definition: definition('second edit'), baseRevision: base, issueKey });
    expect(stale.status).toBe(409);
    expect(stale.json.code).toBe('STALE_REVISION');
    expect(stale.json.message).toContain(base.slice(0, 7));
    expect(stale.json.message).toContain(now.slice(0, 7));
    expect(stale.json.data).toMatchObject({ testName: TEST, expected: base, actual: now });
    assertDocumented('PUT', '/api/v1/tests/{name}', stale);
    expect(refs()).toBe(before);
  });

  it('lets exactly one of two concurrent saves from the same base win', async () => {
    const base = await trunkRevision();
    const results = await Promise.all(
      ['race A', 'race B'].map((description) => clients.erin.put(`/api/v1/tests/${TEST}`, { definition: definition(description), baseRevision: base, issueKey })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    const winner = results.find((r) => r.status === 200)!;
    const loser = results.find((r) => r.status === 409)!;
    expect(loser.json.code).toBe('STALE_REVISION');
    expect(loser.json.data).toMatchObject({ expected: base, actual: winner.json.revision });
    expect(git(app.repoDir, 'rev-list', '--count', `${base}..trunk`).trim()).toBe('1');
  });

  it('refuses a save without changes (409 NO_CHANGES)', async () => {
    const current = (await clients.erin.get(`/api/v1/tests/${TEST}`)).json;
    const before = refs();
    const response = await clients.erin.put(`/api/v1/tests/${TEST}`, { definition: current.definition, baseRevision: current.revision, issueKey });
    expect(response.status).toBe(409);
    expect(response.json.code).toBe('NO_CHANGES');
    expect(response.json.message).toBe(`Attempting to save test definition without changes for test ${TEST}`);
    expect(refs()).toBe(before);
  });
});

describe('bad inputs', () => {
  it('reports malformed JSON by line and column (400)', async () => {
    const body = `{\n  "definition": {},\n  "baseRevision": "${'a'.repeat(40)}",\n  "issueKey": PROTEST-1\n}`;
    const response = await clients.erin.put(`/api/v1/tests/${TEST}`, body);
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ code: 'BAD_REQUEST', data: { line: 4, column: 15 } });
    expect(response.json.message).toBe("The request body is not valid JSON: Unrecognized token 'PROTEST': expected a value (object, array, string, number, true, false or null); strings need double quotes (line 4, column 15).");
    assertDocumented('PUT', '/api/v1/tests/{name}', response);
  });

  it('lists every problem of an invalid definition with its path (422)', async () => {
    const bad = definition();
    bad.allocations[0].ranges[0].length = 0.9; // the US allocation now sums to 1.5
    bad.buckets[2].value = 0; // duplicate bucket value
    const before = refs();
    const response = await clients.erin.put(`/api/v1/tests/${TEST}`, { definition: bad, baseRevision: await trunkRevision(), issueKey });
    expect(response.status).toBe(422);
    expect(response.json.code).toBe('VALIDATION_FAILED');
    const paths = response.json.details.map((d: { path: string }) => d.path);
    expect(paths.some((p: string) => p.startsWith('/definition/allocations/0'))).toBe(true);
    expect(paths.some((p: string) => p.startsWith('/definition/buckets'))).toBe(true);
    assertDocumented('PUT', '/api/v1/tests/{name}', response);
    expect(refs()).toBe(before);
  });

  it('names unknown fields of the body (422) and of the definition', async () => {
    const response = await clients.erin.put(`/api/v1/tests/${TEST}`, { definition: definition(), baseRevision: await trunkRevision(), issueKey, autoPromot: true });
    expect(response.status).toBe(422);
    expect(response.json.details).toEqual([{ path: '/autoPromot', message: "unknown field 'autoPromot'" }]);
    const inner = await clients.erin.put(`/api/v1/tests/${TEST}`, { definition: { ...definition(), colour: 'red' }, baseRevision: await trunkRevision(), issueKey });
    expect([400, 422]).toContain(inner.status);
    expect(inner.text).toContain('colour');
  });

  it('refuses oversized bodies (413)', async () => {
    const huge = { definition: { ...definition(), description: 'x'.repeat(2_100_000) }, baseRevision: await trunkRevision(), issueKey };
    const response = await clients.erin.put(`/api/v1/tests/${TEST}`, huge);
    expect(response.status).toBe(413);
    expect(response.json.code).toBe('PAYLOAD_TOO_LARGE');
    assertDocumented('PUT', '/api/v1/tests/{name}', response);
    const issue = await clients.erin.post('/api/v1/issues', { summary: 'big', type: 'ProTest', description: 'y'.repeat(1_100_000) });
    expect(issue.status).toBe(413);
  });

  const TRAVERSALS = ['../x', 'a/b', '%2e%2e%2fx', 'a%2Fb', '..%2F..%2Fetc', '%2e%2e', 'x.json', '%00x', 'a%5Cb'];

  it('never lets a traversal-shaped test name in the URL reach git (400/404)', async () => {
    const before = refs();
    const base = await trunkRevision();
    for (const name of TRAVERSALS) {
      const responses = [
        await clients.erin.get(`/api/v1/tests/${name}`),
        await clients.erin.put(`/api/v1/tests/${name}`, { definition: definition(), baseRevision: base, issueKey }),
        await clients.erin.delete(`/api/v1/tests/${name}`, { baseRevision: base, issueKey }),
        await clients.rex.post(`/api/v1/tests/${name}/promotions`, { from: 'trunk', to: 'qa', issueKey }),
        await clients.erin.get(`/api/v1/tests/${name}/history`),
      ];
      for (const response of responses) {
        // A bare `%2e%2e` segment is `..` to the URL parser: the request goes to /api/v1/ and Next redirects it away.
        if (name === '%2e%2e' && response.status === 308) {
          expect(response.headers.get('location')).not.toMatch(/\/tests\//);
          continue;
        }
        expect([400, 404], `${name} → ${response.status} ${response.text.slice(0, 200)}`).toContain(response.status);
      }
    }
    expect(refs()).toBe(before);
  });

  it('never lets a traversal-shaped test name in a body reach git (400)', async () => {
    const before = refs();
    for (const name of [...TRAVERSALS, '../../proctor-data.git/HEAD', 'test-definitions/x', '']) {
      const response = await clients.erin.post('/api/v1/tests', { name, definition: definition(), issueKey });
      expect([400, 422], `${name} → ${response.status}`).toContain(response.status);
      if (name === '../x') {
        expect(response.json.code).toBe('BAD_REQUEST');
        expect(response.json.details[0].path).toBe('/name');
        assertDocumented('POST', '/api/v1/tests', response);
      }
    }
    expect(refs()).toBe(before);
    const files = git(app.repoDir, 'ls-tree', '-r', '--name-only', 'trunk').trim().split('\n');
    for (const file of files) expect(file).toMatch(/^(test-definitions\/[A-Za-z0-9_]+\/(definition|metadata)\.json|[^/]+)$/);
  });
});

describe('credentials', () => {
  it('accepts a token until it is revoked (then 401)', async () => {
    const { id, token } = await clients.erin.createToken('revocable');
    const bearer = ApiClient.withToken(app.baseUrl, token);
    const me = await bearer.get('/api/v1/session');
    expect(me.json).toMatchObject({ user: { username: 'erin' }, via: 'token' });
    assertDocumented('GET', '/api/v1/session', me);
    const revoked = await clients.erin.delete(`/api/v1/tokens/${id}`);
    expect(revoked.status).toBe(200);
    assertDocumented('DELETE', '/api/v1/tokens/{id}', revoked);
    expect(revoked.json.revokedAt).not.toBeNull();
    const after = await bearer.get('/api/v1/tests');
    expect(after.status).toBe(401);
    expect(after.json.code).toBe('UNAUTHENTICATED');
    expect((await bearer.post('/api/v1/issues', { summary: 'after revoke', type: 'ProTest' })).status).toBe(401);
  });

  it('refuses a made-up token (401)', async () => {
    const response = await ApiClient.withToken(app.baseUrl, 'pst_' + 'A'.repeat(40)).get('/api/v1/tests');
    expect(response.status).toBe(401);
  });

  it('refuses an expired token (401) — checked across a restart with the expiry moved into the past', async () => {
    const { id, token } = await clients.rex.createToken('short-lived', 1);
    expect((await ApiClient.withToken(app.baseUrl, token).get('/api/v1/tests')).status).toBe(200);
    const dataDir = app.dataDir;
    await app.stop({ keepData: true });
    const db = await createDatabase({ dataDir: path.join(dataDir, 'db') });
    try {
      await db.prisma.apiToken.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 60_000) } });
    } finally {
      await db.close();
    }
    app = await startAppServer({ dataDir });
    const response = await ApiClient.withToken(app.baseUrl, token).get('/api/v1/tests');
    expect(response.status).toBe(401);
    expect(response.json.code).toBe('UNAUTHENTICATED');
    // A fresh token of the same user still works after the restart.
    const rex = await new ApiClient(app.baseUrl).login('rex');
    const fresh = await rex.createToken('fresh');
    expect((await ApiClient.withToken(app.baseUrl, fresh.token).get('/api/v1/tests')).status).toBe(200);
  });
});
