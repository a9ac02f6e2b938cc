import { expect, test } from '@playwright/test';
import { signIn } from './support/session';

test('an admin creates a user, changes their role and disables them; the account works, then stops working', async ({ page, browser }) => {
  await signIn(page, 'avery');
  await page.goto('/admin/users');
  const username = `pm_${Date.now().toString(36)}`;
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Display name').fill('Pat Product');
  await page.getByLabel('Role', { exact: true }).selectOption('viewer');
  await page.getByLabel('Password').fill('a-long-password');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('status')).toHaveText(`User ${username} created.`);
  const row = page.locator(`tr[data-username="${username}"]`);
  await expect(row).toContainText('active');

  await page.getByLabel(`Role of ${username}`).selectOption('editor');
  await expect(page.getByRole('status')).toHaveText(`${username} is now editor.`);

  // The new account signs in and has the role it was given.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await otherPage.goto('/login');
  await signIn(otherPage, username, 'a-long-password');
  const me = await otherPage.request.get('/api/v1/session');
  expect((await me.json()).user.role).toBe('editor');

  await row.getByRole('button', { name: 'Disable' }).click();
  await expect(page.getByRole('status')).toHaveText(`${username} disabled.`);
  await expect(row).toContainText('disabled');
  expect((await (await otherPage.request.get('/api/v1/session')).json()).user).toBeNull();
  await other.close();

  // Nobody can disable themselves from this page.
  await expect(page.locator('tr[data-username="avery"]').getByRole('button', { name: 'Disable' })).toHaveCount(0);
});
