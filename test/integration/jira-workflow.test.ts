/**
 * The save → QA Ready → promote → In QA → Production Ready → promote → In Production path through the real services
 * (createDefinition, updateDefinition, promoteDefinition), a real DefinitionStore on a temporary bare repository and the
 * real JIRA adapter over HTTP against the fake JIRA. What was committed is checked with the native git CLI; comments,
 * transitions and remote links are checked on the fake JIRA's side.
 */
import { serviceDepsOf } from '@/lib/services/service-adapters';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getIssueDetail, transitionIssue } from '@/lib/issues/issue-service';
import { previewPromotion } from '@/lib/services/promotion-preview';
import { JiraIssueTracker, type JiraTrackerOptions } from '@/lib/issues/jira/jira-issue-tracker';
import { createDefinition, updateDefinition } from '@/lib/services/save-definition';
import { promoteDefinition } from '@/lib/services/promote-definition';
import { retryTransition, verifyIssue } from '@/lib/services/verify-issue';
import type { Actor, ServiceDeps } from '@/lib/services/service-deps';
import { createTestDatabase } from '@/test/support/db';
import { PROTEST_WORKFLOW, startFakeJira, type FakeJira } from '@/test/support/fake-jira/fake-jira-server';
import { SEED_DIR, git, makeTempDir, openTestStore, removeDir, type TestStore } from '@/test/support/temp-repo';
import { caught } from '@/test/support/caught';

const PUBLIC_URL = 'http://studio.test';
const erin: Actor = { username: 'erin', displayName: 'Erin Engineer', email: 'erin@example.com', role: 'editor' };
const rex: Actor = { username: 'rex', displayName: 'Rex Release', email: 'rex@example.com', role: 'releaser' };
const definition = JSON.parse(fs.readFileSync(path.join(SEED_DIR, 'test-definitions', 'checkout_button_color', 'definition.json'), 'utf8'));

let dir: string;
let t: TestStore;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let fake: FakeJira;

function tracker(overrides: Partial<JiraTrackerOptions> = {}): JiraIssueTracker {
  return new JiraIssueTracker({
    url: fake.url,
    deployment: 'server',
    auth: { kind: 'basic', user: 'proctor-bot', apiToken: 'jira-demo-token' },
    projects: ['PROTEST'],
    issueType: 'ProTest',
    statusNames: {},
    transitionNames: {},
    timeoutMs: 1000,
    cacheSeconds: 0,
    ...overrides,
  });
}

function deps(overrides: Partial<JiraTrackerOptions> = {}): ServiceDeps {
  return serviceDepsOf({ store: t.store, tracker: tracker(overrides), prisma: db.prisma, config: { publicUrl: PUBLIC_URL } });
}

const head = async (branch: string) => (await git(['--git-dir', t.gitdir, 'rev-parse', branch])).trim();
const subject = async (branch: string) => (await git(['--git-dir', t.gitdir, 'log', '-1', '--format=%s', branch])).trim();
const heads = async () => ({ trunk: await head('trunk'), qa: await head('qa'), production: await head('production') });

beforeAll(async () => {
  dir = await makeTempDir('proctor-jira-');
  t = await openTestStore(dir, { now: () => Date.UTC(2025, 5, 1, 12, 0, 0) });
  db = await createTestDatabase();
  fake = await startFakeJira({
    issues: [
      { key: 'PROTEST-101', summary: 'Try a green checkout button', status: 'In Progress' },
      { key: 'PROTEST-102', summary: 'Checkout crashes', type: 'Bug', status: 'In Progress' },
      { key: 'PROTEST-103', summary: 'Old experiment', status: 'Closed' },
      { key: 'PROTEST-104', summary: 'Outage work', status: 'In Progress' },
      { key: 'PROTEST-105', summary: 'Transition retry', status: 'In Progress' },
    ],
  });
});
afterAll(async () => {
  await fake?.close();
  await t?.close();
  await db?.close();
  if (dir) await removeDir(dir);
});
afterEach(() => fake.clearFaults());

