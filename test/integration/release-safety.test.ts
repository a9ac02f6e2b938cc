/**
 * Issue #16, release safety, over the real route handlers (Request in, Response out) on a real DefinitionStore (a
 * temporary bare repository, checked with native git), a real database and the built-in tracker: the qa role, no
 * manual → In QA / → In Production, separation of duties and its waiver, verification bound to the blob live in qa,
 * production promotions of the verified revision (override otherwise), the promotion preview, auto-promotion refused
 * for drift and audited per environment, rollback, emergency stop and retrying a failed transition.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as loginRoute } from '@/app/api/v1/session/route';
import { GET as issueRoute } from '@/app/api/v1/issues/[key]/route';
import { POST as createIssueRoute } from '@/app/api/v1/issues/route';
import { GET as transitionsRoute, POST as transitionRoute } from '@/app/api/v1/issues/[key]/transitions/route';
import { POST as verifyRoute } from '@/app/api/v1/issues/[key]/verify/route';
import { POST as waiveRoute } from '@/app/api/v1/issues/[key]/waive-separation/route';
import { POST as retryRoute } from '@/app/api/v1/issues/[key]/retry-transition/route';
import { POST as createTestRoute } from '@/app/api/v1/tests/route';
import { PUT as updateTestRoute } from '@/app/api/v1/tests/[name]/route';
import { POST as promoteRoute } from '@/app/api/v1/tests/[name]/promotions/route';
import { GET as previewRoute } from '@/app/api/v1/tests/[name]/promotions/preview/route';
import { POST as autoPromotionRoute } from '@/app/api/v1/tests/[name]/auto-promotion/route';
import { POST as rollbackRoute } from '@/app/api/v1/tests/[name]/rollback/route';
import { GET as rollbackTargetsRoute } from '@/app/api/v1/tests/[name]/rollback-targets/route';
import { POST as stopRoute } from '@/app/api/v1/tests/[name]/stop/route';
import { GET as auditRoute } from '@/app/api/v1/audit/route';
import { ensureAccounts } from '@/lib/auth/ensure-accounts';
import { setServicesProvider } from '@/lib/composition/services';
import { loadConfig } from '@/lib/config';
import { AppError } from '@/lib/errors';
import { BuiltinIssueTracker } from '@/lib/issues/builtin-tracker';
import { seedBuiltinIssues } from '@/lib/issues/seed-builtin-issues';
import type { TransitionRequest } from '@/lib/issues/issue-tracker';
import { DEFAULT_WORKFLOW_RULES } from '@/lib/issues/workflow';
import { verifyIssue } from '@/lib/services/verify-issue';
import { createTestServices, type TestServices } from '@/test/support/test-services';
import { SEED_DIR, git, makeTempDir, openTestStore, removeDir, type TestStore } from '@/test/support/temp-repo';
import { caught } from '@/test/support/caught';
import { withMoreGreen, withMoreGreenNoDrift } from '@/test/support/use-case-fixtures';
import { seedIssues, type DefinitionStore } from '@/lib/store';

/** The built-in tracker whose next transition can be made to fail (the "committed, transition failed" case). */
class FlakyTracker extends BuiltinIssueTracker {
  failNext = false;
  override async transition(key: string, request: TransitionRequest, actor: string) {
    if (this.failNext) {
      this.failNext = false;
      throw new AppError('UPSTREAM_UNAVAILABLE', 'The tracker did not answer.');
    }
    return super.transition(key, request, actor);
  }
}

const BASE = 'http://studio.test';
const SEED = JSON.parse(fs.readFileSync(path.join(SEED_DIR, 'test-definitions', 'checkout_button_color', 'definition.json'), 'utf8'));
const config = { ...loadConfig({} as NodeJS.ProcessEnv), publicUrl: BASE, demoMode: true };
let dir: string;
let t: TestStore;
let tracker: FlakyTracker;
let services: TestServices<DefinitionStore, FlakyTracker>;
const cookies: Record<string, string> = {};

