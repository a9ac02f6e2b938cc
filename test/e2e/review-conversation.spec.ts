/**
 * Issue #17, "Saving and reading changes" and "Issues, activity and audit carry the conversation": a description change
 * is shown word by word (the difference visible even when the description is long), the overview names the field that
 * differs from trunk, and an issue page carries comments, its description and assignee, and the tests it touched.
 */
import { expect, test, type APIRequestContext } from '@playwright/test';
import { apiToken, signIn, uniqueTestName } from './support/session';
import { createTestWithIssue, expectAccessible } from './support/ui';

const LONG = 'Tests whether learned ranking weights improve the apply rate on search result pages for signed-in job seekers in the United States and Canada, with the control keeping the hand-tuned weights.';

async function putDescription(request: APIRequestContext, token: string, name: string, issueKey: string, description: string): Promise<string> {
  const headers = { authorization: `Bearer ${token}` };
  const current = await (await request.get(`/api/v1/tests/${name}`, { headers })).json();
  const definition = { ...JSON.parse(current.text), description };
  const saved = await request.put(`/api/v1/tests/${name}`, { headers, data: { definition, baseRevision: current.revision, issueKey, comment: 'description' } });
  if (!saved.ok()) throw new Error(`save: ${saved.status()} ${await saved.text()}`);
  return (await saved.json()).revision as string;
}

test('a long description change highlights the changed words; the overview names the field that differs', async ({ page, request }) => {
  const name = uniqueTestName('desc_diff');
  const { issueKey, token } = await createTestWithIssue(request, name);
  const before = await putDescription(request, token, name, issueKey, `${LONG} Success is measured by purchases per visit.`);
  const after = await putDescription(request, token, name, issueKey, `${LONG} Success is measured by revenue per visit.`);

  await signIn(page, 'quinn');
  await page.goto(`/tests/${name}?tab=diff&from=${before}&to=${after}`);
  const change = page.locator('li[data-change-kind="description-changed"]');
  await expect(change.locator('[data-word-change="removed"]')).toHaveText('purchases');
  await expect(change.locator('[data-word-change="added"]')).toHaveText('revenue');
  // The unchanged text around the change is kept, the long common beginning shortened: never two identical truncations.
  await expect(change.locator('[data-text-side="before"]')).toContainText('measured by purchases per visit.');
  await expect(change.locator('[data-text-side="after"]')).toContainText('measured by revenue per visit.');
  await expect(change.locator('[data-text-side="after"]')).toContainText('…');
  await expectAccessible(page, 'description diff');

  // Promote to qa, change trunk's description again: qa's column names "description" as what differs, nothing else.
  const headers = { authorization: `Bearer ${token}` };
  for (const to of ['In Progress', 'QA Ready']) expect((await request.post(`/api/v1/issues/${issueKey}/transitions`, { headers, data: { to } })).ok()).toBe(true);
  const rex = await apiToken(request, 'rex');
  const promoted = await request.post(`/api/v1/tests/${name}/promotions`, { headers: { authorization: `Bearer ${rex}` }, data: { from: 'trunk', to: 'qa', issueKey } });
  expect(promoted.ok(), await promoted.text()).toBe(true);
  await putDescription(request, token, name, issueKey, `${LONG} Success is measured by applies per visit.`);
  await page.goto(`/tests/${name}`);
  const qa = page.locator('[data-environment="qa"]');
  await expect(qa.locator('[data-differing-fields]')).toHaveCount(1);
  await expect(qa.locator('[data-differing-fields]')).toHaveText('differs from trunk: description');
  await expect(qa.locator('[data-setting="description"][data-differs-field]')).toContainText('revenue per visit');
  await expect(qa.locator('[data-setting="salt"][data-differs-field]')).toHaveCount(0);
});

test('an issue page carries the conversation: comments, description and assignee, the tests it touched', async ({ page, request }) => {
  const name = uniqueTestName('conversation');
  const { issueKey } = await createTestWithIssue(request, name);

  await signIn(page, 'erin');
  await page.goto(`/issues/${issueKey}`);
  await expect(page.getByRole('list', { name: 'Tests this issue touched' }).locator(`[data-touched-test="${name}"]`)).toContainText('1 change');
  await page.getByLabel('Add a comment').fill('verified fr-CA excluded');
  await page.getByRole('button', { name: 'Add comment' }).click();
  const comments = page.getByRole('list', { name: 'Comments' });
  await expect(comments).toContainText('verified fr-CA excluded');
  await expect(comments).toContainText('erin');
  await expect(page.getByLabel('Add a comment')).toHaveValue('');

  await page.getByRole('button', { name: 'Edit description and assignee' }).click();
  await page.getByRole('textbox', { name: 'Description' }).fill('Exclude fr-CA from the English-only launch.');
  await page.getByLabel(/Assignee/).fill('priya');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.locator('[data-issue-description]')).toHaveText('Exclude fr-CA from the English-only launch.');
  await expect(page.locator('[data-issue-assignee]')).toHaveText('priya');
  await expectAccessible(page, 'issue page');

  // Activity filtered by the issue: its commit and its transitions, nothing else.
  await page.goto(`/activity?issue=${issueKey}`);
  const entries = page.getByRole('list', { name: 'Recent changes' }).locator('li');
  await expect(entries.filter({ hasText: name })).toHaveCount(1);
  await expect(page.locator('li[data-activity="transition"]').first()).toContainText(issueKey);
  await expect(entries.filter({ hasNotText: issueKey })).toHaveCount(0);
  await expectAccessible(page, 'activity');

  // A viewer reads the conversation but cannot add to it.
  await page.context().clearCookies();
  await signIn(page, 'vera');
  await page.goto(`/issues/${issueKey}`);
  await expect(page.getByRole('list', { name: 'Comments' })).toContainText('verified fr-CA excluded');
  await expect(page.getByLabel('Add a comment')).toHaveCount(0);
  await expect(page.getByText('Adding comments needs the editor or QA role.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Edit description and assignee' })).toHaveCount(0);
});
