/**
 * The truth about a push the upstream applied but did not answer (issue #22, item 2). The upstream is a bare repository
 * served by `git http-backend` (test/support/git-http-server.ts); in front of it, a small HTTP proxy that can lose the
 * answer to a push after the upstream applied it, hold it until the client gives up, or never forward the push. The
 * store must look at the upstream before answering: saved, not saved (safe to retry), or unknown (with the commit id;
 * a retry of the same change is then recognised as saved). A promotion's issue transition follows git.
 */
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PUT as updateTestRoute } from '@/app/api/v1/tests/[name]/route';
import { POST as loginRoute } from '@/app/api/v1/session/route';
import { auditOutcomeOf } from '@/lib/audit/record-audit';
import { ensureAccounts } from '@/lib/auth/ensure-accounts';
import { setServicesProvider } from '@/lib/composition/services';
import { loadConfig } from '@/lib/config';
import { BuiltinIssueTracker } from '@/lib/issues/builtin-tracker';
import { AppError } from '@/lib/errors';
import type { TestDefinition } from '@/lib/proctor/model';
import { promoteDefinition } from '@/lib/services/promote-definition';
import { updateDefinition } from '@/lib/services/save-definition';
import type { Actor } from '@/lib/services/service-deps';
import { caught } from '../support/caught';
import { startFaultyGitProxy, type FaultyProxy } from '../support/faulty-git-proxy';
import { FakeIssueTracker } from '../support/fake-issue-tracker';
import { startGitHttpServer, type GitHttpServer } from '../support/git-http-server';
import { AUTHORS, git, makeTempDir, openTestStore, removeDir, type TestStore } from '../support/temp-repo';
import { createTestServices } from '../support/test-services';
import { key, name, rev } from '@/test/support/typed-values';

let dir: string;
let server: GitHttpServer;
let upstream: string;
let proxy: FaultyProxy;
let t: TestStore;
let template: TestDefinition;

const upstreamHead = async (branch: string) => (await git(['--git-dir', upstream, 'rev-parse', `refs/heads/${branch}`])).trim();
const localHead = async (branch: string) => (await git(['--git-dir', t.gitdir, 'rev-parse', `refs/heads/${branch}`])).trim();
const testAt = (branch: string, testName: string) => git(['--git-dir', upstream, 'show', `${branch}:test-definitions/${testName}/definition.json`]).then((text) => JSON.parse(text) as TestDefinition);

async function create(testName: string): Promise<string> {
  return (await t.store.createTest({ testName: name(testName), definition: template, author: AUTHORS.erin, issueKey: key('PROTEST-22') })).revision;
}

function edit(testName: string, baseRevision: string, description: string) {
  return t.store.updateTest({ testName: name(testName), definition: { ...template, description }, baseRevision: rev(baseRevision), author: AUTHORS.erin, issueKey: key('PROTEST-22') });
}

beforeAll(async () => {
  dir = await makeTempDir('proctor-push-outcome-');
  server = await startGitHttpServer({ root: path.join(dir, 'upstream') });
  upstream = await server.createRepository('proctor-data.git');
  proxy = await startFaultyGitProxy(server.url('proctor-data.git'));
  // A short request timeout so a held answer ends the push quickly (the outcome, not the time, is asserted).
  t = await openTestStore(path.join(dir, 'clone'), { remote: { url: proxy.url, timeoutMs: 1500 } });
  template = (await t.store.listDefinitions('trunk'))[0].definition!;
});

afterAll(async () => {
  await t?.close();
  await proxy?.close();
  await server?.close();
  if (dir) await removeDir(dir);
});

beforeEach(() => {
  proxy.next = null;
  proxy.down = false;
});

describe('a push the upstream applied but did not answer is reported as saved', () => {
  for (const fault of ['lose-answer', 'answer-5xx', 'hold-answer'] as const) {
    it(`${fault}: the save succeeds with the commit the upstream holds`, async () => {
      const testName = `outcome_${fault.replace(/-/g, '_')}`;
      const created = await create(testName);
      proxy.next = fault;
      const saved = await edit(testName, created, `edited through ${fault}`);
      expect(saved).toEqual({ revision: await upstreamHead('trunk'), previousRevision: created });
      expect(await localHead('trunk')).toBe(saved.revision);
      expect((await testAt('trunk', testName)).description).toBe(`edited through ${fault}`);
      // The next edit builds on it: no 409 against one's own commit.
      const again = await edit(testName, saved.revision, 'and once more');
      expect(again.previousRevision).toBe(saved.revision);
      await git(['--git-dir', upstream, 'fsck', '--strict', '--no-dangling']);
    });
  }
});