type Json = Record<string, any>;
type Handler = (request: Request, context: { params: Promise<any> }) => Promise<Response>;

async function call(handler: Handler, method: string, url: string, who: string | null, params: Record<string, string>, body?: unknown): Promise<{ status: number; json: Json }> {
  const headers: Record<string, string> = { host: 'studio.test', origin: BASE };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (who) headers.cookie = `proctor_session=${cookies[who]}`;
  const response = await handler(new Request(BASE + url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }), { params: Promise.resolve(params) });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : {} };
}

const gitdir = () => t.gitdir;
const show = async (ref: string) => JSON.parse(await git(['--git-dir', gitdir(), 'show', ref]));
const blobOf = async (branch: string, name: string) => (await git(['--git-dir', gitdir(), 'rev-parse', `${branch}:test-definitions/${name}/definition.json`])).trim();
const subject = async (ref: string) => (await git(['--git-dir', gitdir(), 'log', '-1', '--format=%s', ref])).trim();

const issue = (key: string, who = 'quinn') => call(issueRoute, 'GET', `/api/v1/issues/${key}`, who, { key });
const transition = (key: string, to: string, who = 'erin') => call(transitionRoute, 'POST', `/api/v1/issues/${key}/transitions`, who, { key }, { to });
const verify = (key: string, who = 'quinn') => call(verifyRoute, 'POST', `/api/v1/issues/${key}/verify`, who, { key }, { comment: 'Checked in qa' });
const promote = (name: string, body: Json, who = 'rex') => call(promoteRoute, 'POST', `/api/v1/tests/${name}/promotions`, who, { name }, body);
const preview = (name: string, query: string, who = 'rex') => call(previewRoute, 'GET', `/api/v1/tests/${name}/promotions/preview?${query}`, who, { name });
const trunkOf = async (name: string) => (await services.store.readDefinition(name as never, { branch: 'trunk' }))!;

async function newIssue(summary: string): Promise<string> {
  const created = await call(createIssueRoute, 'POST', '/api/v1/issues', 'erin', {}, { summary, type: 'ProTest' });
  expect(created.status).toBe(201);
  return created.json.key;
}

/** erin creates `name` under a new issue, resolves it, rex promotes it to qa: the issue is In QA. */
async function inQa(name: string): Promise<{ key: string; qaRevision: string; trunkRevision: string }> {
  const key = await newIssue(`Release ${name}`);
  const created = await call(createTestRoute, 'POST', '/api/v1/tests', 'erin', {}, { name, definition: { ...structuredClone(SEED), salt: `&${name}` }, issueKey: key });
  expect(created.status).toBe(201);
  for (const to of ['In Progress', 'QA Ready']) expect((await transition(key, to)).status).toBe(200);
  const toQa = await promote(name, { from: 'trunk', to: 'qa', issueKey: key });
  expect(toQa.status).toBe(201);
  expect(toQa.json.issue.to).toBe('In QA');
  return { key, qaRevision: toQa.json.revision, trunkRevision: created.json.revision };
}

async function edit(name: string, key: string, change: (definition: Json) => Json, extra: Json = {}) {
  const current = await trunkOf(name);
  return call(updateTestRoute, 'PUT', `/api/v1/tests/${name}`, 'erin', { name }, { definition: change(structuredClone(current.definition!)), baseRevision: current.revision, issueKey: key, ...extra });
}

beforeAll(async () => {
  dir = await makeTempDir('proctor-release-');
  t = await openTestStore(dir, {}, { seed: true, waitForIndex: true });
  await ensureAccounts(t.prisma, config);
  // The seeded history names issue keys; as in the app, the built-in tracker holds them, so new keys do not collide.
  await seedBuiltinIssues(t.prisma, await seedIssues(SEED_DIR, 'test-definitions'));
  tracker = new FlakyTracker(t.prisma, { publicUrl: BASE });
  services = createTestServices({ store: t.store as DefinitionStore, tracker, prisma: t.prisma, config });
  setServicesProvider(async () => services);
  for (const who of ['avery', 'erin', 'rex', 'quinn', 'priya']) {
    const response = await loginRoute(new Request(`${BASE}/api/v1/session`, { method: 'POST', headers: { host: 'studio.test', origin: BASE, 'content-type': 'application/json' }, body: JSON.stringify({ username: who, password: 'demo' }) }));
    expect(response.status).toBe(200);
    cookies[who] = /proctor_session=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')![1];
  }
}, 120_000);
afterAll(async () => {
  setServicesProvider(undefined);
  await t?.close();
  if (dir) await removeDir(dir);
});

