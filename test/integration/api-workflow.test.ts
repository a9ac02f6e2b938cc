/**
 * The whole definition workflow over real HTTP against the production build (`next start`): issue → create → edit →
 * refused promotion → issue moved → qa → production → auto-promotion, then the git repository checked with native git,
 * the audit log, health and the server's log lines.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '@/lib/http/openapi';
import { ApiClient, REPO_ROOT, git, startAppServer, type AppServer } from '@/test/support/app-server';
import { assertDocumented } from '@/test/support/openapi-check';

let app: AppServer;
let erin: ApiClient;
let rex: ApiClient;
let avery: ApiClient;
let quinn: ApiClient;

const TEST = 'api_workflow_checkout';
const SEED = JSON.parse(readFileSync(path.join(REPO_ROOT, 'proctor-data/test-definitions/checkout_button_color/definition.json'), 'utf8'));
const definition = () => ({ ...structuredClone(SEED), salt: `&${TEST}`, description: 'Checkout button colour, workflow test' });

let issueKey: string;
let createdRevision: string;
let editedRevision: string;
const promotions: Record<string, string> = {};

// Long: the first file of a run may have to wait for `next build`.
let startupLines = 0;
beforeAll(async () => {
  app = await startAppServer();
  startupLines = app.stdout.length;
  erin = await new ApiClient(app.baseUrl).login('erin');
  rex = await new ApiClient(app.baseUrl).login('rex');
  avery = await new ApiClient(app.baseUrl).login('avery');
  quinn = await new ApiClient(app.baseUrl).login('quinn');
}, 900_000);
afterAll(async () => {
  await app?.stop();
});

async function readTest(client: ApiClient, env = 'trunk') {
  const response = await client.get(`/api/v1/tests/${TEST}?env=${env}`);
  expect(response.status).toBe(200);
  return response.json as { revision: string; commit: string; definition: any; text: string };
}

async function head(env: string): Promise<string> {
  const response = await erin.get('/api/health');
  return response.json.repository.heads[env];
}

describe('workflow over HTTP', () => {
  it('creates a ProTest issue', async () => {
    const response = await erin.post('/api/v1/issues', { summary: 'Try a new checkout button colour', type: 'ProTest' });
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({ type: 'ProTest', status: 'Open', summary: 'Try a new checkout button colour' });
    assertDocumented('POST', '/api/v1/issues', response);
    issueKey = response.json.key;
    expect(issueKey).toMatch(/^[A-Z][A-Z0-9]+-\d+$/);
  });

  it('creates a test with the issue', async () => {
    const response = await erin.post('/api/v1/tests', { name: TEST, definition: definition(), issueKey, comment: 'New checkout test' });
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({ testName: TEST, outcome: 'success', previousRevision: null });
    assertDocumented('POST', '/api/v1/tests', response);
    createdRevision = response.json.revision;
    const read = await readTest(erin);
    expect(read.revision).toBe(createdRevision);
    expect(read.definition.salt).toBe(`&${TEST}`);
    expect(read.definition.version).toBe('-1');
  });

  it('edits it with the revision it was loaded at', async () => {
    // The submitted version is not what is saved: Proctor keeps the existing version on edit (FACTS §2.4 step 6).
    const edited = { ...definition(), description: 'Checkout button colour, edited', version: '9999' };
    const response = await erin.put(`/api/v1/tests/${TEST}`, { definition: edited, baseRevision: createdRevision, issueKey });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ testName: TEST, outcome: 'success', previousRevision: createdRevision });
    assertDocumented('PUT', '/api/v1/tests/{name}', response);
    editedRevision = response.json.revision;
    expect(editedRevision).not.toBe(createdRevision);
    const read = await readTest(erin);
    expect(read.definition.description).toBe('Checkout button colour, edited');
    expect(read.definition.version).toBe('-1');
  });

  it('refuses to promote to qa while the issue is not QA Ready (422 ISSUE_STATE_NOT_ALLOWED)', async () => {
    const qaBefore = await head('qa');
    const response = await rex.post(`/api/v1/tests/${TEST}/promotions`, { from: 'trunk', to: 'qa', issueKey });
    expect(response.status).toBe(422);
    expect(response.json).toEqual({
      code: 'ISSUE_STATE_NOT_ALLOWED',
      message: `${issueKey} is in status 'Open'; promoting to qa needs 'QA Ready'. Resolve the issue first.`,
      details: [{ path: '/issueKey', message: 'must be in status QA Ready' }],
      data: { key: issueKey, status: 'Open', requiredStatus: 'QA Ready' },
    });
    assertDocumented('POST', '/api/v1/tests/{name}/promotions', response);
    expect(await head('qa')).toBe(qaBefore);
  });

  it('moves the issue to QA Ready', async () => {
    for (const to of ['In Progress', 'QA Ready']) {
      const response = await erin.post(`/api/v1/issues/${issueKey}/transitions`, { to });
      expect(response.status).toBe(200);
      expect(response.json).toMatchObject({ key: issueKey, to });
      assertDocumented('POST', '/api/v1/issues/{key}/transitions', response);
    }
  });

  it('promotes to qa and moves the issue to In QA', async () => {
    const response = await rex.post(`/api/v1/tests/${TEST}/promotions`, { from: 'trunk', to: 'qa', issueKey });
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({ testName: TEST, from: 'trunk', to: 'qa', sourceRevision: editedRevision, previousRevision: null, outcome: 'success', issue: { key: issueKey, from: 'QA Ready', to: 'In QA' } });
    assertDocumented('POST', '/api/v1/tests/{name}/promotions', response);
    promotions.qa = response.json.revision;
    expect((await erin.get(`/api/v1/issues/${issueKey}`)).json.status).toBe('In QA');
    expect((await readTest(erin, 'qa')).definition.description).toBe('Checkout button colour, edited');
  });

  it('promotes to production once the issue is Production Ready, moving it to In Production', async () => {
    const early = await rex.post(`/api/v1/tests/${TEST}/promotions`, { from: 'qa', to: 'production', issueKey });
    expect(early.status).toBe(422);
    expect(early.json.code).toBe('ISSUE_STATE_NOT_ALLOWED');
    expect(early.json.message).toBe(`${issueKey} is in status 'In QA'; promoting to production needs 'Production Ready'. Verify the issue in QA first.`);

    // QA verifies (issue #16): the editor who made the change may not, and a hand transition is refused.
    expect((await erin.post(`/api/v1/issues/${issueKey}/transitions`, { to: 'Production Ready' })).json.code).toBe('TRANSITION_NEEDS_PROMOTION');
    expect((await erin.post(`/api/v1/issues/${issueKey}/verify`, {})).json.code).toBe('SEPARATION_OF_DUTIES');
    const verified = await quinn.post(`/api/v1/issues/${issueKey}/verify`, {});
    expect(verified.status).toBe(200);
    assertDocumented('POST', '/api/v1/issues/{key}/verify', verified);
    const matrixBefore = await erin.get('/api/v1/matrix/production');
    const response = await rex.post(`/api/v1/tests/${TEST}/promotions`, { from: 'qa', to: 'production', issueKey });
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({ from: 'qa', to: 'production', outcome: 'success', issue: { key: issueKey, from: 'Production Ready', to: 'In Production' } });
    promotions.production = response.json.revision;
    expect((await erin.get(`/api/v1/issues/${issueKey}`)).json.status).toBe('In Production');

    // The production matrix now has the test, and its ETag moved with the branch head.
    const matrixAfter = await erin.get('/api/v1/matrix/production');
    expect(matrixAfter.headers.get('etag')).not.toBe(matrixBefore.headers.get('etag'));
    expect(matrixAfter.headers.get('etag')).toBe(`"${promotions.production}"`);
    expect(matrixBefore.json.tests[TEST]).toBeUndefined();
    expect(matrixAfter.json.tests[TEST].salt).toBe(`&${TEST}`);
  });

  it('sends an allocation-only change with autoPromote straight to qa and production', async () => {
    const current = await readTest(erin);
    const changed = structuredClone(current.definition);
    changed.allocations[0].ranges[0].length = 0.1; // inactive 0.4 → 0.1
    changed.allocations[0].ranges[1].length = 0.5; // control 0.2 → 0.5
    const response = await erin.put(`/api/v1/tests/${TEST}`, { definition: changed, baseRevision: current.revision, issueKey, autoPromote: true });
    expect(response.status).toBe(200);
    expect(response.json.outcome).toBe('success');
    expect(response.json.autoPromotion).toMatchObject({ eligible: true, status: 'promoted' });
    expect(response.json.autoPromotion.promotions.map((p: { env: string }) => p.env)).toEqual(['qa', 'production']);
    assertDocumented('PUT', '/api/v1/tests/{name}', response);
    for (const env of ['qa', 'production']) {
      const live = await readTest(erin, env);
      expect(live.definition.allocations[0].ranges.map((r: { length: number }) => r.length)).toEqual([0.1, 0.5, 0.2, 0.2]);
    }
    // An auto-promotion does not walk the issue through the workflow.
    expect((await erin.get(`/api/v1/issues/${issueKey}`)).json.status).toBe('In Production');
  });

  it('commits a non-allocation change with autoPromote on trunk only and reports a partial success with the reason', async () => {
    const current = await readTest(erin);
    const qaBefore = await readTest(erin, 'qa');
    // A bucket's description is part of what must stay equal (FACTS §6.5); the test's own description is not.
    const changed = structuredClone(current.definition);
    changed.buckets[1].description = 'Grey button, described anew';
    const response = await erin.put(`/api/v1/tests/${TEST}`, { definition: changed, baseRevision: current.revision, issueKey, autoPromote: true });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({
      outcome: 'partial-success',
      autoPromotion: {
        eligible: false,
        status: 'refused',
        reason: "auto-promote is prevented because it isn't an allocation-only change.",
        message: 'Test Creation/Edit succeeded. However, the test was not promoted automatically to QA/Production.',
        promotions: [],
      },
    });
    expect((await readTest(erin)).definition.buckets[1].description).toBe('Grey button, described anew');
    expect((await readTest(erin, 'qa')).revision).toBe(qaBefore.revision);
  });

  it('serves the matrix with ETag = head and answers If-None-Match with 304', async () => {
    const production = await head('production');
    const response = await erin.get('/api/v1/matrix/production');
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe(`"${production}"`);
    expect(response.json.audit.version).toBeDefined();
    expect(Object.keys(response.json.tests)).toContain(TEST);
    assertDocumented('GET', '/api/v1/matrix/{env}', response);
    const anonymous = new ApiClient(app.baseUrl);
    const cached = await anonymous.get('/api/v1/matrix/production', { headers: { 'if-none-match': `"${production}"` } });
    expect(cached.status).toBe(304);
    expect(cached.text).toBe('');
    const stale = await anonymous.get('/api/v1/matrix/production', { headers: { 'if-none-match': `"${promotions.qa}"` } });
    expect(stale.status).toBe(200);
  });
});

describe('read endpoints answer as documented', () => {
  it('serves the OpenAPI document it is tested against', async () => {
    const response = await new ApiClient(app.baseUrl).get('/api/v1/openapi.json');
    expect(response.status).toBe(200);
    expect(response.json).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });

  it('matches the documented response schemas', async () => {
    const samples: [string, string, ApiClient?][] = [
      ['/api/v1/tests?pageSize=5', '/api/v1/tests'],
      [`/api/v1/tests/${TEST}?env=production`, '/api/v1/tests/{name}'],
      [`/api/v1/tests/${TEST}/environments`, '/api/v1/tests/{name}/environments'],
      [`/api/v1/tests/${TEST}/history?env=qa`, '/api/v1/tests/{name}/history'],
      [`/api/v1/tests/${TEST}/diff?from=qa&to=trunk`, '/api/v1/tests/{name}/diff'],
      ['/api/v1/drift', '/api/v1/drift'],
      [`/api/v1/issues?q=${issueKey}`, '/api/v1/issues'],
      [`/api/v1/issues/${issueKey}`, '/api/v1/issues/{key}'],
      [`/api/v1/issues/${issueKey}/transitions`, '/api/v1/issues/{key}/transitions'],
      ['/api/v1/session', '/api/v1/session'],
      ['/api/v1/tokens', '/api/v1/tokens'],
      ['/api/v1/users', '/api/v1/users', avery],
      ['/api/v1/matrix/qa', '/api/v1/matrix/{env}'],
      ['/api/v1/consumers', '/api/v1/consumers'],
    ];
    for (const [url, documented, client] of samples) {
      const response = await (client ?? erin).get(url);
      expect(response.status, url).toBe(200);
      assertDocumented('GET', documented, response);
    }
    const history = await erin.get(`/api/v1/tests/${TEST}/history?env=qa`);
    expect(history.json.total).toBe(2);
    const missing = await erin.get('/api/v1/tests/no_such_test');
    expect(missing.status).toBe(404);
    assertDocumented('GET', '/api/v1/tests/{name}', missing);
    const badEnv = await erin.get('/api/v1/matrix/staging');
    expect(badEnv.status).toBe(404);
    assertDocumented('GET', '/api/v1/matrix/{env}', badEnv);
  });

  it('answers the dry-run endpoints as documented', async () => {
    const current = await readTest(erin);
    const validate = await erin.post('/api/v1/validate', { name: TEST, definition: current.definition });
    expect(validate.status).toBe(200);
    expect(validate.json.valid).toBe(true);
    assertDocumented('POST', '/api/v1/validate', validate);
    const bucket = await erin.post(`/api/v1/tests/${TEST}/bucket-check`, { identifier: 'user-42', context: { country: 'US' } });
    expect(bucket.status).toBe(200);
    assertDocumented('POST', '/api/v1/tests/{name}/bucket-check', bucket);
    const forecast = await erin.post(`/api/v1/tests/${TEST}/auto-promotion`, { name: TEST, definition: current.definition });
    expect(forecast.status).toBe(200);
    assertDocumented('POST', '/api/v1/tests/{name}/auto-promotion', forecast);
  });
});

describe('the git repository afterwards (native git)', () => {
  const log = (ref: string) =>
    git(app.repoDir, 'log', ref, '--format=%H%x09%an%x09%ae%x09%s', '--', `test-definitions/${TEST}`)
      .trim()
      .split('\n')
      .map((line) => {
        const [sha, name, email, subject] = line.split('\t');
        return { sha, name, email, subject };
      });

  it('has the trunk commits authored by the editor, with the issue key in each message', () => {
    const trunk = log('trunk');
    expect(trunk).toHaveLength(4); // create, edit, allocation change, bucket description change
    expect(trunk[trunk.length - 1].sha).toBe(createdRevision);
    for (const commit of trunk) {
      expect(commit.email.split('@')[0]).toBe('erin');
      expect(commit.subject.startsWith(`${issueKey}: `)).toBe(true);
    }
  });

  it('has promotion commits authored by the releaser (auto-promotions by the editor) that change only this test', () => {
    for (const env of ['qa', 'production']) {
      const commits = log(env);
      expect(commits).toHaveLength(2); // the release promotion and the auto-promotion
      expect(commits[commits.length - 1].sha).toBe(promotions[env]);
      expect(commits[commits.length - 1].email.split('@')[0]).toBe('rex');
      expect(commits[0].email.split('@')[0]).toBe('erin');
      for (const commit of commits) {
        // Proctor's subject `Promoting <test> (<src> r<rev>) to <env>`; the issue key leads the quoted body and a trailer.
        expect(commit.subject).toMatch(new RegExp(`^Promoting ${TEST} \\((trunk|qa) r[0-9a-f]{40}\\) to ${env}$`));
        const message = git(app.repoDir, 'log', '-1', '--format=%B', commit.sha);
        expect(message).toContain(`\n\n${issueKey}: `);
        expect(message).toContain(`Proctor-Issue: ${issueKey}`);
        const files = git(app.repoDir, 'diff-tree', '--no-commit-id', '--name-only', '-r', `${commit.sha}^`, commit.sha).trim().split('\n');
        expect(files).toContain(`test-definitions/${TEST}/definition.json`);
        expect(files.every((file) => file === `test-definitions/${TEST}/definition.json` || file === `test-definitions/${TEST}/metadata.json`)).toBe(true);
      }
    }
  });

  it('passes git fsck --strict', () => {
    const result = git(app.repoDir, 'fsck', '--strict', '--no-progress');
    expect(result.trim()).toBe('');
  });
});

describe('audit, health and logs', () => {
  it('records the mutations and the refused promotion in the audit log', async () => {
    const response = await avery.get('/api/v1/audit?limit=500');
    expect(response.status).toBe(200);
    assertDocumented('GET', '/api/v1/audit', response);
    const entries = response.json.entries as { actor: string; action: string; target: string; outcome: string; message: string }[];
    const forTest = entries.filter((entry) => entry.target === `test:${TEST}`).reverse();
    expect(forTest.map((entry) => `${entry.actor} ${entry.action} ${entry.outcome}`)).toEqual([
      'erin test.create success',
      'erin test.update success',
      'rex test.promote refused',
      'rex test.promote success',
      'rex test.promote refused',
      'rex test.promote success',
      // The auto-promotion is audited as promotions, one per environment (issue #16), before the save's own entry.
      'erin test.promote success',
      'erin test.promote success',
      'erin test.update success',
      'erin test.update success',
    ]);
    expect(forTest[2].message).toContain("promoting to qa needs 'QA Ready'");
    expect(entries.some((entry) => entry.action === 'issue.create' && entry.target === `issue:${issueKey}` && entry.actor === 'erin')).toBe(true);
    expect(entries.filter((entry) => entry.action === 'issue.transition' && entry.target === `issue:${issueKey}` && entry.outcome === 'success')).toHaveLength(2);
    expect(entries.filter((entry) => entry.action === 'issue.verify' && entry.target === `issue:${issueKey}`).map((entry) => `${entry.actor} ${entry.outcome}`)).toEqual(['quinn success', 'erin refused']);
  });

  it('reports health 200 with the index ready (the details to signed-in users only)', async () => {
    const response = await erin.get('/api/health');
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ status: 'ready', database: 'ok', index: { ready: true } });
    assertDocumented('GET', '/api/health', response);
    const anonymous = await new ApiClient(app.baseUrl).get('/api/health');
    expect(anonymous.status).toBe(200);
    expect(anonymous.json).toEqual({ status: 'ready' });
    assertDocumented('GET', '/api/health', anonymous);
  });

  it('logs one JSON line with a request id per request and never the password or a token', async () => {
    const carol = 'Carol-s3cret-pass-771';
    expect((await avery.post('/api/v1/users', { username: 'carol', role: 'viewer', password: carol })).status).toBe(201);
    const carolClient = await new ApiClient(app.baseUrl).login('carol', carol);
    const { token } = await carolClient.createToken('log check');
    expect((await ApiClient.withToken(app.baseUrl, token).get('/api/v1/session')).json.user.username).toBe('carol');
    expect((await new ApiClient(app.baseUrl).post('/api/v1/session', { username: 'carol', password: 'wrong-' + carol })).status).toBe(401);

    await new Promise((resolve) => setTimeout(resolve, 200)); // let the last lines arrive through the pipe
    // Next's banner and the start-up summary are plain text; from then on every line is a JSON object.
    const afterStartup = app.stdout.slice(startupLines).filter((line) => line.trim() !== '');
    for (const line of afterStartup) expect(() => JSON.parse(line), line).not.toThrow();
    const jsonLines = app.stdout.filter((line) => line.startsWith('{'));
    const requests = jsonLines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'request');
    expect(requests.length).toBeGreaterThan(30);
    for (const entry of requests) {
      expect(entry.requestId).toMatch(/^[A-Za-z0-9._:-]+$/);
      expect(typeof entry.status).toBe('number');
    }
    const output = [...app.stdout, ...app.stderr].join('\n');
    expect(output).not.toContain(carol);
    expect(output).not.toContain(token);
    expect(output).not.toContain(token.slice(4, 20)); // not even a part of the secret
    for (const entry of jsonLines.map((line) => JSON.parse(line))) expect(JSON.stringify(entry)).not.toMatch(/"password"\s*:\s*"demo"/);
  });
});
