import { expect, test, type Page } from '@playwright/test';
import { fakeJiraIssue, trackerMode, trackerStatus } from './support/issues';
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

// Runs in project "chromium" (built-in tracker) and "chromium-jira" (the fake JIRA): the issue is created in the
// tracker itself, moved through the app's issue page, and its status is checked where the tracker keeps it.
test('an editor moves the issue, a releaser promotes to qa and production; the wrong status is refused', { tag: '@workflow' }, async ({ browser, request }) => {
  const name = uniqueTestName('ui_promote');
  const { issueKey, token } = await createTestWithIssue(request, name);
  const expectTrackerStatus = (status: string) => expect.poll(() => trackerStatus(request, token, issueKey)).toBe(status);

  const editor = await (await browser.newContext()).newPage();
  await signIn(editor, 'erin');
  await moveIssue(editor, issueKey, /Start Progress/);
  await moveIssue(editor, issueKey, /Resolve/);
  await expect(editor.locator('[data-issue-status]').first()).toHaveText('QA Ready');
  await expectTrackerStatus('QA Ready');
  await expectAccessible(editor, 'issue page');

  const releaser = await (await browser.newContext()).newPage();
  await signIn(releaser, 'rex');

  // Production first: the issue is QA Ready, so the dialog's pre-check refuses, naming the rule, and Promote stays off.
  let dialog = await openPromote(releaser, name, 'production', issueKey);
  await expect(dialog.locator('[data-issue-allows="no"]')).toContainText("needs 'Production Ready'");
  await dialog.getByRole('checkbox', { name: /PRODUCTION/ }).check();
  await expect(dialog.getByTestId('promote-refusal')).toContainText('QA Ready');
  await expect(dialog.getByRole('button', { name: 'Promote to PRODUCTION' })).toBeDisabled();
  await expectAccessible(releaser, 'promote dialog');
  await expectTrackerStatus('QA Ready');

  // qa: allowed; the issue moves on to In QA.
  dialog = await openPromote(releaser, name, 'qa', issueKey);
  await expect(dialog.getByRole('list', { name: 'Summary of changes' })).toContainText('Test created');
  await expect(dialog.locator('[data-issue-allows="yes"]')).toBeVisible();
  await dialog.getByRole('button', { name: 'Promote to qa' }).click();
  await expect(dialog.getByRole('status').filter({ hasText: 'Promoted to qa' })).toContainText('QA Ready → In QA');
  // After success the dialog shows the result, then closes by itself.
  await expect(dialog).toBeHidden();
  await expect(releaser.locator('[data-live-env="qa"]')).toContainText('in sync with trunk');
  await expectTrackerStatus('In QA');

  // Verifying is the QA analyst's step (the author erin cannot: separation of duties).
  const qa = await (await browser.newContext()).newPage();
  await signIn(qa, 'quinn');
  await qa.goto(`/issues/${issueKey}`);
  await qa.getByRole('button', { name: 'Verify → Production Ready' }).click();
  await expect(qa.getByRole('status').filter({ hasText: `${issueKey} verified` })).toBeVisible();
  await expectTrackerStatus('Production Ready');

  // Production needs the explicit confirmation before the button works.
  dialog = await openPromote(releaser, name, 'production', issueKey);
  await expect(dialog.locator('[data-issue-allows="yes"]')).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Promote to PRODUCTION' })).toBeDisabled();
  await dialog.getByRole('checkbox', { name: /PRODUCTION/ }).check();
  await dialog.getByRole('button', { name: 'Promote to PRODUCTION' }).click();
  await expect(dialog.getByRole('status').filter({ hasText: 'Promoted to production' })).toContainText('Production Ready → In Production');
  await expect(dialog).toBeHidden();
  await expect(releaser.locator('[data-live-env="production"]')).toContainText('in sync with trunk');
  await expectTrackerStatus('In Production');

  // The issue lists the commit and both promotions.
  await releaser.goto(`/issues/${issueKey}`);
  await expect(releaser.locator('[data-issue-status]').first()).toHaveText('In Production');
  const links = releaser.getByRole('list', { name: 'Linked changes' }).locator('li');
  await expect(links).toHaveCount(3);
  await expect(releaser.getByRole('list', { name: 'Linked changes' })).toContainText('promoted');

  if (trackerMode() === 'jira') {
    // JIRA got every move (the editor's through the app, the promotions' own), a comment per change and a link back.
    const recorded = await fakeJiraIssue(request, issueKey);
    expect(recorded.history.map((step) => `${step.from} → ${step.to}`)).toEqual([
      'Open → In Progress',
      'In Progress → QA Ready',
      'QA Ready → In QA',
      'In QA → Production Ready',
      'Production Ready → In Production',
    ]);
    expect(recorded.comments.map((comment) => comment.body.split('\n')[0])).toEqual([
      expect.stringMatching(new RegExp(`^erin committed test definition '${name}' to trunk as revision [0-9a-f]{12}\\.$`)),
      expect.stringMatching(new RegExp(`^rex promoted test definition '${name}' to qa as revision [0-9a-f]{12}\\.$`)),
      // QA's verification is on the issue too, naming what was verified.
      expect.stringMatching(new RegExp(`^quinn verified ${issueKey} in qa: ${name} r[0-9a-f]{7} \\(blob [0-9a-f]{12}\\)\\.$`)),
      expect.stringMatching(new RegExp(`^rex promoted test definition '${name}' to production as revision [0-9a-f]{12}\\.$`)),
    ]);
    expect(recorded.remoteLinks.map((link) => link.object.title)).toEqual([`Proctor test ${name}`]);
  }
});

test('a QA analyst cannot promote: no promote button, the reason is shown', async ({ page }) => {
  await signIn(page, 'quinn');
  await page.goto('/tests/checkout_button_color');
  await expect(page.getByRole('button', { name: 'Promote…' })).toHaveCount(0);
  await expect(page.getByTestId('promote-not-allowed')).toContainText('need the releaser role; you are a qa');
  await expect(page.getByRole('link', { name: 'Edit' })).toHaveCount(0);
});