describe('the qa role', () => {
  it('makes the demo QA analyst quinn a qa, who reads but cannot edit or promote', async () => {
    expect((await t.prisma.user.findUnique({ where: { username: 'quinn' } }))?.role).toBe('qa');
    const save = await call(createTestRoute, 'POST', '/api/v1/tests', 'quinn', {}, { name: 'quinn_tst', definition: SEED, issueKey: 'PROTEST-1' });
    expect(save.status).toBe(403);
    expect(save.json.message).toBe('This needs the editor role; quinn is a qa.');
    const promotion = await promote('checkout_button_color', { from: 'trunk', to: 'qa', issueKey: 'PROTEST-1' }, 'quinn');
    expect(promotion.status).toBe(403);
  });

  it('upgrades an untouched demo quinn of an older database from viewer to qa, and leaves a changed one alone', async () => {
    await t.prisma.user.update({ where: { username: 'quinn' }, data: { role: 'viewer' } });
    expect((await ensureAccounts(t.prisma, config)).find((a) => a.username === 'quinn')).toMatchObject({ role: 'qa', action: 'updated' });
    await t.prisma.user.update({ where: { username: 'quinn' }, data: { role: 'viewer', displayName: 'Quinn Renamed' } });
    expect((await ensureAccounts(t.prisma, config)).find((a) => a.username === 'quinn')).toMatchObject({ role: 'viewer', action: 'unchanged' });
    await t.prisma.user.update({ where: { username: 'quinn' }, data: { role: 'qa', displayName: 'Quinn QA' } });
  });
});