describe('a push that never reached the upstream', () => {
  it('is "Nothing was saved" (503), the local branch stays with the upstream, and the same change then saves', async () => {
    const testName = 'outcome_never_forwarded';
    const created = await create(testName);
    const before = await upstreamHead('trunk');
    proxy.next = 'never-forward';
    const error = await caught(() => edit(testName, created, 'lost on the way'));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.message).toContain('Nothing was saved; try again when it is reachable.');
    expect(await upstreamHead('trunk')).toBe(before);
    expect(await localHead('trunk')).toBe(before);
    const retried = await edit(testName, created, 'lost on the way');
    expect(retried.previousRevision).toBe(created);
    expect(await upstreamHead('trunk')).toBe(retried.revision);
  });
});

describe('a push whose outcome cannot be learnt', () => {
  it('is PUSH_OUTCOME_UNKNOWN with the commit id and how to check; a retry of the same change is recognised as saved', async () => {
    const testName = 'outcome_unknown';
    const created = await create(testName);
    proxy.next = 'lose-answer-then-down';
    const error = await caught(() => edit(testName, created, 'landed unseen'));
    expect(error.code).toBe('PUSH_OUTCOME_UNKNOWN');
    const commit = (error.data as { commit: string }).commit;
    expect(await upstreamHead('trunk')).toBe(commit); // it did land
    expect(error.message).toContain(`Commit ${commit} was sent to the upstream git repository`);
    expect(error.message).toContain('It may or may not be saved on trunk. Check with `git ls-remote');
    expect(error.message).toContain('Retrying the same change is safe');
    expect(auditOutcomeOf(504, error)).toBe('unknown');

    proxy.down = false;
    // Another change from the same base is a real conflict…
    expect((await caught(() => edit(testName, created, 'something else'))).code).toBe('STALE_REVISION');
    // …the same change is the user's own commit: saved, not 409.
    const retried = await edit(testName, created, 'landed unseen');
    expect(retried).toEqual({ revision: commit, previousRevision: created });
    expect(await upstreamHead('trunk')).toBe(commit); // nothing new was committed
  });

  it('a change the upstream did not get is "Nothing was saved" even when it cannot be checked', async () => {
    const testName = 'outcome_down_before';
    const created = await create(testName);
    proxy.down = true;
    const error = await caught(() => edit(testName, created, 'never sent'));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(auditOutcomeOf(503, error)).toBe('failed');
  });
});

describe('a promotion: the issue transition follows git', () => {
  const erin: Actor = { username: 'erin', displayName: 'Erin Engineer', email: 'erin@example.com', role: 'editor' };
  const rex: Actor = { username: 'rex', displayName: 'Rex Release', email: 'rex@example.com', role: 'releaser' };

  async function prepared(testName: string) {
    const tracker = new FakeIssueTracker();
    const services = createTestServices({ store: t.store, tracker, prisma: t.prisma });
    const issue = tracker.add({ status: 'In Progress' });
    const created = await create(testName);
    await updateDefinition(services, erin, { name: testName, definition: { ...template, description: 'for qa' }, baseRevision: created, issueKey: issue.key });
    tracker.issues.set(issue.key, { ...tracker.issues.get(issue.key)!, status: 'QA Ready' });
    return { services, tracker, key: issue.key };
  }

  it('answer lost after qa moved: success, the issue moves to In QA', async () => {
    const { services, tracker, key: issueKey } = await prepared('outcome_promote_lost');
    proxy.next = 'lose-answer';
    const promoted = await promoteDefinition(services, rex, { name: 'outcome_promote_lost', from: 'trunk', to: 'qa', issueKey });
    expect(promoted).toMatchObject({ outcome: 'success', issue: { from: 'QA Ready', to: 'In QA' } });
    expect(promoted.revision).toBe(await upstreamHead('qa'));
    expect(tracker.issues.get(issueKey)!.status).toBe('In QA');
  });

  it('outcome unknown: the issue stays QA Ready; the retry (qa moved after all) succeeds and moves the issue, not NO_CHANGES', async () => {
    const { services, tracker, key: issueKey } = await prepared('outcome_promote_unknown');
    const qaBefore = (await t.store.liveRevisions(name('outcome_promote_unknown'))).qa.revision;
    proxy.next = 'lose-answer-then-down';
    const error = await caught(() => promoteDefinition(services, rex, { name: 'outcome_promote_unknown', from: 'trunk', to: 'qa', issueKey, targetRevision: qaBefore }));
    expect(error.code).toBe('PUSH_OUTCOME_UNKNOWN');
    const commit = (error.data as { commit: string }).commit;
    expect(tracker.issues.get(issueKey)!.status).toBe('QA Ready');
    expect(await upstreamHead('qa')).toBe(commit);

    proxy.down = false;
    // The retry without a target revision reads qa as it is now (holding the promotion): the same change all the same.
    const retried = await promoteDefinition(services, rex, { name: 'outcome_promote_unknown', from: 'trunk', to: 'qa', issueKey });
    expect(retried).toMatchObject({ outcome: 'success', revision: commit, previousRevision: qaBefore, issue: { from: 'QA Ready', to: 'In QA' } });
    expect(tracker.issues.get(issueKey)!.status).toBe('In QA');
    expect(await upstreamHead('qa')).toBe(commit);
  });
});

