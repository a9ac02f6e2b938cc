/**
 * Issue #16 "Release safety" in the browser: the workflow is a gate nobody walks alone, risky changes never auto-promote,
 * production gets what QA verified unless a releaser overrides it on the record, and rollback and stop are one action.
 * Setup goes through the real API as the demo accounts (erin editor, rex releaser, quinn QA analyst, avery admin).
 */
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { apiToken, signIn, uniqueTestName } from './support/session';
import { createTestWithIssue, expectAccessible } from './support/ui';

type Tokens = Record<'erin' | 'rex' | 'quinn' | 'avery', string>;
let tokens: Tokens;

test.beforeAll(async ({ request }) => {
  tokens = {
    erin: await apiToken(request, 'erin'),
    rex: await apiToken(request, 'rex'),
    quinn: await apiToken(request, 'quinn'),
    avery: await apiToken(request, 'avery'),
  };
});

async function call<T>(request: APIRequestContext, who: keyof Tokens, method: 'get' | 'post' | 'put', url: string, data?: unknown): Promise<T> {
  const response = await request[method](url, { headers: { authorization: `Bearer ${tokens[who]}` }, data });
  expect(response.ok(), `${who} ${method.toUpperCase()} ${url}: ${response.status()} ${await response.text()}`).toBe(true);
  return (await response.json()) as T;
}

const transition = (request: APIRequestContext, key: string, to: string) => call(request, 'erin', 'post', `/api/v1/issues/${key}/transitions`, { to });
const liveRevision = async (request: APIRequestContext, name: string, env: string) => (await call<{ revision: string }>(request, 'erin', 'get', `/api/v1/tests/${name}?env=${env}`)).revision;

async function promote(request: APIRequestContext, name: string, to: 'qa' | 'production', issueKey: string, from: 'trunk' | 'qa' = 'trunk') {
  const revision = await liveRevision(request, name, from);
  const targetRevision = await request.get(`/api/v1/tests/${name}?env=${to}`, { headers: { authorization: `Bearer ${tokens.rex}` } }).then(async (r) => (r.ok() ? ((await r.json()).revision as string) : null));
  return call<{ revision: string }>(request, 'rex', 'post', `/api/v1/tests/${name}/promotions`, { from, to, revision, targetRevision, issueKey });
}

/** A fresh test (a copy of checkout_button_color) under a fresh issue, taken to QA Ready by its author. */
async function resolvedTest(request: APIRequestContext, prefix: string) {
  const name = uniqueTestName(prefix);
  const { issueKey } = await createTestWithIssue(request, name);
  await transition(request, issueKey, 'In Progress');
  await transition(request, issueKey, 'QA Ready');
  return { name, issueKey };
}

/** …then promoted to qa (rex), verified (quinn) and promoted to production (rex): the issue is In Production. */
async function releasedTest(request: APIRequestContext, prefix: string) {
  const { name, issueKey } = await resolvedTest(request, prefix);
  await promote(request, name, 'qa', issueKey);
  await call(request, 'quinn', 'post', `/api/v1/issues/${issueKey}/verify`, {});
  await promote(request, name, 'production', issueKey, 'qa');
  return { name, issueKey };
}

async function asUser(page: Page, username: string) {
  await signIn(page, username);
}

test('the solo walk is impossible: no manual In QA / In Production, the author cannot verify, QA can verify but not edit or promote', async ({ browser, request }) => {
  const { name, issueKey } = await resolvedTest(request, 'rs_solo');
  const erin = await (await browser.newContext()).newPage();
  await asUser(erin, 'erin');
  await erin.goto(`/issues/${issueKey}`);
  const moves = erin.getByRole('group', { name: 'Move the issue' });
  // QA Ready: "Promote to QA → In QA" is not a button anyone can press; it happens through a promotion.
  await expect(erin.locator('[data-issue-status]').first()).toHaveText('QA Ready');
  await expect(erin.getByRole('button', { name: /In QA/ })).toHaveCount(0);
  await expect(moves.getByRole('button', { name: /In Production/ })).toHaveCount(0);

  await promote(request, name, 'qa', issueKey);
  await erin.reload();
  await expect(erin.locator('[data-issue-status]').first()).toHaveText('In QA');
  await expect(erin.getByRole('button', { name: /In Production/ })).toHaveCount(0);
  // erin authored the change: Verify is not hers, and the page says why.
  await expect(erin.getByRole('button', { name: /Verify/ })).toBeDisabled();
  await expect(erin.getByTestId('separation-of-duties')).toContainText('you authored a change linked to it');
  await expect(erin.getByTestId('separation-of-duties')).toContainText('an admin can waive');
  // Nor can she take the plain "→ Production Ready" transition instead.
  await expect(moves.getByRole('button', { name: /Production Ready/ })).toHaveCount(0);

  const quinn = await (await browser.newContext()).newPage();
  await asUser(quinn, 'quinn');
  await quinn.goto(`/issues/${issueKey}`);
  await quinn.getByLabel('What you checked (optional)').fill('checked in qa: fr-CA excluded');
  await quinn.getByRole('button', { name: 'Verify → Production Ready' }).click();
  await expect(quinn.getByRole('status').filter({ hasText: 'verified' })).toContainText('Production Ready');
  await expect(quinn.locator('[data-issue-status]').first()).toHaveText('Production Ready');
  // The verified revision is on the issue.
  const qaRevision = await liveRevision(request, name, 'qa');
  await expect(quinn.getByRole('list', { name: 'Verified revisions' })).toContainText(qaRevision.slice(0, 7));
  await expectAccessible(quinn, 'issue page (qa analyst)');

  // quinn cannot edit or promote, and is told so.
  await quinn.goto(`/tests/${name}`);
  await expect(quinn.getByRole('link', { name: 'Edit' })).toHaveCount(0);
  await expect(quinn.getByRole('button', { name: 'Promote…' })).toHaveCount(0);
  await expect(quinn.getByTestId('promote-not-allowed')).toContainText('need the releaser role; you are a qa');
});