describe('the workflow cannot be walked alone', () => {
  it('never moves an issue to In QA or In Production by hand, and does not offer it', async () => {
    const key = await newIssue('Solo walk');
    for (const to of ['In Progress', 'QA Ready']) expect((await transition(key, to)).status).toBe(200);
    const offered = await call(transitionsRoute, 'GET', `/api/v1/issues/${key}/transitions`, 'erin', { key });
    expect(offered.json.transitions).toEqual([]);
    const refused = await transition(key, 'In QA');
    expect(refused.status).toBe(422);
    expect(refused.json.code).toBe('TRANSITION_NEEDS_PROMOTION');
    expect(refused.json.message).toBe(
      `${key}: 'In QA' means the definition was promoted to qa; an issue moves there only through a promotion, not by hand. Promote the test to qa under this issue (a releaser's step) instead.`,
    );
    const byName = await call(transitionRoute, 'POST', `/api/v1/issues/${key}/transitions`, 'avery', { key }, { name: 'Promote to QA' });
    expect(byName.json.code).toBe('TRANSITION_NEEDS_PROMOTION');
    expect((await issue(key)).json.status).toBe('QA Ready');
    expect((await issue(key, 'erin')).json.allowedActions).toEqual([]);
  });

  it('lets no author verify, and refuses verifying by a plain transition', async () => {
    const { key } = await inQa('solo_verify_tst');
    const plain = await transition(key, 'Production Ready', 'avery');
    expect(plain.json.code).toBe('TRANSITION_NEEDS_PROMOTION');
    const own = await verify(key, 'erin');
    expect(own.status).toBe(403);
    expect(own.json.code).toBe('SEPARATION_OF_DUTIES');
    expect(own.json.message).toBe(
      `Separation of duties: erin authored a change linked to ${key}, so erin cannot verify it. Ask a QA analyst who did not work on it to verify, or an admin can waive the rule for this issue with a reason.`,
    );
    expect((await issue(key, 'erin')).json.allowedActions).not.toContain('verify');
    expect((await issue(key, 'quinn')).json.allowedActions).toEqual(['verify']);
    const viewer = await call(verifyRoute, 'POST', `/api/v1/issues/${key}/verify`, null, { key }, {});
    expect(viewer.status).toBe(401);
    expect((await issue(key)).json.status).toBe('In QA');
  });

  it('an admin waives it for one issue with a reason; the author then verifies and the waiver shows', async () => {
    const { key } = await inQa('waived_tst');
    expect((await call(waiveRoute, 'POST', `/api/v1/issues/${key}/waive-separation`, 'rex', { key }, { reason: 'x' })).status).toBe(403);
    const waived = await call(waiveRoute, 'POST', `/api/v1/issues/${key}/waive-separation`, 'avery', { key }, { reason: 'Only Erin knows this test; QA is away' });
    expect(waived.status).toBe(200);
    const verified = await verify(key, 'erin');
    expect(verified.status).toBe(200);
    expect(verified.json.to).toBe('Production Ready');
    const read = await issue(key);
    expect(read.json.verification).toMatchObject({ by: 'erin', waivedSeparation: { by: 'avery', reason: 'Only Erin knows this test; QA is away' } });
    expect(read.json.comments.map((c: Json) => c.body)).toContain(`avery waived separation of duties for ${key}: an author of its changes may verify it. Reason: Only Erin knows this test; QA is away`);
  });

  it('can be switched off by configuration (separationOfDuties: false)', async () => {
    const { key } = await inQa('no_separation_tst');
    const result = await verifyIssue({ ...services, rules: { ...DEFAULT_WORKFLOW_RULES, separationOfDuties: false } }, { username: 'erin', displayName: 'Erin Engineer', email: null, role: 'editor' }, { key });
    expect(result.to).toBe('Production Ready');
  });
});