describe('over the API (the route handler, a real database): the answer and the audit follow git', () => {
  const BASE = 'http://studio.test';
  const config = { ...loadConfig({} as NodeJS.ProcessEnv), publicUrl: BASE, demoMode: true };
  let cookie: string;
  let issueKey: string;

  beforeAll(async () => {
    await ensureAccounts(t.prisma, config);
    const tracker = new BuiltinIssueTracker(t.prisma, { publicUrl: BASE });
    setServicesProvider(async () => createTestServices({ store: t.store, tracker, prisma: t.prisma, config }));
    issueKey = (await tracker.createIssue({ summary: 'Push outcome', type: 'ProTest' }, 'erin')).key;
    await tracker.transition(issueKey, { to: 'In Progress' }, 'erin');
    const login = await loginRoute(new Request(`${BASE}/api/v1/session`, { method: 'POST', body: JSON.stringify({ username: 'erin', password: 'demo' }), headers: { host: 'studio.test', origin: BASE, 'content-type': 'application/json' } }));
    cookie = /proctor_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
  });
  afterAll(() => setServicesProvider(undefined));

  const put = (testName: string, body: Record<string, unknown>) =>
    updateTestRoute(
      new Request(`${BASE}/api/v1/tests/${testName}`, { method: 'PUT', body: JSON.stringify({ issueKey, ...body }), headers: { host: 'studio.test', origin: BASE, cookie, 'content-type': 'application/json' } }),
      { params: Promise.resolve({ name: testName }) },
    );
  const lastAudit = () => t.prisma.auditLog.findFirst({ where: { action: 'test.update' }, orderBy: { id: 'desc' } });

  it('unknown: 504 PUSH_OUTCOME_UNKNOWN with the commit, audited `unknown` with it; the retry is 200 with that commit, audited `success`', async () => {
    const testName = 'outcome_api_unknown';
    const created = await create(testName);
    proxy.next = 'lose-answer-then-down';
    const answer = await put(testName, { definition: { ...template, description: 'over the API' }, baseRevision: created });
    expect(answer.status).toBe(504);
    const body = (await answer.json()) as { code: string; message: string; data: { commit: string } };
    expect(body.code).toBe('PUSH_OUTCOME_UNKNOWN');
    expect(body.data.commit).toBe(await upstreamHead('trunk'));
    expect(await lastAudit()).toMatchObject({ outcome: 'unknown', actor: 'erin', target: `test:${testName}`, details: { status: 504, code: 'PUSH_OUTCOME_UNKNOWN', commit: body.data.commit } });

    proxy.down = false;
    const retried = await put(testName, { definition: { ...template, description: 'over the API' }, baseRevision: created });
    expect(retried.status).toBe(200);
    expect(await retried.json()).toMatchObject({ outcome: 'success', revision: body.data.commit, previousRevision: created });
    expect(await lastAudit()).toMatchObject({ outcome: 'success', details: { status: 200 } });
  });

  it('answer lost, upstream has it: 200 and audited `success` (not 503 "Nothing was saved")', async () => {
    const testName = 'outcome_api_saved';
    const created = await create(testName);
    proxy.next = 'lose-answer';
    const answer = await put(testName, { definition: { ...template, description: 'saved after all' }, baseRevision: created });
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { revision: string }).revision).toBe(await upstreamHead('trunk'));
    expect(await lastAudit()).toMatchObject({ outcome: 'success' });
  });
});

it('an unknown outcome is an AppError of its own (504), distinct from "Nothing was saved"', () => {
  expect(auditOutcomeOf(504, new AppError('PUSH_OUTCOME_UNKNOWN', 'x'))).toBe('unknown');
  expect(auditOutcomeOf(503, new AppError('UPSTREAM_UNAVAILABLE', 'x'))).toBe('failed');
  expect(auditOutcomeOf(409, new AppError('STALE_REVISION', 'x'))).toBe('refused');
});
