import { expect, test, type APIRequestContext } from '@playwright/test';
import { createIssue } from './support/issues';
import { signIn, uniqueTestName } from './support/session';
import { createTestWithIssue } from './support/ui';

interface Read {
  revision: string;
  text: string;
  definition: { description: string } & Record<string, unknown>;
}
interface History {
  entries: { revision: string; changeKind: string; issueKey: string | null; sourceRevision: string | null; message: string }[];
}

async function json<T>(response: Awaited<ReturnType<APIRequestContext['get']>>, what: string): Promise<T> {
  expect(response.ok(), `${what}: ${response.status()} ${await response.text()}`).toBe(true);
  return (await response.json()) as T;
}

test('revert a trunk revision from the History tab: a new commit with the old definition, shown on the Overview', async ({ page, request }) => {
  const name = uniqueTestName('histrevert');
  const { issueKey, token } = await createTestWithIssue(request, name);
  const headers = { authorization: `Bearer ${token}` };
  const created = await json<Read>(await request.get(`/api/v1/tests/${name}?env=trunk`, { headers }), 'read');
  const oldDescription = created.definition.description as string;
  const newDescription = `Edited for the revert e2e ${name}`;
  expect(oldDescription).not.toBe(newDescription);
  const edited = await json<Read>(
    await request.put(`/api/v1/tests/${name}`, { headers, data: { definition: { ...created.definition, description: newDescription }, baseRevision: created.revision, issueKey } }),
    'edit',
  );
  const revertKey = await createIssue(request, token, `e2e revert ${name}`);

  await signIn(page, 'erin');
  await page.goto(`/tests/${name}?tab=history&env=trunk`);
  await expect(page.getByRole('heading', { name })).toBeVisible();
  await expect(page.getByText(newDescription).first()).toBeVisible();
  const history = page.getByRole('list', { name: 'trunk history' });
  // The newest revision cannot be reverted to; the older one can.
  await expect(history.getByRole('button', { name: `Revert to ${edited.revision.slice(0, 7)}` })).toHaveCount(0);
  await history.getByRole('button', { name: `Revert to ${created.revision.slice(0, 7)}` }).click();
  const dialog = page.getByRole('dialog', { name: `Revert ${name} to ${created.revision.slice(0, 7)}` });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Issue key').fill(revertKey);
  await dialog.getByLabel('Comment (optional)').fill('Back to the original copy');
  await dialog.getByRole('button', { name: 'Revert', exact: true }).click();
  await expect(dialog.getByRole('status')).toContainText('Reverted: trunk is now at');
  await dialog.getByRole('button', { name: 'Close' }).click();

  await page.getByRole('link', { name: 'Overview' }).click();
  await page.waitForURL(/tab=overview/);
  await expect(page.getByText(oldDescription).first()).toBeVisible();
  await expect(page.getByText(newDescription)).toHaveCount(0);

  // git: a new revert commit on trunk under the issue, naming the restored revision; the definition is the old one.
  const after = await json<History>(await request.get(`/api/v1/tests/${name}/history?env=trunk`, { headers }), 'history');
  expect(after.entries.map((entry) => entry.changeKind)).toEqual(['revert', 'update', 'create']);
  expect(after.entries[0]).toMatchObject({ issueKey: revertKey, sourceRevision: created.revision });
  expect(after.entries[0].message.split('\n', 1)[0]).toBe(`${revertKey}: Back to the original copy`);
  const reverted = await json<Read>(await request.get(`/api/v1/tests/${name}?env=trunk`, { headers }), 'read after revert');
  expect(reverted.revision).toBe(after.entries[0].revision);
  expect(reverted.text).toBe(created.text);
});

test('API tokens page: a token is shown once, works as a bearer token, and stops working once revoked', async ({ page, request }) => {
  const tokenName = uniqueTestName('e2etoken');
  await signIn(page, 'erin');
  await page.goto('/tokens');
  await page.getByLabel('Token name').fill(tokenName);
  await page.getByRole('button', { name: 'Create token' }).click();
  const secretBox = page.getByTestId('new-token');
  await expect(secretBox).toHaveText(/^pst_\S+$/);
  const secret = (await secretBox.textContent())!.trim();
  const row = page.locator(`tr[data-token-name="${tokenName}"]`);
  await expect(row).toBeVisible();
  // The table shows only the prefix, never the secret.
  await expect(row).not.toContainText(secret);

  // `request` has no session cookie: only the bearer token authenticates.
  const bearer = { authorization: `Bearer ${secret}` };
  expect((await request.get('/api/v1/tests')).status()).toBe(401);
  const listed = await json<{ total: number }>(await request.get('/api/v1/tests', { headers: bearer }), 'list with the token');
  expect(listed.total).toBeGreaterThan(0);

  // Shown once: after a reload only the prefix remains.
  await page.reload();
  await expect(page.getByTestId('new-token')).toHaveCount(0);
  await expect(page.getByText(secret)).toHaveCount(0);

  page.once('dialog', (confirmation) => {
    expect(confirmation.message()).toContain(tokenName);
    void confirmation.accept();
  });
  await row.getByRole('button', { name: `Revoke token ${tokenName}` }).click();
  await expect(row).toContainText('revoked');
  await expect(row.getByRole('button', { name: `Revoke token ${tokenName}` })).toHaveCount(0);
  expect((await request.get('/api/v1/tests', { headers: bearer })).status()).toBe(401);
});