describe('verification bound to content', () => {
  const NAME = 'verified_tst';
  let key: string;
  let verifiedQa: string;
  let verifiedTrunk: string;

  it('records the exact blob live in qa (native git agrees)', async () => {
    ({ key, qaRevision: verifiedQa, trunkRevision: verifiedTrunk } = await inQa(NAME));
    const verified = await verify(key);
    expect(verified.status).toBe(200);
    expect(verified.json).toMatchObject({ from: 'In QA', to: 'Production Ready' });
    const tests = (await issue(key)).json.verification.tests;
    expect(tests).toEqual([{ testName: NAME, revision: verifiedQa, blob: await blobOf('qa', NAME) }]);
    expect((await issue(key)).json.verification.by).toBe('quinn');
  });

  it('a later trunk edit voids nothing silently: the preview says verified ≠ promoting and refuses', async () => {
    const edited = await edit(NAME, key, (d) => ({ ...d, description: 'Edited after QA verified it' }));
    expect(edited.status).toBe(200);
    const newest = edited.json.revision;
    const byDefault = await preview(NAME, `from=trunk&to=production&issueKey=${key}`);
    expect(byDefault.status).toBe(200);
    expect(byDefault.json).toMatchObject({ sourceRevision: verifiedTrunk, verifiedRevision: verifiedTrunk, refusal: null, issueKey: key });
    const other = await preview(NAME, `from=trunk&to=production&revision=${newest}&issueKey=${key}`);
    expect(other.json.sourceRevision).toBe(newest);
    expect(other.json.verifiedRevision).toBe(verifiedTrunk);
    expect(other.json.refusal.code).toBe('NOT_VERIFIED');
    expect(JSON.stringify(other.json.changes)).toContain('Edited after QA verified it'); // production lacks the test: one 'added' change

    const refused = await promote(NAME, { from: 'trunk', to: 'production', revision: newest, issueKey: key });
    expect(refused.status).toBe(409);
    expect(refused.json.code).toBe('NOT_VERIFIED');
    expect(refused.json.message).toContain(`${NAME} r${newest.slice(0, 7)} from trunk was not verified (QA verified r${verifiedQa.slice(0, 7)} in qa (trunk r${verifiedTrunk.slice(0, 7)}), which is different)`);
    expect(refused.json.message).toContain('promote anyway with override: {reason}');
    expect(await git(['--git-dir', gitdir(), 'ls-tree', 'production', `test-definitions/${NAME}`])).toBe('');
  });

  it('promotes the QA-verified revision to production by default, not the newest trunk one', async () => {
    const promoted = await promote(NAME, { from: 'trunk', to: 'production', issueKey: key });
    expect(promoted.status).toBe(201);
    expect(promoted.json).toMatchObject({ sourceRevision: verifiedTrunk, outcome: 'success', issue: { to: 'In Production' } });
    expect(await blobOf('production', NAME)).toBe(await blobOf('qa', NAME));
    expect((await show(`production:test-definitions/${NAME}/definition.json`)).description).not.toBe('Edited after QA verified it');
  });

  it('promotes an unverified revision only with a releaser override, recorded in audit, on the issue and in the issue read', async () => {
    const { key: other } = await inQa('override_tst');
    expect((await verify(other)).status).toBe(200);
    const edited = await edit('override_tst', other, (d) => ({ ...d, description: 'Hotfix after QA' }));
    const newest = edited.json.revision;
    const promoted = await promote('override_tst', { from: 'trunk', to: 'production', revision: newest, issueKey: other, override: { reason: 'Typo fix in the description only' } });
    expect(promoted.status).toBe(201);
    expect(promoted.json.override).toMatchObject({ reason: 'Typo fix in the description only' });
    expect((await show('production:test-definitions/override_tst/definition.json')).description).toBe('Hotfix after QA');
    const read = (await issue(other)).json;
    expect(read.promotionOverrides).toEqual([{ testName: 'override_tst', revision: newest, by: 'rex', at: expect.any(String), reason: 'Typo fix in the description only' }]);
    expect(read.comments.some((c: Json) => c.body.startsWith(`rex promoted override_tst r${newest.slice(0, 7)} to production although it was not verified in qa`))).toBe(true);
    const audit = await call(auditRoute, 'GET', '/api/v1/audit?limit=50', 'avery', {});
    const entry = audit.json.entries.find((e: Json) => e.action === 'test.promote' && e.target === 'test:override_tst' && e.details?.to === 'production');
    expect(entry).toMatchObject({ actor: 'rex', outcome: 'success', details: { override: { reason: 'Typo fix in the description only' } } });
  });
});