describe('the whole path through JIRA', () => {
  it('save → QA Ready → promote → In QA → Production Ready → promote → In Production, with comments and a link', async () => {
    const name = 'jira_path_tst';
    const saved = await createDefinition(deps(), erin, { name, definition, issueKey: 'PROTEST-101' });
    expect(saved.outcome).toBe('success');
    expect(saved.notices).toEqual([]);
    expect(await head('trunk')).toBe(saved.revision);
    expect(await subject('trunk')).toMatch(/^PROTEST-101: /);

    // Promotion needs QA Ready: refused while In Progress, and nothing is written to qa.
    const qaBefore = await head('qa');
    const early = await caught(() => promoteDefinition(deps(), rex, { name, from: 'trunk', to: 'qa', issueKey: 'PROTEST-101' }));
    expect(early.code).toBe('ISSUE_STATE_NOT_ALLOWED');
    expect(early.message).toBe("PROTEST-101 is in status 'In Progress'; promoting to qa needs 'QA Ready'. Resolve the issue first.");
    expect(await head('qa')).toBe(qaBefore);

    // Someone resolves the issue (through our API's transition route).
    expect(await transitionIssue({ prisma: db.prisma, tracker: tracker() }, erin, { key: 'protest-101', name: 'Resolve' })).toMatchObject({ to: 'QA Ready' });

    const toQa = await promoteDefinition(deps(), rex, { name, from: 'trunk', to: 'qa', issueKey: 'PROTEST-101' });
    expect(toQa).toMatchObject({ outcome: 'success', issue: { key: 'PROTEST-101', from: 'QA Ready', to: 'In QA' }, notices: [] });
    expect(await head('qa')).toBe(toQa.revision);
    const onQa = JSON.parse(await git(['--git-dir', t.gitdir, 'show', `qa:test-definitions/${name}/definition.json`]));
    const onTrunk = JSON.parse(await git(['--git-dir', t.gitdir, 'show', `trunk:test-definitions/${name}/definition.json`]));
    expect({ ...onQa, version: null }).toEqual({ ...onTrunk, version: null });
    expect(await git(['--git-dir', t.gitdir, 'log', '-1', '--format=%B', 'qa'])).toContain('PROTEST-101');
    expect(fake.issue('PROTEST-101').status).toBe('In QA');

    fake.setStatus('PROTEST-101', 'Production Ready'); // verified in QA, in JIRA
    const toProduction = await promoteDefinition(deps(), rex, { name, from: 'qa', to: 'production', issueKey: 'PROTEST-101' });
    expect(toProduction).toMatchObject({ outcome: 'success', issue: { from: 'Production Ready', to: 'In Production' } });
    expect(await head('production')).toBe(toProduction.revision);

    const issue = fake.issue('PROTEST-101');
    expect(issue.status).toBe('In Production');
    expect(issue.history.map((h) => [h.from, h.to, h.transition])).toEqual([
      ['In Progress', 'QA Ready', 'Resolve'],
      ['QA Ready', 'In QA', 'Promote to QA'],
      ['In QA', 'Production Ready', '(set by test)'],
      ['Production Ready', 'In Production', 'Promote to Production'],
    ]);
    expect(issue.comments.map((c) => c.body)).toEqual([
      `erin committed test definition '${name}' to trunk as revision ${saved.revision.slice(0, 12)}.\n${PUBLIC_URL}/tests/${name}?revision=${saved.revision}`,
      `rex promoted test definition '${name}' to qa as revision ${toQa.revision.slice(0, 12)}.\n${PUBLIC_URL}/tests/${name}?revision=${toQa.revision}`,
      `rex promoted test definition '${name}' to production as revision ${toProduction.revision.slice(0, 12)}.\n${PUBLIC_URL}/tests/${name}?revision=${toProduction.revision}`,
    ]);
    expect(issue.remoteLinks.map((l) => [l.globalId, l.object.url, l.object.title])).toEqual([[`proctor-studio:test:${name}`, `${PUBLIC_URL}/tests/${name}`, `Proctor test ${name}`]]);
    await git(['--git-dir', t.gitdir, 'fsck', '--strict', '--no-dangling']);
  });
});

