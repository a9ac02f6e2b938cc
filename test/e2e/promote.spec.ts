import { expect, test, type Page } from '@playwright/test';
import { signIn, uniqueTestName } from './support/session';
import { createTestWithIssue, expectAccessible } from './support/ui';

async function moveIssue(page: Page, issueKey: string, transition: RegExp) {
  await page.goto(`/issues/${issueKey}`);
  await page.getByRole('group', { name: 'Move the issue' }).getByRole('button', { name: transition }).click();
  await expect(page.getByRole('status').filter({ hasText: `${issueKey} moved` })).toBeVisible();
}

async function openPromote(page: Page, name: string, target: 'qa' | 'production', issueKey: string) {
  await page.goto(`/tests/${name}`);
  await page.getByRole('button', { name: 'Promote…' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('radio', { name: new RegExp(target, 'i') }).check();
  await dialog.getByLabel('Issue key').fill(issueKey);
  return dialog;
}

test('an editor moves the issue, a releaser promotes to qa and production; the wrong status is refused', async ({ browser, request }) => {
  const name = uniqueTestName('ui_promote');
  const { issueKey } = await createTestWithIssue(request, name);

  const editor = await (await browser.newContext()).newPage();
  await signIn(editor, 'erin');
  await moveIssue(editor, issueKey, /Start Progress/);
  await moveIssue(editor, issueKey, /Resolve/);
  await expect(editor.locator('[data-issue-status]').first()).toHaveText('QA Ready');
  await expectAccessible(editor, 'issue page');

  const releaser = await (await browser.newContext()).newPage();
  await signIn(releaser, 'rex');

  // Production first: the issue is QA Ready, so the dialog warns and the server refuses.
  let dialog = await openPromote(releaser, name, 'production', issueKey);
  await expect(dialog.locator('[data-issue-allows="no"]')).toContainText("needs 'Production Ready'");
  await dialog.getByRole('checkbox', { name: /PRODUCTION/ }).check();
  await dialog.getByRole('button', { name: 'Promote to PRODUCTION' }).click();
  await expect(dialog.getByRole('alert')).toContainText(`${issueKey} is in status 'QA Ready'`);
  await expect(dialog.getByRole('alert')).toContainText('/issueKey');
  await expectAccessible(releaser, 'promote dialog');

  // qa: allowed; the issue moves on to In QA.
  dialog = await openPromote(releaser, name, 'qa', issueKey);
  await expect(dialog.getByRole('list', { name: 'Summary of changes' })).toContainText('Test created');
  await expect(dialog.locator('[data-issue-allows="yes"]')).toBeVisible();
  await dialog.getByRole('button', { name: 'Promote to qa' }).click();
  await expect(dialog.getByRole('status').filter({ hasText: 'Promoted to qa' })).toContainText('QA Ready → In QA');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(releaser.locator('[data-live-env="qa"]')).toContainText('in sync with trunk');

  await moveIssue(editor, issueKey, /Verify/);

  // Production needs the explicit confirmation before the button works.
  dialog = await openPromote(releaser, name, 'production', issueKey);
  await expect(dialog.locator('[data-issue-allows="yes"]')).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Promote to PRODUCTION' })).toBeDisabled();
  await dialog.getByRole('checkbox', { name: /PRODUCTION/ }).check();
  await dialog.getByRole('button', { name: 'Promote to PRODUCTION' }).click();
  await expect(dialog.getByRole('status').filter({ hasText: 'Promoted to production' })).toContainText('Production Ready → In Production');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(releaser.locator('[data-live-env="production"]')).toContainText('in sync with trunk');

  // The issue lists the commit and both promotions.
  await releaser.goto(`/issues/${issueKey}`);
  const links = releaser.getByRole('list', { name: 'Linked changes' }).locator('li');
  await expect(links).toHaveCount(3);
  await expect(releaser.getByRole('list', { name: 'Linked changes' })).toContainText('promoted');
});

test('a viewer cannot promote: no promote button, the reason is shown', async ({ page }) => {
  await signIn(page, 'quinn');
  await page.goto('/tests/checkout_button_color');
  await expect(page.getByRole('button', { name: 'Promote…' })).toHaveCount(0);
  await expect(page.getByTestId('promote-not-allowed')).toContainText('needs the releaser role; you are a viewer');
  await expect(page.getByRole('link', { name: 'Edit' })).toHaveCount(0);
});
