// Screenshots of every page at 1280×800 for the README: docs/screenshots/*.png.
// Usage: node scripts/screenshots.mjs            (needs `npm run build` first; starts `next start` on a temp data dir)
//        SCREENSHOT_BASE_URL=http://127.0.0.1:3000 node scripts/screenshots.mjs   (use a running server with demo data)
//        SCREENSHOT_DARK=1 … also writes *-dark.png
//        SCREENSHOT_ONLY=issue,activity … only these shots (names without -dark / -390)
// Pages people read on a phone are also taken 390 px wide, the whole page: *-390.png (and *-390-dark.png).
//        SCREENSHOT_SET=results … the results pages (demo traffic from the simulator), light and dark (docs/screenshots/results-*.png)
//        SCREENSHOT_SET=editor or release … only the editor or the release pages at 1280 and 390 px, light and dark (docs/screenshots/editor-*.png)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { releaseShots } from './screenshots-release.mjs';
import { resultsShots } from './screenshots-results.mjs';

const outDir = process.env.SCREENSHOT_DIR || 'docs/screenshots';
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
mkdirSync(outDir, { recursive: true });

async function waitFor(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000}s`);
}

async function startServer() {
  const port = Number(process.env.SCREENSHOT_PORT || 3291);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'proctor-screens-'));
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['node_modules/next/dist/bin/next', 'start', '-p', String(port), '-H', '127.0.0.1'], {
    env: { ...process.env, PROCTOR_DATA_DIR: dataDir, PROCTOR_DEMO: '1', PROCTOR_PUBLIC_URL: base },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await waitFor(`${base}/api/health`, 120_000);
  return { base, stop: () => (child.kill('SIGTERM'), rmSync(dataDir, { recursive: true, force: true })) };
}

// The application started for the Consumers and Usage shots requires this seeded test (it is on qa).
const USAGE_TEST = 'new_saved_jobs_page';

/** A Proctor client process (test/support/distribution-client-process.ts) reporting itself in qa; resolves once listed. */
async function startApplication(context, base) {
  const headers = { origin: base };
  const created = await context.request.post('/api/v1/consumers/tokens', { data: { name: 'jobs-web qa', environment: 'qa' }, headers });
  if (!created.ok()) throw new Error(`application token: ${created.status()} ${await created.text()}`);
  const { token } = await created.json();
  const qa = await context.request.get(`/api/v1/tests/${USAGE_TEST}?env=qa`);
  if (!qa.ok()) throw new Error(`${USAGE_TEST} on qa: ${qa.status()}`);
  const buckets = Object.fromEntries((await qa.json()).definition.buckets.map((bucket) => [bucket.name, bucket.value]));
  const options = {
    baseUrl: base,
    environment: 'qa',
    specification: { tests: { [USAGE_TEST]: { fallbackValue: -1, buckets } }, providedContext: { loggedIn: 'boolean', country: 'String' } },
    application: { name: 'jobs-web', version: '2.3.0', instanceId: 'jobs-web-1' },
    token,
    heartbeatIntervalMs: 5000,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/distribution-client-process.ts', JSON.stringify(options)], { stdio: ['pipe', 'ignore', 'inherit'] });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const listed = await context.request.get('/api/v1/consumers?env=qa');
    if (listed.ok() && (await listed.json()).environments[0].applications.some((entry) => entry.application === 'jobs-web')) return child;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  child.kill('SIGTERM');
  throw new Error('the application did not report itself within 30 s');
}

/**
 * The editor at 1280 and 390 px, light and dark: the form, an allocation change with its drift preview and a field
 * error counted in Problems, the JSON view scrolled sideways (the gutter stays opaque), and a new test's templates.
 */
async function editorShots(browser, base) {
  const test = 'search_ranking_algo';
  for (const scheme of ['light', 'dark']) {
    for (const width of [1280, 390]) {
      const context = await browser.newContext({ viewport: { width, height: width === 390 ? 844 : 800 }, colorScheme: scheme, baseURL: base });
      const signIn = await context.request.post('/api/v1/session', { data: { username: 'erin', password: 'demo' }, headers: { origin: base } });
      if (!signIn.ok()) throw new Error(`sign-in failed: ${signIn.status()}`);
      const page = await context.newPage();
      const name = (part) => path.join(outDir, `editor-${part}-${width}${scheme === 'dark' ? '-dark' : ''}.png`);
      const open = async (url) => {
        await page.goto(url);
        await page.waitForLoadState('networkidle');
        await page.locator('main h1').first().waitFor();
      };
      await open(`/tests/${test}/edit`);
      await page.screenshot({ path: name('form') });
      await page.getByLabel('Allocation 2 range 1 percent').fill('70');
      await page.getByLabel('Allocation 2 range 3 percent').fill('20');
      await page.getByLabel('Allocation 1 range 1 percent').fill('abc');
      await page.getByTestId('suggested-layout').waitFor();
      await page.getByRole('listitem', { name: 'Allocation 2' }).getByTestId('drift-preview').scrollIntoViewIfNeeded();
      await page.screenshot({ path: name('drift') });
      await page.getByTestId('issue-summary').scrollIntoViewIfNeeded();
      await page.screenshot({ path: name('problems') });
      await open(`/tests/${test}/edit`);
      // The edits above were kept as a draft; the JSON shot is of the test as stored.
      for (const discard of await page.getByRole('button', { name: 'Discard' }).all()) await discard.click();
      await page.getByRole('tab', { name: 'JSON' }).click();
      await page.locator('.cm-scroller').evaluate((el) => (el.scrollLeft = 120));
      await page.screenshot({ path: name('json') });
      await open('/tests/new');
      await page.screenshot({ path: name('new') });
      console.log(`editor-*-${width}${scheme === 'dark' ? '-dark' : ''}.png`);
      await context.close();
    }
  }
}

const shotSet = process.env.SCREENSHOT_SET;
const server = process.env.SCREENSHOT_BASE_URL ? { base: process.env.SCREENSHOT_BASE_URL, stop: () => {} } : await startServer();
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
try {
  for (const scheme of shotSet ? [] : process.env.SCREENSHOT_DARK ? ['light', 'dark'] : ['light']) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: scheme, baseURL: server.base });
    const page = await context.newPage();
    const suffix = scheme === 'dark' ? '-dark' : '';
    const only = process.env.SCREENSHOT_ONLY?.split(',').map((name) => name.trim());
    const shot = async (name, url, prepare, target = page, options = {}) => {
      if (only && !only.includes(name.replace(/-390$/, ''))) return;
      await target.goto(url);
      // Pages stream in after the loading skeleton: wait for the real heading.
      await target.waitForLoadState('networkidle');
      await target.locator('main h1').first().waitFor();
      if (prepare) await prepare();
      await target.screenshot({ path: path.join(outDir, `${name}${suffix}.png`), ...options });
      console.log(`${name}${suffix}.png  ${url}`);
    };
    await shot('login', '/login');
    const signIn = await context.request.post('/api/v1/session', { data: { username: 'avery', password: 'demo' }, headers: { origin: server.base } });
    if (!signIn.ok()) throw new Error(`sign-in failed: ${signIn.status()}`);
    await shot('tests', '/tests');
    if (only) await page.goto('/tests');
    const first = await page.locator('tr[data-test-name]').first().getAttribute('data-test-name');
    const test = process.env.SCREENSHOT_TEST || first;
    await shot('test-overview', `/tests/${test}`);
    await shot('test-history', `/tests/${test}?tab=history`);
    await shot('test-diff', `/tests/${test}?tab=diff&from=production&to=trunk`);
    await shot('test-definition', `/tests/${test}?tab=definition`);
    await shot('test-bucket-check', `/tests/${test}?tab=bucket-check`, async () => {
      await page.getByLabel('Identifier', { exact: true }).fill('user-123');
      await page.getByLabel('Context variables', { exact: true }).fill('country=US, lang=en');
      await page.getByRole('button', { name: 'Check bucket' }).click();
      await page.getByRole('table', { name: 'Bucket per environment' }).waitFor();
    });
    await shot('test-promote', `/tests/${test}`, async () => {
      await page.getByRole('button', { name: 'Promote…' }).click();
      await page.getByLabel('Issue key').fill('PROTEST-1');
      await page.getByText(/is \w/).first().waitFor().catch(() => {});
      await page.waitForTimeout(600);
    });
    await shot('editor-edit', `/tests/${test}/edit`);
    await shot('editor-new', '/tests/new');
    // The seed's deliberate rule mistake, as the rule helper shows it.
    await shot('editor-rule-helper', '/tests/salary_estimate_banner/edit', async () => {
      await page.getByText(/rule helper/i).first().scrollIntoViewIfNeeded();
    });
    await shot('issues', '/issues');
    await page.goto('/issues');
    const issueKey = await page.locator('[data-issue-key]').first().getAttribute('data-issue-key');
    // The issue page with a conversation: a QA note as a comment (once per data folder).
    const issuePath = `/issues/${issueKey}`;
    const detail = await (await context.request.get(`/api/v1/issues/${issueKey}`)).json();
    if (!detail.comments?.some((comment) => comment.body.startsWith('Verified in qa'))) {
      await context.request.post(`/api/v1/issues/${issueKey}/comments`, { data: { body: 'Verified in qa: fr-CA is excluded, en-US and en-CA get the banner.' }, headers: { origin: server.base } });
    }
    if (issueKey) await shot('issue', issuePath);
    await shot('activity', '/activity');
    // 390 px wide (a phone), the whole page.
    const narrow = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: scheme, baseURL: server.base, storageState: await context.storageState() });
    const phone = await narrow.newPage();
    if (issueKey) await shot('issue-390', issuePath, undefined, phone, { fullPage: true });
    await shot('activity-390', '/activity', undefined, phone, { fullPage: true });
    await narrow.close();
    await shot('matrix', '/matrix');
    // Consumers and a test's Usage tab with a real application reporting itself (lib/client in a child process).
    const app = only && !only.includes('consumers') && !only.includes('test-usage') ? { kill: () => {} } : await startApplication(context, server.base);
    try {
      await shot('consumers', '/consumers');
      await shot('test-usage', `/tests/${USAGE_TEST}?tab=usage`);
    } finally {
      app.kill('SIGTERM');
    }
    await shot('tokens', '/tokens');
    await shot('admin-users', '/admin/users');
    await shot('admin-audit', '/admin/audit');
    await shot('not-found', '/tests/no_such_test_here');
    await context.close();
  }
  if (!shotSet || shotSet === 'editor') await editorShots(browser, server.base);
  // The release-safety dialogs and issue page, at 1280 and 390 px (they change state: last).
  if (!shotSet || shotSet === 'results') await resultsShots({ browser, base: server.base, outDir, schemes: shotSet ? ['light', 'dark'] : process.env.SCREENSHOT_DARK ? ['light', 'dark'] : ['light'] });
  if (!shotSet || shotSet === 'release') await releaseShots({ browser, base: server.base, outDir, schemes: process.env.SCREENSHOT_DARK ? ['light', 'dark'] : ['light'] });
} finally {
  await browser.close();
  server.stop();
}