describe('refusals commit nothing', () => {
  const cases: [string, () => ServiceDeps, string, string, RegExp][] = [
    ['wrong issue type', () => deps(), 'PROTEST-102', 'ISSUE_INVALID', /^PROTEST-102 is a 'Bug' issue; test definition changes need an issue of type 'ProTest'\.$/],
    ['closed issue', () => deps(), 'PROTEST-103', 'ISSUE_STATE_NOT_ALLOWED', /^PROTEST-103 is in status 'Closed'/],
    ['missing issue', () => deps(), 'PROTEST-999', 'ISSUE_NOT_FOUND', /^Issue PROTEST-999 does not exist in JIRA\./],
    ['bad credentials', () => deps({ auth: { kind: 'basic', user: 'proctor-bot', apiToken: 'wrong' } }), 'PROTEST-104', 'UPSTREAM_REJECTED', /^JIRA rejected our credentials \(HTTP 401\).*administrator/],
    ['an expired personal access token', () => deps({ auth: { kind: 'bearer', personalAccessToken: 'expired' } }), 'PROTEST-104', 'UPSTREAM_REJECTED', /^JIRA rejected our credentials/],
  ];
  for (const [label, makeDeps, issueKey, code, message] of cases) {
    it(`${label}: ${code}`, async () => {
      const before = await heads();
      const error = await caught(() => createDefinition(makeDeps(), erin, { name: `refused_${label.replace(/\W+/g, '_')}`, definition, issueKey }));
      expect(error.code).toBe(code);
      expect(error.message).toMatch(message);
      expect(await heads()).toEqual(before);
    });
  }

  it('JIRA down (5xx): the save is refused as JIRA unavailable; the same edit saves once JIRA is back', async () => {
    const name = 'jira_outage_tst';
    const created = await createDefinition(deps(), erin, { name, definition, issueKey: 'PROTEST-104' });
    const edit = { name, definition: { ...definition, description: 'Edited during the outage' }, baseRevision: created.revision, issueKey: 'PROTEST-104' };
    const before = await heads();
    fake.inject({ status: 503 });
    const error = await caught(() => updateDefinition(deps(), erin, edit));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.message).toBe('JIRA unavailable (HTTP 503) while looking up PROTEST-104. Try again in a moment.');
    expect(await heads()).toEqual(before);
    fake.clearFaults();
    const saved = await updateDefinition(deps(), erin, edit);
    expect(saved.outcome).toBe('success');
    expect(saved.previousRevision).toBe(created.revision);
    expect(JSON.parse(await git(['--git-dir', t.gitdir, 'show', `trunk:test-definitions/${name}/definition.json`])).description).toBe('Edited during the outage');
  });

  it('with the lookup cache on, the check before a commit still asks JIRA (a warm cache never hides an outage)', async () => {
    const name = 'jira_cached_tst';
    const cachedDeps = deps({ cacheSeconds: 30 });
    const created = await createDefinition(cachedDeps, erin, { name, definition, issueKey: 'PROTEST-104' });
    expect(await cachedDeps.tracker.getIssue('PROTEST-104')).toMatchObject({ key: 'PROTEST-104' }); // the typeahead warmed the cache
    const before = await heads();
    fake.inject({ status: 503 });
    const error = await caught(() =>
      updateDefinition(cachedDeps, erin, { name, definition: { ...definition, description: 'Edited with a warm cache' }, baseRevision: created.revision, issueKey: 'PROTEST-104' }),
    );
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(await heads()).toEqual(before);
  });

  it('slow JIRA: a save and a promotion time out as JIRA unavailable and write nothing', async () => {
    fake.setStatus('PROTEST-104', 'QA Ready');
    const before = await heads();
    fake.inject({ delayMs: 2500 });
    const save = await caught(() => createDefinition(deps({ timeoutMs: 300 }), erin, { name: 'jira_slow_tst', definition, issueKey: 'PROTEST-104' }));
    expect(save.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(save.message).toBe('JIRA unavailable: it did not answer within 0.3 s while looking up PROTEST-104. Try again in a moment.');
    const promotion = await caught(() => promoteDefinition(deps({ timeoutMs: 300 }), rex, { name: 'jira_outage_tst', from: 'trunk', to: 'qa', issueKey: 'PROTEST-104' }));
    expect(promotion.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(await heads()).toEqual(before);
    expect(fake.issue('PROTEST-104').status).toBe('QA Ready');
  });
});

describe('promotion committed, transition failed', () => {
  it('reports partial-success with the transition error, and the transition alone can be retried', async () => {
    const name = 'jira_retry_tst';
    await createDefinition(deps(), erin, { name, definition, issueKey: 'PROTEST-105' });
    fake.setStatus('PROTEST-105', 'QA Ready');
    fake.inject({ method: 'POST', path: '/rest/api/2/issue/PROTEST-105/transitions', status: 500, times: 1 });
    const result = await promoteDefinition(deps(), rex, { name, from: 'trunk', to: 'qa', issueKey: 'PROTEST-105' });
    expect(result.outcome).toBe('partial-success');
    expect(await head('qa')).toBe(result.revision);
    expect(result.issue.transitionError).toContain("JIRA unavailable (HTTP 500) while moving PROTEST-105 to 'In QA'. Retry the transition alone from the issue page: POST /api/v1/issues/PROTEST-105/retry-transition after a promotion");
    expect(fake.issue('PROTEST-105').status).toBe('QA Ready');
    // "In QA" is never set by hand (issue #16): the retry is its own action, which knows the pending transition.
    const manual = await caught(() => transitionIssue({ prisma: db.prisma, tracker: tracker() }, rex, { key: 'PROTEST-105', to: 'In QA' }));
    expect(manual.code).toBe('TRANSITION_NEEDS_PROMOTION');
    const retried = await retryTransition(deps(), rex, { key: 'PROTEST-105' });
    expect(retried).toEqual({ key: 'PROTEST-105', from: 'QA Ready', to: 'In QA', transition: 'Promote to QA' });
    expect(fake.issue('PROTEST-105').status).toBe('In QA');
  });

  it('a workflow without the transition: the promotion lands and says which transitions JIRA offers', async () => {
    const saved = fake.workflow;
    fake.workflow = { ...PROTEST_WORKFLOW, transitions: PROTEST_WORKFLOW.transitions.filter((tr) => tr.name !== 'Promote to QA') };
    try {
      const name = 'jira_noflow_tst';
      const key = fake.createIssue({ summary: 'No QA transition', status: 'In Progress' }).key;
      await createDefinition(deps(), erin, { name, definition, issueKey: key });
      fake.setStatus(key, 'QA Ready');
      const result = await promoteDefinition(deps(), rex, { name, from: 'trunk', to: 'qa', issueKey: key });
      expect(result.outcome).toBe('partial-success');
      expect(await head('qa')).toBe(result.revision);
      expect(result.issue.transitionError).toContain(`${key} is in status 'QA Ready' and JIRA's workflow offers no way to move to 'In QA' from there. No transitions are available from this status.`);
      expect(fake.issue(key).status).toBe('QA Ready');
    } finally {
      fake.workflow = saved;
    }
  });
});

describe('release safety in JIRA mode (issue #16)', () => {
  const quinn: Actor = { username: 'quinn', displayName: 'Quinn QA', email: 'quinn@example.com', role: 'qa' };

  it('reads who verified from JIRA’s changelog: an author who verified in JIRA is refused at the production promotion', async () => {
    const name = 'jira_sod_tst';
    const key = fake.createIssue({ summary: 'Self-verified in JIRA', status: 'In Progress' }).key;
    await createDefinition(deps(), erin, { name, definition, issueKey: key });
    fake.setStatus(key, 'QA Ready');
    expect((await promoteDefinition(deps(), rex, { name, from: 'trunk', to: 'qa', issueKey: key })).issue.to).toBe('In QA');
    // JIRA lets erin take "Verify" herself; we cannot stop that, but the promotion checks still refuse.
    fake.setStatus(key, 'Production Ready', 'erin');
    const before = await heads();
    const refused = await caught(() => promoteDefinition(deps(), rex, { name, from: 'qa', to: 'production', issueKey: key }));
    expect(refused.code).toBe('SEPARATION_OF_DUTIES');
    expect(refused.message).toContain(`erin authored a change linked to ${key}, so erin cannot verify it.`);
    expect(refused.message).toContain(`(${key} was verified in JIRA by erin.) Verify it again as another QA analyst.`);
    expect(await heads()).toEqual(before);
  });

  it('verifies through Proctor Studio in JIRA (transition + the blob live in qa), then production gets exactly that', async () => {
    const name = 'jira_verified_tst';
    const key = fake.createIssue({ summary: 'Verified by QA', status: 'In Progress' }).key;
    await createDefinition(deps(), erin, { name, definition, issueKey: key });
    fake.setStatus(key, 'QA Ready');
    const toQa = await promoteDefinition(deps(), rex, { name, from: 'trunk', to: 'qa', issueKey: key });
    const ownVerify = await caught(() => verifyIssue(deps(), erin, { key }));
    expect(ownVerify.code).toBe('SEPARATION_OF_DUTIES');
    const verified = await verifyIssue(deps(), quinn, { key });
    expect(verified).toMatchObject({ from: 'In QA', to: 'Production Ready' });
    const qaBlob = (await git(['--git-dir', t.gitdir, 'rev-parse', `qa:test-definitions/${name}/definition.json`])).trim();
    expect(verified.verification?.tests).toEqual([{ testName: name, revision: toQa.revision, blob: qaBlob }]);
    expect(fake.issue(key).status).toBe('Production Ready');
    expect(fake.issue(key).comments.some((c) => c.body.includes(`quinn verified ${key} in qa: ${name} r${toQa.revision.slice(0, 7)}`))).toBe(true);

    // An edit after QA verified: promoting it is NOT_VERIFIED; the default source is what QA verified.
    const edited = await updateDefinition(deps(), erin, { name, definition: { ...definition, description: 'after QA' }, baseRevision: (await head('trunk')), issueKey: key });
    const notVerified = await caught(() => promoteDefinition(deps(), rex, { name, from: 'trunk', to: 'production', revision: edited.revision, issueKey: key }));
    expect(notVerified.code).toBe('NOT_VERIFIED');
    const promoted = await promoteDefinition(deps(), rex, { name, from: 'qa', to: 'production', issueKey: key });
    expect(promoted).toMatchObject({ sourceRevision: toQa.revision, outcome: 'success', issue: { to: 'In Production' } });
    expect((await git(['--git-dir', t.gitdir, 'rev-parse', `production:test-definitions/${name}/definition.json`])).trim()).toBe(qaBlob);
  });
});

describe('the promote dialog in JIRA mode (issue #22)', () => {
  it('shows the status JIRA has now, not the lookup cache’s: an issue moved in JIRA reads as moved at once', async () => {
    const name = 'jira_dialog_tst';
    const cachedDeps = deps({ cacheSeconds: 30 });
    const key = fake.createIssue({ summary: 'Moved in JIRA', status: 'In Progress' }).key;
    await createDefinition(cachedDeps, erin, { name, definition, issueKey: key });
    // The dialog opens: its issue line (GET /api/v1/issues/KEY) warms the 30 s cache with 'In Progress'.
    expect((await getIssueDetail(cachedDeps, rex, { key })).status).toBe('In Progress');
    expect((await previewPromotion(cachedDeps, rex, { name, from: 'trunk', to: 'qa', issueKey: key })).refusal?.code).toBe('ISSUE_STATE_NOT_ALLOWED');
    // Someone moves it in JIRA itself; the dialog asks again (the same tracker, its cache still warm).
    fake.setStatus(key, 'QA Ready');
    expect((await getIssueDetail(cachedDeps, rex, { key })).status).toBe('QA Ready');
    expect((await previewPromotion(cachedDeps, rex, { name, from: 'trunk', to: 'qa', issueKey: key })).refusal).toBeNull();
    expect((await promoteDefinition(cachedDeps, rex, { name, from: 'trunk', to: 'qa', issueKey: key })).issue).toMatchObject({ from: 'QA Ready', to: 'In QA' });
  });
});
