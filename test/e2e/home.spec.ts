import { expect, test } from '@playwright/test';
import { readdirSync } from 'node:fs';

const exampleTests = readdirSync('proctor-data/test-definitions', { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

test('the home page lists every example test of proctor-data as valid', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Proctor Studio' })).toBeVisible();
  const rows = page.locator('tr[data-test-name]');
  await expect(rows).toHaveCount(exampleTests.length);
  for (const name of exampleTests) {
    await expect(page.locator(`tr[data-test-name="${name}"]`)).toContainText('valid');
  }
  await page.screenshot({ path: 'test-results/home.png', fullPage: true });
});
