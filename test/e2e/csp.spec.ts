import { expect, test, type Page } from '@playwright/test';

/**
 * The Content-Security-Policy (proxy.ts) against the app's own pages in Chromium: every page loads and works with no
 * violation report, no console error and no failed request (the icon included); an injected inline script is blocked.
 */

interface Observed {
  violations: string[];
  problems: string[];
}

async function watch(page: Page): Promise<Observed> {
  const observed: Observed = { violations: [], problems: [] };
  await page.exposeFunction('__reportCspViolation', (text: string) => observed.violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) =>
      (window as unknown as { __reportCspViolation: (text: string) => void }).__reportCspViolation(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'} at ${event.sourceFile}:${event.lineNumber}`),
    );
  });
  page.on('console', (message) => {
    // Failed loads are reported by the response listener below (which knows the expected 404 documents).
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) observed.problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => observed.problems.push(`page error: ${error.message}`));
  page.on('response', (response) => {
    const expected404 = response.request().resourceType() === 'document' && response.status() === 404;
    if (response.status() >= 400 && !expected404) observed.problems.push(`${response.status()} ${response.url()}`);
  });
  return observed;
}

const origin = () => new URL(process.env.E2E_BASE_URL!).origin;
/** Room for pages to appear on a loaded machine (a wait, not a claim about speed). */
const APPEAR = { timeout: 30_000 };

test.describe.configure({ timeout: 240_000 });

test('the sign-in page loads and signs in under the policy', async ({ page }) => {
  const observed = await watch(page);
  await page.goto('/login');
  await page.getByLabel('Username').fill('avery');
  await page.getByLabel('Password').fill('demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Tests' })).toBeVisible(APPEAR);
  expect(observed).toEqual({ violations: [], problems: [] });
});

test('every page loads with no CSP violation, console error or failed request', async ({ page }) => {
  const observed = await watch(page);
  await page.request.post('/api/v1/session', { data: { username: 'avery', password: 'demo' }, headers: { origin: origin() } });
  const pages: Array<[string, RegExp | string]> = [
    ['/tests', 'Tests'],
    ['/tests/checkout_button_color', 'checkout_button_color'],
    ['/tests/checkout_button_color?tab=history', 'checkout_button_color'],
    ['/tests/checkout_button_color?tab=diff', 'checkout_button_color'],
    ['/issues', 'Issues'],
    ['/activity', 'Activity'],
    ['/matrix', 'Test matrix'],
    ['/consumers', 'Consumers'],
    ['/tokens', /API tokens/],
    ['/admin/users', 'Users and roles'],
    ['/admin/audit', 'Audit log'],
    ['/tests/does_not_exist', 'Not found'],
  ];
  for (const [path, heading] of pages) {
    await page.goto(path);
    await expect(page.getByRole('heading', { name: heading, level: 1 }).first(), path).toBeVisible(APPEAR);
    await page.waitForLoadState('networkidle');
    expect(observed, path).toEqual({ violations: [], problems: [] });
  }

  // The editor: CodeMirror injects its styles and must stay editable.
  await page.goto('/tests/checkout_button_color/edit');
  await page.getByRole('tab', { name: 'JSON' }).click();
  const editor = page.locator('.cm-content').first();
  await expect(editor).toBeVisible(APPEAR);
  await editor.click();
  await page.keyboard.press('End');
  await page.keyboard.type(' ');
  await page.waitForLoadState('networkidle');
  expect(observed, 'editor').toEqual({ violations: [], problems: [] });

  // Client-side navigation (RSC requests, no new document) stays clean as well.
  await page.goto('/tests');
  await page.getByRole('link', { name: 'Issues' }).first().click();
  await expect(page.getByRole('heading', { name: 'Issues', level: 1 })).toBeVisible(APPEAR);
  expect(observed, 'client navigation').toEqual({ violations: [], problems: [] });
});

test('an injected inline handler is blocked and reported (the watch above can see violations)', async ({ page }) => {
  const observed = await watch(page);
  await page.goto('/login');
  // The classic stored-XSS shape: markup with an inline event handler, inserted into the page.
  await page.evaluate(() => {
    const holder = document.createElement('div');
    holder.innerHTML = '<img src="data:," onload="window.__injected = true" onerror="window.__injected = true">';
    document.body.appendChild(holder);
  });
  await expect.poll(() => observed.violations.length).toBeGreaterThan(0);
  expect(observed.violations[0]).toMatch(/^script-src/);
  expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected === true)).toBe(false);
});