describe('auto-promotion moves no user', () => {
  const NAME = 'auto_tst';
  let key: string;

  it('refuses a drifting change in the pre-check and the save, naming the share; nothing is committed', async () => {
    ({ key } = await inQa(NAME));
    expect((await verify(key)).status).toBe(200);
    expect((await promote(NAME, { from: 'qa', to: 'production', issueKey: key })).status).toBe(201);
    const heads = await git(['--git-dir', gitdir(), 'rev-parse', 'trunk', 'qa', 'production']);
    const definition = withMoreGreen((await trunkOf(NAME)).definition as Json);
    const check = await call(autoPromotionRoute, 'POST', `/api/v1/tests/${NAME}/auto-promotion`, 'erin', { name: NAME }, { name: NAME, definition });
    expect(check.json).toMatchObject({ eligible: false, refusal: { code: 'AUTO_PROMOTION_MOVES_USERS' } });
    expect(check.json.reason).toContain('10% of users would switch between active buckets; promote through QA instead');
    const saved = await edit(NAME, key, () => definition, { autoPromote: true });
    expect(saved.status).toBe(409);
    expect(saved.json.code).toBe('AUTO_PROMOTION_MOVES_USERS');
    expect(await git(['--git-dir', gitdir(), 'rev-parse', 'trunk', 'qa', 'production'])).toBe(heads);
  });

  it('auto-promotes a change that moves nobody, returns each revision and audits one promotion per environment', async () => {
    const saved = await edit(NAME, key, (d) => withMoreGreenNoDrift(d), { autoPromote: true, comment: 'Grow green into inactive space' });
    expect(saved.status).toBe(200);
    expect(saved.json.autoPromotion.status).toBe('promoted');
    const revisions = saved.json.autoPromotion.promotions;
    expect(revisions.map((p: Json) => p.env)).toEqual(['qa', 'production']);
    for (const { env, revision } of revisions) expect((await git(['--git-dir', gitdir(), 'rev-parse', env])).trim()).toBe(revision);
    const audit = await call(auditRoute, 'GET', '/api/v1/audit?limit=50', 'avery', {});
    const automatic = audit.json.entries.filter((e: Json) => e.action === 'test.promote' && e.target === `test:${NAME}` && e.details?.automatic);
    expect(automatic.map((e: Json) => [e.actor, e.details.to, e.details.revision])).toEqual(revisions.map((p: Json) => ['erin', p.env, p.revision]).reverse());
    const comments = (await issue(key)).json.comments.map((c: Json) => c.body);
    for (const { env, revision } of revisions) expect(comments).toContain(`erin promoted test definition '${NAME}' to ${env} as revision ${revision.slice(0, 12)}.\n${BASE}/tests/${NAME}?revision=${revision}`);
  });

  it('rolls production back to an earlier live revision in one action while the issue is In Production', async () => {
    expect((await issue(key)).json.status).toBe('In Production');
    const targets = await call(rollbackTargetsRoute, 'GET', `/api/v1/tests/${NAME}/rollback-targets?env=production`, 'quinn', { name: NAME });
    expect(targets.status).toBe(200);
    expect(targets.json.targets).toHaveLength(1);
    const earlier = targets.json.targets[0].revision;
    const earlierBlob = (await git(['--git-dir', gitdir(), 'rev-parse', `${earlier}:test-definitions/${NAME}/definition.json`])).trim();
    expect((await call(rollbackRoute, 'POST', `/api/v1/tests/${NAME}/rollback`, 'erin', { name: NAME }, { env: 'production', revision: earlier, reason: 'x' })).status).toBe(403);
    const current = await call(rollbackRoute, 'POST', `/api/v1/tests/${NAME}/rollback`, 'rex', { name: NAME }, { env: 'production', revision: targets.json.current, reason: 'x' });
    expect(current.json.message).toContain('it is the revision live in production now');
    const rolled = await call(rollbackRoute, 'POST', `/api/v1/tests/${NAME}/rollback`, 'rex', { name: NAME }, { env: 'production', revision: earlier, reason: 'Conversion dropped', issueKey: key });
    expect(rolled.status).toBe(201);
    expect(await blobOf('production', NAME)).toBe(earlierBlob);
    expect(await subject('production')).toBe(`Rollback of ${NAME} in production to ${earlier.slice(0, 7)}: Conversion dropped`);
    const comments = (await issue(key)).json.comments.map((c: Json) => c.body);
    expect(comments.some((c: string) => c.startsWith(`rex rolled ${NAME} back in production to r${earlier.slice(0, 7)}`) && c.endsWith('Reason: Conversion dropped'))).toBe(true);
    const audit = await call(auditRoute, 'GET', '/api/v1/audit?limit=50', 'avery', {});
    expect(audit.json.entries.find((e: Json) => e.action === 'test.rollback' && e.outcome === 'success')).toMatchObject({ actor: 'rex', target: `test:${NAME}`, details: { reason: 'Conversion dropped' } });
  });

  it('stops the test everywhere in one action: 100% inactive on trunk, qa and production, with the trail', async () => {
    const stopped = await call(stopRoute, 'POST', `/api/v1/tests/${NAME}/stop`, 'rex', { name: NAME }, { reason: 'Checkout errors spiking' });
    expect(stopped.status).toBe(201);
    expect(stopped.json.commits.map((c: Json) => c.env)).toEqual(['trunk', 'qa', 'production']);
    expect(stopped.json.issueKey).toBe(key);
    for (const env of ['trunk', 'qa', 'production']) {
      const definition = await show(`${env}:test-definitions/${NAME}/definition.json`);
      expect(definition.allocations.map((a: Json) => a.ranges)).toEqual(definition.allocations.map(() => [{ bucketValue: -1, length: 1 }]));
    }
    expect(await subject('production')).toBe(`Emergency stop of ${NAME} in production: Checkout errors spiking`);
    expect(await git(['--git-dir', gitdir(), 'log', '-1', '--format=%B', 'trunk'])).toContain(`Emergency stop of ${NAME}: Checkout errors spiking`);
    const comments = (await issue(key)).json.comments.map((c: Json) => c.body);
    expect(comments).toContain(`rex stopped ${NAME}: 100% inactive in trunk, qa, production. Reason: Checkout errors spiking`);
    const audit = await call(auditRoute, 'GET', '/api/v1/audit?limit=80', 'avery', {});
    expect(audit.json.entries.filter((e: Json) => e.target === `test:${NAME}` && e.details?.stop).map((e: Json) => e.details.to).sort()).toEqual(['production', 'qa']);
    expect(audit.json.entries.some((e: Json) => e.action === 'test.stop' && e.outcome === 'success')).toBe(true);
  });
});

