// Screenshots of the release-safety pages (issue #16): the save dialog refusing auto-promotion for a drift-moving
// change, the promote dialog when the chosen revision is not the one QA verified, and the issue page when the author
// may not verify (and once QA verified). 1280×800 and 390×844, light and dark: docs/screenshots/release-*.png.
// Called by scripts/screenshots.mjs; alone: SCREENSHOT_BASE_URL=http://127.0.0.1:3000 node scripts/screenshots-release.mjs
import { readFileSync } from 'node:fs';
import path from 'node:path';

const SIZES = [
  { label: '', viewport: { width: 1280, height: 800 } },
  { label: '-390', viewport: { width: 390, height: 844 } },
];

async function apiAs(browser, base, username) {
  const context = await browser.newContext({ baseURL: base });
  const login = await context.request.post('/api/v1/session', { data: { username, password: 'demo' }, headers: { origin: base } });
  if (!login.ok()) throw new Error(`sign-in as ${username}: ${login.status()}`);
  const call = async (method, url, data) => {
    const response = await context.request[method](url, { data, headers: { origin: base } });
    if (!response.ok()) throw new Error(`${username} ${method} ${url}: ${response.status()} ${await response.text()}`);
    return response.json();
  };
  return { context, call };
}

/** A copy of checkout_button_color under a fresh issue: promoted to qa, then edited on trunk (not what is in qa). */
async function prepare(browser, base) {
  const name = `release_shots_${Date.now().toString(36)}`;
  const erin = await apiAs(browser, base, 'erin');
  const rex = await apiAs(browser, base, 'rex');
  const quinn = await apiAs(browser, base, 'quinn');
  const { key } = await erin.call('post', '/api/v1/issues', { type: 'ProTest', summary: 'Checkout button: try orange in the US' });
  const definition = JSON.parse(readFileSync('proctor-data/test-definitions/checkout_button_color/definition.json', 'utf8'));
  await erin.call('post', '/api/v1/tests', { name, definition, issueKey: key, comment: 'Copy for the screenshots' });
  await erin.call('post', `/api/v1/issues/${key}/transitions`, { to: 'In Progress' });
  await erin.call('post', `/api/v1/issues/${key}/transitions`, { to: 'QA Ready' });
  const trunk = await rex.call('get', `/api/v1/tests/${name}?env=trunk`);
  await rex.call('post', `/api/v1/tests/${name}/promotions`, { from: 'trunk', to: 'qa', revision: trunk.revision, targetRevision: null, issueKey: key });
  // QA verifies and production gets it: the save dialog's drift panel compares against production.
  await quinn.call('post', `/api/v1/issues/${key}/verify`, { comment: 'Orange shows in qa for US users' });
  const qa = await rex.call('get', `/api/v1/tests/${name}?env=qa`);
  await rex.call('post', `/api/v1/tests/${name}/promotions`, { from: 'qa', to: 'production', revision: qa.revision, targetRevision: null, issueKey: key });
  const issueInProduction = key;
  // A second issue verified in qa, then trunk edited: the promote dialog's "not verified" case.
  const second = await erin.call('post', '/api/v1/issues', { type: 'ProTest', summary: 'Checkout button: new description' });
  const current = await erin.call('get', `/api/v1/tests/${name}?env=trunk`);
  await erin.call('put', `/api/v1/tests/${name}`, { definition: { ...current.definition, description: 'Green or orange Place order button' }, baseRevision: current.revision, issueKey: second.key });
  await erin.call('post', `/api/v1/issues/${second.key}/transitions`, { to: 'In Progress' });
  await erin.call('post', `/api/v1/issues/${second.key}/transitions`, { to: 'QA Ready' });
  const edited = await rex.call('get', `/api/v1/tests/${name}?env=trunk`);
  const qaNow = await rex.call('get', `/api/v1/tests/${name}?env=qa`);
  await rex.call('post', `/api/v1/tests/${name}/promotions`, { from: 'trunk', to: 'qa', revision: edited.revision, targetRevision: qaNow.revision, issueKey: second.key });
  await quinn.call('post', `/api/v1/issues/${second.key}/verify`, { comment: 'Checked the description in qa' });
  const again = await erin.call('get', `/api/v1/tests/${name}?env=trunk`);
  const unverified = await erin.call('put', `/api/v1/tests/${name}`, { definition: { ...again.definition, description: 'Green or orange Place order button (copy edit)' }, baseRevision: again.revision, issueKey: second.key });
  for (const who of [erin, rex, quinn]) await who.context.close();
  return { name, issueInProduction, verifiedIssue: second.key, unverifiedRevision: unverified.revision };
}

