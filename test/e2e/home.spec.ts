import { expect, test } from '@playwright/test';
import { readdirSync } from 'node:fs';
import { expectAccessible } from './support/ui';

const exampleTests = readdirSync('proctor-data/test-definitions', { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

test('signing in through the form lands on the tests list with every seeded test', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login\?next=/);
  await expectAccessible(page, 'sign-in');
  await page.getByLabel('Username').fill('vera');
  await page.getByLabel('Password').fill('wrong-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await page.getByLabel('Password').fill('demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Tests' })).toBeVisible();
  await expect(page.getByTestId('current-user')).toContainText('viewer');
  for (const name of exampleTests) await expect(page.locator(`tr[data-test-name="${name}"]`)).toBeVisible();
  await expectAccessible(page, 'tests list');
});

test('dark mode and a narrow screen keep the tests list usable and accessible', async ({ browser }) => {
  const context = await browser.newContext({ colorScheme: 'dark', viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.request.post('/api/v1/session', { data: { username: 'quinn', password: 'demo' }, headers: { origin: new URL(process.env.E2E_BASE_URL!).origin } });
  await page.goto('/tests');
  await expect(page.getByRole('heading', { name: 'Tests' })).toBeVisible();
  await expect(page.getByRole('searchbox', { name: 'Search' })).toBeVisible();
  await expectAccessible(page, 'tests list (dark, narrow)');
  await context.close();
});