test('a change that moves users between active buckets is refused for auto-promotion in the save dialog, with the share', async ({ page, request }) => {
  const { name, issueKey } = await releasedTest(request, 'rs_drift');
  await asUser(page, 'erin');
  await page.goto(`/tests/${name}/edit`);
  // US: 40/20/20/20 → 25/25/25/25 moves users between control, green and orange.
  for (const [range, value] of [[1, '25'], [2, '25'], [3, '25'], [4, '25']] as const) await page.getByLabel(`Allocation 1 range ${range} percent`).fill(value);
  await page.getByRole('button', { name: 'Save…' }).click();
  const dialog = page.getByRole('dialog');
  const plan = dialog.getByTestId('auto-promotion-plan');
  await expect(plan).toHaveAttribute('data-eligible', 'false');
  await expect(plan).toContainText(/\d+(\.\d+)?% of .*users .*switch/);
  await expect(dialog.getByRole('checkbox', { name: 'Auto-promote to qa and production' })).toBeDisabled();
  // The same drift panel as the editor's, against what production holds.
  await expect(dialog.getByTestId('drift-warning').first()).toContainText('would switch between active buckets');
  // What will be committed, before saving.
  await expect(dialog.getByTestId('save-changes')).toContainText(/25%/);
  await dialog.locator('#save-issue').fill(issueKey);
  await expect(dialog.locator('[data-issue-valid="yes"]')).toContainText(issueKey);
  await expectAccessible(page, 'save dialog (drift refused)');
  // The drift is also one of the editor's warnings (issue #17): saving to trunk anyway is acknowledged first.
  await dialog.getByLabel('I have read the warnings and want to save anyway').check();
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  const confirmation = dialog.getByTestId('save-confirmation');
  await expect(confirmation).toContainText(`under ${issueKey}`);
  const trunk = await liveRevision(request, name, 'trunk');
  await expect(confirmation).toContainText(`revision ${trunk.slice(0, 7)}`);
  await expect(confirmation).not.toContainText('Auto-promoted');
});