export async function releaseShots({ browser, base, outDir, schemes }) {
  const state = await prepare(browser, base);
  for (const scheme of schemes) {
    for (const size of SIZES) {
      const suffix = `${size.label}${scheme === 'dark' ? '-dark' : ''}`;
      const as = async (username) => {
        const context = await browser.newContext({ viewport: size.viewport, colorScheme: scheme, baseURL: base });
        const login = await context.request.post('/api/v1/session', { data: { username, password: 'demo' }, headers: { origin: base } });
        if (!login.ok()) throw new Error(`sign-in as ${username}: ${login.status()}`);
        return { context, page: await context.newPage() };
      };
      const save = async (page, name) => {
        await page.screenshot({ path: path.join(outDir, `${name}${suffix}.png`) });
        console.log(`${name}${suffix}.png`);
      };

      // Save dialog: US 40/20/20/20 → 25/25/25/25 moves users between active buckets: no auto-promotion, the share named.
      {
        const { context, page } = await as('erin');
        await page.goto(`/tests/${state.name}/edit`);
        for (const range of [1, 2, 3, 4]) await page.getByLabel(`Allocation 1 range ${range} percent`).fill('25');
        await page.getByRole('button', { name: 'Save…' }).click();
        const dialog = page.getByRole('dialog');
        await dialog.locator('#save-issue').fill(state.verifiedIssue);
        await dialog.locator('[data-issue-valid]').waitFor();
        await dialog.getByTestId('auto-promotion-plan').locator('xpath=self::*[@data-eligible]').waitFor();
        await page.waitForTimeout(400);
        await save(page, 'release-save-dialog');
        await dialog.getByTestId('auto-promotion-plan').scrollIntoViewIfNeeded();
        await save(page, 'release-save-dialog-drift');
        await context.close();
      }
      // Promote dialog: production, the newest trunk revision chosen although QA verified an older one.
      {
        const { context, page } = await as('rex');
        await page.goto(`/tests/${state.name}`);
        await page.getByRole('button', { name: 'Promote…' }).click();
        const dialog = page.getByRole('dialog');
        await dialog.getByRole('radio', { name: /production/i }).check();
        await dialog.getByTestId('verified-revision').filter({ hasText: /\S/ }).waitFor();
        const value = await dialog.locator('#promote-source option', { hasText: `trunk ${state.unverifiedRevision.slice(0, 7)}` }).getAttribute('value');
        await dialog.locator('#promote-source').selectOption(value);
        await dialog.getByTestId('not-verified').waitFor();
        await page.waitForTimeout(400);
        await save(page, 'release-promote-dialog');
        await dialog.getByRole('heading', { name: /Users who would switch/ }).scrollIntoViewIfNeeded();
        await save(page, 'release-promote-dialog-changes');
        await context.close();
      }
      // Issue page: In Production, seen by its author (who may not verify) — the separation-of-duties refusal in words.
      {
        const { context, page } = await as('erin');
        await page.goto(`/issues/${state.issueInProduction}`);
        await page.locator('main h1').first().waitFor();
        await save(page, 'release-issue-author');
        await context.close();
      }
      // …and the verified issue, as the QA analyst sees it.
      {
        const { context, page } = await as('quinn');
        await page.goto(`/issues/${state.verifiedIssue}`);
        await page.locator('main h1').first().waitFor();
        await save(page, 'release-issue-verified');
        await context.close();
      }
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { chromium } = await import('@playwright/test');
  const base = process.env.SCREENSHOT_BASE_URL;
  if (!base) throw new Error('SCREENSHOT_BASE_URL is required when run alone');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    await releaseShots({ browser, base, outDir: process.env.SCREENSHOT_DIR || 'docs/screenshots', schemes: ['light', 'dark'] });
  } finally {
    await browser.close();
  }
}
