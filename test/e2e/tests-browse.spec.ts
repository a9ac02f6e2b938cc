import { expect, test } from '@playwright/test';
import { signIn } from './support/session';
import { expectAccessible } from './support/ui';

test.beforeEach(async ({ page }) => {
  await signIn(page, 'quinn');
});

test('find a test with the search and filters, then read its environments side by side', async ({ page }) => {
  await page.goto('/tests');
  await page.getByRole('searchbox', { name: 'Search' }).fill('checkout button');
  await expect(page).toHaveURL(/q=checkout\+button/);
  await expect(page.locator('tr[data-test-name="company_profile_reviews"]')).toHaveCount(0);
  const row = page.locator('tr[data-test-name="checkout_button_color"]');
  await expect(row.locator('[data-env-row="production"]')).toContainText(/[0-9a-f]{7}/);

  await page.getByRole('searchbox', { name: 'Search' }).fill('');
  await page.getByLabel('Environment').selectOption('!production');
  await expect(page).toHaveURL(/env=%21production/);
  await expect(page.locator('tr[data-test-name="checkout_button_color"]')).toHaveCount(0);
  await page.getByLabel('Environment').selectOption('');
  await expect(page).not.toHaveURL(/env=/);

  await page.getByLabel('Drift').selectOption('production-behind');
  // The cleared search stays cleared, however the navigations above landed (lib/ui/filter-query.ts).
  await expect(page).toHaveURL(/drift=production-behind/);
  await expect(page).not.toHaveURL(/q=/);
  await expect(page.getByRole('searchbox', { name: 'Search' })).toHaveValue('');
  await expect(page.locator('tr[data-test-name="company_profile_reviews"]')).toContainText('trunk ahead of production');
  await expect(page.locator('tr[data-test-name="checkout_button_color"]')).toHaveCount(0);
  await page.getByLabel('Drift').selectOption('');

  await page.goto('/tests?q=checkout');
  await page.getByRole('link', { name: 'checkout_button_color' }).click();
  await expect(page.getByRole('heading', { name: 'checkout_button_color' })).toBeVisible();
  for (const env of ['trunk', 'qa', 'production']) {
    const column = page.locator(`[data-environment="${env}"]`);
    await expect(column.getByRole('heading', { name: 'Buckets' })).toBeVisible();
    await expect(column.getByRole('img', { name: /allocation 1/ })).toBeVisible();
  }
  await expectAccessible(page, 'test overview');
});

test('review the history and diff two revisions; deep links open the diff and a definition', async ({ page }) => {
  await page.goto('/tests/checkout_button_color?tab=history');
  const history = page.getByRole('list', { name: 'trunk history' });
  const entries = history.locator('li[data-revision]');
  await expect(entries).toHaveCount(2);
  await expect(entries.first()).toContainText('PROTEST-1');
  await expect(entries.first().locator('[data-env="production"]')).toContainText('live');
  await expectAccessible(page, 'history');
  const newest = await entries.nth(0).getAttribute('data-revision');
  const oldest = await entries.nth(1).getAttribute('data-revision');
  await page.getByRole('button', { name: 'Compare selected revisions' }).click();
  await expect(page).toHaveURL(new RegExp(`from=${oldest}`));
  await expect(page).toHaveURL(new RegExp(`to=${newest}`));
  await expect(page.getByRole('list', { name: 'Summary of changes' })).toBeVisible();
  await expect(page.getByRole('table', { name: /JSON diff/ })).toBeVisible();
  await expectAccessible(page, 'diff');

  await page.goto(`/tests/checkout_button_color?tab=diff&from=${oldest}&to=trunk`);
  await expect(page.getByRole('heading', { name: /What changed from/ })).toContainText(oldest!.slice(0, 7));

  // checkout_button_color is live and current: production and trunk differ only in the recorded source revision.
  await page.goto('/tests/checkout_button_color?tab=diff&from=production&to=trunk');
  await expect(page.locator('[data-diff-only-version]')).toContainText('Same definition');

  await page.goto(`/tests/checkout_button_color?tab=definition&revision=${oldest}`);
  await expect(page.getByLabel('definition.json')).toContainText('"buckets"');
  await expect(page.getByRole('link', { name: 'Download' })).toHaveAttribute('download', /definition\.json$/);
  await expectAccessible(page, 'definition');
});

test('bucket check shows the bucket per environment; errors are shown readably', async ({ page }) => {
  await page.goto('/tests/checkout_button_color?tab=bucket-check');
  await page.getByLabel('Identifier', { exact: true }).fill('user-42');
  await page.getByLabel('Context variables', { exact: true }).fill('{"country": "US"}');
  await page.getByRole('button', { name: 'Check bucket' }).click();
  const table = page.getByRole('table', { name: 'Bucket per environment' });
  await expect(table.locator('[data-bucket-env="production"]')).toContainText(/allocation 1/);
  await expectAccessible(page, 'bucket check');
  await page.getByLabel('Context variables', { exact: true }).fill('[1, 2]');
  await page.getByRole('button', { name: 'Check bucket' }).click();
  await expect(page.locator('[data-error-code]')).toContainText('/context');
});

test('a missing test and a bad revision show a readable message, not a blank page', async ({ page }) => {
  await page.goto('/tests/no_such_test_anywhere');
  await expect(page.locator('[data-error-code="NOT_FOUND"]')).toContainText('does not exist in any environment');
  await page.goto('/tests/checkout_button_color?tab=definition&revision=nothex');
  await expect(page.locator('[data-error-code]')).toContainText('revision');
  await page.goto('/this/page/does/not/exist');
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
});

test('activity, matrix, issues and tokens pages render for a viewer', async ({ page }) => {
  await page.goto('/activity');
  await expect(page.getByRole('list', { name: 'Recent changes' }).locator('li').first()).toBeVisible();
  await expectAccessible(page, 'activity');
  await page.goto('/matrix');
  await expect(page.locator('[data-matrix-env="production"]')).toContainText(/built and valid/i);
  await expect(page.getByRole('link', { name: 'Download production matrix' })).toHaveAttribute('href', '/api/v1/matrix/production');
  await expectAccessible(page, 'matrix');
  await page.goto('/issues');
  await expect(page.locator('tr[data-issue-key]').first()).toBeVisible();
  await expectAccessible(page, 'issues');
  await page.goto('/tokens');
  await expect(page.getByRole('heading', { name: 'API tokens' })).toBeVisible();
  await page.goto('/admin/users');
  await expect(page).toHaveURL(/\/forbidden\?need=admin/);
});

test('pages with a per-page title send it in <head> of the first HTML, for a browser user agent', async ({ page }) => {
  // Next streams metadata into <body> for browsers unless told not to, so ask with the browser's own user agent.
  const userAgent = await page.evaluate(() => navigator.userAgent);
  for (const [path, title] of [
    ['/tests/checkout_button_color', 'checkout_button_color · Proctor Studio'],
    ['/tests/checkout_button_color/edit', 'Edit checkout_button_color · Proctor Studio'],
    ['/issues/protest-1', 'PROTEST-1 · Proctor Studio'],
  ]) {
    const html = await (await page.request.get(path, { headers: { 'user-agent': userAgent } })).text();
    const head = html.slice(0, html.indexOf('</head>'));
    expect(head, path).toContain(`<title>${title}</title>`);
  }
});
