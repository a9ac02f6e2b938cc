import { expect, test, type APIRequestContext } from '@playwright/test';
import { createIssue } from './support/issues';
import { apiToken, signIn, uniqueTestName } from './support/session';
import { createTestWithIssue } from './support/ui';

async function json(response: Awaited<ReturnType<APIRequestContext['get']>>, what: string) {
  expect(response.ok(), `${what}: ${response.status()} ${await response.text()}`).toBe(true);
  return response.json();
}

async function trunkHistory(request: APIRequestContext, token: string, name: string) {
  return (await json(await request.get(`/api/v1/tests/${name}/history?env=trunk`, { headers: { authorization: `Bearer ${token}` } }), 'history')) as {
    entries: { revision: string; changeKind: string; issueKey: string | null; authorName: string; message: string }[];
  };
}

test.describe('deleting a test in the editor', () => {
  test('a test only on trunk: the issue key is required, the test leaves the list and git records the delete', async ({ page, request }) => {
    const name = uniqueTestName('eddelete');
    const { token } = await createTestWithIssue(request, name);
    const issueKey = await createIssue(request, token, `e2e delete ${name}`);
    await signIn(page, 'erin');
    await page.goto(`/tests/${name}/edit`);
    await page.getByRole('button', { name: 'Delete…' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText(`Delete ${name} from trunk`);
    // Only on trunk: no production warning, no name to type.
    await expect(dialog.getByText('This test is live in')).toHaveCount(0);
    await expect(dialog.locator('#delete-confirm')).toHaveCount(0);
    const remove = dialog.getByRole('button', { name: 'Delete test' });
    await expect(remove).toBeDisabled();
    await dialog.locator('#delete-issue').fill(issueKey);
    await dialog.locator('#delete-comment').fill('No longer needed');
    await expect(remove).toBeEnabled();
    await remove.click();
    await page.waitForURL('**/tests');

    await page.goto(`/tests?q=${name}`);
    await expect(page.getByText('No tests match')).toBeVisible();
    await expect(page.locator(`tr[data-test-name="${name}"]`)).toHaveCount(0);

    const gone = await request.get(`/api/v1/tests/${name}?env=trunk`, { headers: { authorization: `Bearer ${token}` } });
    expect(gone.status()).toBe(404);
    const history = await trunkHistory(request, token, name);
    expect(history.entries[0]).toMatchObject({ changeKind: 'delete', issueKey, authorName: expect.stringMatching(/erin/i) });
    expect(history.entries[0].message.split('\n', 1)[0]).toBe(`${issueKey}: No longer needed`);
    expect(history.entries.map((entry) => entry.changeKind)).toEqual(['delete', 'create']);
  });

  test('a test live in production: the delete button stays disabled until the name is typed', async ({ page, request }) => {
    const name = uniqueTestName('eddelprod');
    const { issueKey, token } = await createTestWithIssue(request, name);
    const editor = { authorization: `Bearer ${token}` };
    const rex = { authorization: `Bearer ${await apiToken(request, 'rex')}` };
    for (const to of ['In Progress', 'QA Ready']) await json(await request.post(`/api/v1/issues/${issueKey}/transitions`, { headers: editor, data: { to } }), `issue → ${to}`);
    await json(await request.post(`/api/v1/tests/${name}/promotions`, { headers: rex, data: { from: 'trunk', to: 'qa', issueKey } }), 'promote to qa');
    // QA verifies what is live in qa (issue #16: Production Ready is QA's step, not a hand transition).
    const quinn = { authorization: `Bearer ${await apiToken(request, 'quinn')}` };
    await json(await request.post(`/api/v1/issues/${issueKey}/verify`, { headers: quinn, data: {} }), 'QA verifies');
    await json(await request.post(`/api/v1/tests/${name}/promotions`, { headers: rex, data: { from: 'qa', to: 'production', issueKey } }), 'promote to production');

    const deleteKey = await createIssue(request, token, `e2e delete ${name}`);
    await signIn(page, 'erin');
    await page.goto(`/tests/${name}/edit`);
    await page.getByRole('button', { name: 'Delete…' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByRole('alert')).toContainText('This test is live in production');
    const remove = dialog.getByRole('button', { name: 'Delete test' });
    const confirm = dialog.locator('#delete-confirm');
    await dialog.locator('#delete-issue').fill(deleteKey);
    // An issue key alone is not enough; a wrong or partial name neither.
    await expect(remove).toBeDisabled();
    await confirm.fill(name.slice(0, -1));
    await expect(remove).toBeDisabled();
    await confirm.fill(name.toUpperCase());
    await expect(remove).toBeDisabled();
    await confirm.fill(name);
    await expect(remove).toBeEnabled();
    await remove.click();
    await page.waitForURL('**/tests');

    // Gone from trunk only: production still serves it until the delete is promoted.
    expect((await request.get(`/api/v1/tests/${name}?env=trunk`, { headers: editor })).status()).toBe(404);
    expect((await request.get(`/api/v1/tests/${name}?env=production`, { headers: editor })).status()).toBe(200);
    const history = await trunkHistory(request, token, name);
    expect(history.entries[0]).toMatchObject({ changeKind: 'delete', issueKey: deleteKey });
  });
});