describe('committed, transition failed', () => {
  it('records the pending transition, offers retry-transition to a releaser, and retrying moves the issue', async () => {
    const key = await newIssue('Flaky tracker');
    const name = 'flaky_tst';
    expect((await call(createTestRoute, 'POST', '/api/v1/tests', 'erin', {}, { name, definition: { ...structuredClone(SEED), salt: `&${name}` }, issueKey: key })).status).toBe(201);
    for (const to of ['In Progress', 'QA Ready']) expect((await transition(key, to)).status).toBe(200);
    tracker.failNext = true;
    const promoted = await promote(name, { from: 'trunk', to: 'qa', issueKey: key });
    expect(promoted.status).toBe(201);
    expect(promoted.json.outcome).toBe('partial-success');
    expect(promoted.json.issue.transitionError).toContain(`Retry the transition to 'In QA' from the issue page (POST /api/v1/issues/${key}/retry-transition)`);
    const read = (await issue(key, 'rex')).json;
    expect(read).toMatchObject({ status: 'QA Ready', pendingTransition: { to: 'In QA', error: 'The tracker did not answer.' } });
    expect(read.allowedActions).toContain('retry-transition');
    expect((await call(retryRoute, 'POST', `/api/v1/issues/${key}/retry-transition`, 'erin', { key }, {})).status).toBe(403);
    const retried = await call(retryRoute, 'POST', `/api/v1/issues/${key}/retry-transition`, 'rex', { key }, {});
    expect(retried.status).toBe(200);
    expect(retried.json).toMatchObject({ from: 'QA Ready', to: 'In QA' });
    expect((await issue(key, 'rex')).json.pendingTransition).toBeNull();
    const again = await call(retryRoute, 'POST', `/api/v1/issues/${key}/retry-transition`, 'rex', { key }, {});
    expect(again.json.code).toBe('ISSUE_STATE_NOT_ALLOWED');
  });
});

describe('refusals name the rule and the fix', () => {
  it('a reason is required for rollback, stop, waiver and override', async () => {
    const error = await caught(() => verifyIssue(services, { username: 'quinn', displayName: 'Quinn QA', email: null, role: 'qa' }, { key: 'PROTEST-999' }));
    expect(error.code).toBe('NOT_FOUND');
    const stop = await call(stopRoute, 'POST', '/api/v1/tests/auto_tst/stop', 'rex', { name: 'auto_tst' }, { reason: '   ' });
    expect(stop.status).toBe(422);
    expect(stop.json.message).toBe('An emergency stop needs a reason: say why, for the audit log and the issue.');
  });
});