test('an allocation-only change that moves nobody auto-promotes after the production confirmation; the audit log has both promotions', async ({ page, request }) => {
  const { name, issueKey } = await releasedTest(request, 'rs_auto');
  await asUser(page, 'erin');
  await page.goto(`/tests/${name}/edit`);
  // US: 40/20/20/20 → 30/30/20/20: control grows into inactive space only.
  await page.getByLabel('Allocation 1 range 1 percent').fill('30');
  await page.getByLabel('Allocation 1 range 2 percent').fill('30');
  await page.getByRole('button', { name: 'Save…' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByTestId('auto-promotion-plan')).toHaveAttribute('data-eligible', 'true');
  await dialog.locator('#save-issue').fill(issueKey);
  await expect(dialog.locator('[data-issue-valid="yes"]')).toBeVisible();
  await dialog.getByRole('checkbox', { name: 'Auto-promote to qa and production' }).check();
  const save = dialog.getByRole('button', { name: 'Save and promote to PRODUCTION' });
  // The production confirmation comes first.
  await expect(save).toBeDisabled();
  await dialog.getByRole('checkbox', { name: /this changes what real users get in PRODUCTION/ }).check();
  // Control now differs in size from green and orange: Proctor warns, and the warnings are acknowledged as usual.
  await dialog.getByRole('checkbox', { name: 'I have read the warnings and want to save anyway' }).check();
  await save.click();
  const confirmation = dialog.getByTestId('save-confirmation');
  await expect(confirmation).toContainText('Auto-promoted to PRODUCTION');
  const [qa, production] = [await liveRevision(request, name, 'qa'), await liveRevision(request, name, 'production')];
  await expect(confirmation).toContainText(`Auto-promoted to qa: now at ${qa.slice(0, 7)}`);
  await expect(confirmation).toContainText(`Auto-promoted to PRODUCTION: now at ${production.slice(0, 7)}`);
  await expect(confirmation).toContainText(issueKey);

  // One promotion entry per environment, marked automatic (the releaser's earlier promotions are not).
  const audit = await call<{ entries: { action: string; target: string | null; details: { to?: string; automatic?: boolean } | null }[] }>(request, 'avery', 'get', '/api/v1/audit?limit=200');
  const automatic = audit.entries.filter((entry) => entry.action === 'test.promote' && entry.target === `test:${name}` && entry.details?.automatic === true);
  expect(automatic.map((entry) => entry.details?.to).sort()).toEqual(['production', 'qa']);
});

test('production promotion defaults to the QA-verified revision; another one needs the recorded override', async ({ page, request }) => {
  const { name, issueKey } = await resolvedTest(request, 'rs_verified');
  await promote(request, name, 'qa', issueKey);
  await call(request, 'quinn', 'post', `/api/v1/issues/${issueKey}/verify`, {});
  const verified = await liveRevision(request, name, 'qa');
  // erin edits trunk after the verification: the newest trunk revision was never in qa.
  const trunk = await call<{ revision: string; definition: Record<string, unknown> }>(request, 'erin', 'get', `/api/v1/tests/${name}?env=trunk`);
  const edited = await call<{ revision: string }>(request, 'erin', 'put', `/api/v1/tests/${name}`, {
    definition: { ...trunk.definition, description: 'Edited after QA verified it' },
    baseRevision: trunk.revision,
    issueKey,
  });

  await asUser(page, 'rex');
  await page.goto(`/tests/${name}`);
  await page.getByRole('button', { name: 'Promote…' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('radio', { name: /production/i }).check();
  // The default is what QA verified, and the issue key comes from the commit.
  await expect(dialog.getByTestId('verified-revision')).toContainText(`QA verified ${verified.slice(0, 7)}`);
  await expect(dialog.locator('#promote-source option:checked')).toContainText('verified in qa');
  await expect(dialog.getByLabel('Issue key')).toHaveValue(issueKey);
  await expect(dialog.getByTestId('not-verified')).toHaveCount(0);
  await expect(dialog.getByRole('list', { name: 'Summary of changes' }).or(dialog.getByText('Same definition'))).toBeVisible();
  await expectAccessible(page, 'promote dialog (verified default)');

  // Choosing the newer trunk revision: the dialog says it was not verified; Promote stays off until the override.
  const newest = await dialog.locator('#promote-source option', { hasText: `trunk ${edited.revision.slice(0, 7)}` }).getAttribute('value');
  await dialog.locator('#promote-source').selectOption(newest!);
  const warning = dialog.getByTestId('not-verified');
  // (As a trunk revision: the one qa was promoted from.)
  await expect(warning).toContainText(`Verified revision ${trunk.revision.slice(0, 7)} ≠ revision you are promoting ${edited.revision.slice(0, 7)}`);
  await dialog.getByRole('checkbox', { name: /PRODUCTION/ }).check();
  await expect(dialog.getByRole('button', { name: /PRODUCTION/ })).toBeDisabled();
  await warning.getByText('Promote this unverified revision anyway…').click();
  await warning.getByRole('checkbox', { name: /Not verified in qa: promote anyway/ }).check();
  await expect(dialog.getByRole('button', { name: 'Promote unverified to PRODUCTION' })).toBeDisabled();
  await warning.getByLabel('Reason for the override (required)').fill('Description-only fix, urgent for the launch');
  await dialog.getByRole('button', { name: 'Promote unverified to PRODUCTION' }).click();
  await expect(dialog.getByRole('status').filter({ hasText: 'Promoted to production' })).toBeVisible();
  // The dialog closes by itself; the result stays beside the button.
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('promote-result')).toContainText('Promoted to production');

  // The issue shows the override, by whom and why.
  await page.goto(`/issues/${issueKey}`);
  await expect(page.getByTestId('promotion-overrides')).toContainText('Description-only fix, urgent for the launch');
  await expect(page.getByTestId('promotion-overrides')).toContainText('rex');
});

test('rollback of production and the emergency stop are one action each while the issue is In Production', async ({ browser, request }) => {
  const { name, issueKey } = await releasedTest(request, 'rs_rollback');
  const first = await liveRevision(request, name, 'production');
  // A second release under a second cycle of the same issue is not possible once In Production: auto-promote an
  // allocation-only change (moves nobody) so production has an earlier revision to go back to.
  const trunk = await call<{ revision: string; definition: { allocations: { ranges: { bucketValue: number; length: number }[] }[] } }>(request, 'erin', 'get', `/api/v1/tests/${name}?env=trunk`);
  const definition = structuredClone(trunk.definition);
  definition.allocations[0].ranges[0].length = 0.3;
  definition.allocations[0].ranges[1].length = 0.3;
  const saved = await call<{ autoPromotion?: { status: string } }>(request, 'erin', 'put', `/api/v1/tests/${name}`, { definition, baseRevision: trunk.revision, issueKey, autoPromote: true });
  expect(saved.autoPromotion?.status).toBe('promoted');
  const second = await liveRevision(request, name, 'production');
  expect(second).not.toBe(first);

  const rex = await (await browser.newContext()).newPage();
  await asUser(rex, 'rex');
  await rex.goto(`/tests/${name}`);
  await rex.getByRole('button', { name: 'Roll back production…' }).click();
  let dialog = rex.getByRole('dialog', { name: `Roll back ${name} in PRODUCTION` });
  await expect(dialog.locator('#rollback-revision option:checked')).toContainText(first.slice(0, 7));
  const rollback = dialog.getByRole('button', { name: `Roll back production to ${first.slice(0, 7)}` });
  await expect(rollback).toBeDisabled();
  await dialog.getByLabel('Reason (required)').fill('Conversion dropped after the change');
  await dialog.getByLabel(/Issue key/).fill(issueKey);
  await dialog.getByRole('checkbox', { name: /PRODUCTION/ }).check();
  await expectAccessible(rex, 'rollback dialog');
  await rollback.click();
  await expect(dialog.getByRole('status')).toContainText('Rolled back: production is now at');
  await dialog.getByRole('button', { name: 'Close' }).click();
  const afterRollback = await call<{ definition: { allocations: { ranges: { length: number }[] }[] } }>(request, 'rex', 'get', `/api/v1/tests/${name}?env=production`);
  expect(afterRollback.definition.allocations[0].ranges[0].length).toBe(0.4);

  await rex.getByRole('button', { name: 'Stop test…' }).click();
  dialog = rex.getByRole('dialog', { name: `Stop ${name} everywhere` });
  await dialog.getByLabel('Reason (required)').fill('Checkout errors in production');
  await dialog.getByLabel(/Issue key/).fill(issueKey);
  await dialog.getByRole('checkbox', { name: /PRODUCTION too/ }).check();
  await dialog.getByRole('button', { name: 'Stop test: 100% inactive everywhere' }).click();
  await expect(dialog.getByRole('status')).toContainText('Stopped');
  for (const env of ['trunk', 'qa', 'production']) {
    const read = await call<{ definition: { allocations: { ranges: { bucketValue: number; length: number }[] }[] } }>(request, 'rex', 'get', `/api/v1/tests/${name}?env=${env}`);
    for (const allocation of read.definition.allocations) expect(allocation.ranges.filter((range) => range.length > 0).map((range) => range.bucketValue)).toEqual([-1]);
  }
  // The trail: history ("Rollback of …"), the issue and the audit log.
  const history = await call<{ entries: { message: string }[] }>(request, 'rex', 'get', `/api/v1/tests/${name}/history?env=production`);
  expect(history.entries.map((entry) => entry.message).join('\n')).toContain(`Rollback of ${name} in production to ${first.slice(0, 7)}: Conversion dropped after the change`);
  const issue = await call<{ status: string }>(request, 'rex', 'get', `/api/v1/issues/${issueKey}`);
  expect(issue.status).toBe('In Production');
  const audit = await call<{ entries: { action: string; target: string | null }[] }>(request, 'avery', 'get', '/api/v1/audit?limit=100');
  const actions = audit.entries.filter((entry) => entry.target === `test:${name}`).map((entry) => entry.action);
  expect(actions.some((action) => /rollback/.test(action))).toBe(true);
  expect(actions.some((action) => /stop/.test(action))).toBe(true);

  // Lower roles do not get the actions, and are told why.
  const erin = await (await browser.newContext()).newPage();
  await asUser(erin, 'erin');
  await erin.goto(`/tests/${name}`);
  await expect(erin.getByRole('button', { name: 'Roll back production…' })).toHaveCount(0);
  await expect(erin.getByRole('button', { name: 'Stop test…' })).toHaveCount(0);
  await expect(erin.getByTestId('promote-not-allowed')).toContainText('rolling back and stopping the test need the releaser role');
});
