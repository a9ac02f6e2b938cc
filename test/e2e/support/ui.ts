import AxeBuilder from '@axe-core/playwright';
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { createIssue } from './issues';
import { apiToken } from './session';

/** Runs axe-core on the page and fails with the violations listed readably. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  // A page still streaming or refreshing is not the page a user reads: check it once it has its title.
  await expect(page, `${label} has a title`).toHaveTitle(/\S/);
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const problems = results.violations.map((violation) => `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.slice(0, 3).map((node) => node.target.join(' ')).join(' | ')}`);
  expect(problems, `axe violations on ${label}`).toEqual([]);
}

/** A fresh ProTest issue (in the project's tracker) and a fresh test created under it (as erin), for tests that change things. */
export async function createTestWithIssue(request: APIRequestContext, name: string): Promise<{ issueKey: string; token: string }> {
  const token = await apiToken(request, 'erin');
  const headers = { authorization: `Bearer ${token}` };
  const issueKey = await createIssue(request, token, `e2e ${name}`);
  const definition = JSON.parse(readFileSync('proctor-data/test-definitions/checkout_button_color/definition.json', 'utf8'));
  const created = await request.post('/api/v1/tests', { headers, data: { name, definition, issueKey } });
  if (!created.ok()) throw new Error(`test: ${created.status()} ${await created.text()}`);
  return { issueKey, token };
}

/** In the test editor: open the save dialog, give the issue, acknowledge warnings if any, and save. */
export async function saveWithIssue(page: Page, issueKey: string): Promise<void> {
  await page.getByRole('button', { name: 'Save…' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.locator('#save-issue').fill(issueKey);
  await expect(dialog.getByTestId('auto-promotion-plan')).not.toHaveText(/Checking/);
  await expect(dialog.locator('[data-issue-valid="yes"]')).toBeVisible();
  const acknowledge = dialog.getByLabel('I have read the warnings and want to save anyway');
  if (await acknowledge.count()) await acknowledge.check();
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  // A saved change is confirmed in the dialog (revision and issue) before the test page opens; a refused one closes it.
  const open = dialog.getByRole('button', { name: 'Open the test' });
  await expect.poll(async () => (await open.isVisible()) || !(await dialog.isVisible())).toBe(true);
  if (await open.isVisible()) await open.click();
}
