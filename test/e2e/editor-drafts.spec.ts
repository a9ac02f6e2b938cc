import { expect, test, type Page } from '@playwright/test';
import { signIn, uniqueTestName } from './support/session';
import { createTestWithIssue, saveWithIssue } from './support/ui';

/** The drafts of one test in this browser's storage (keys are proctor-studio:draft:<test>@<revision>#<slot>). */
async function storedDrafts(page: Page, name: string): Promise<string[]> {
  return page.evaluate((prefix) => Object.keys(localStorage).filter((k) => k.startsWith(prefix)), `proctor-studio:draft:${name}@`);
}

/**
 * Reloads the editor and waits until it has settled: the offer is shown, and the editor's autosave (which runs a
 * moment after the editor last changed) has had its turn, as it has when a person reloads a page.
 */
async function reloadAndSettle(page: Page) {
  await page.reload();
  await expect(page.getByTestId('draft-offer')).toBeVisible();
  await page.waitForTimeout(1_000);
}

test.describe('editor drafts stay until discarded or saved', () => {
  test('a draft survives repeated reloads, is restored, and is gone once the save succeeds', async ({ page, request }) => {
    const name = uniqueTestName('edkeep');
    const { issueKey } = await createTestWithIssue(request, name);
    await signIn(page, 'erin');
    await page.goto(`/tests/${name}/edit`);
    const description = page.locator('#field-description');
    const original = await description.inputValue();
    await description.fill('Kept across reloads');
    await expect.poll(() => storedDrafts(page, name)).toHaveLength(1);

    await reloadAndSettle(page);
    expect(await storedDrafts(page, name)).toHaveLength(1);
    await reloadAndSettle(page);
    await expect(description).toHaveValue(original);
    await page.getByTestId('draft-offer').getByRole('button', { name: 'Restore draft' }).click();
    await expect(description).toHaveValue('Kept across reloads');

    await saveWithIssue(page, issueKey);
    await page.waitForURL(`**/tests/${name}`);
    expect(await storedDrafts(page, name)).toEqual([]);
  });

  test('a save that fails while the upstream is down keeps the draft until a save succeeds', async ({ page, request }) => {
    const name = uniqueTestName('edoutage');
    const { issueKey } = await createTestWithIssue(request, name);
    await signIn(page, 'erin');
    await page.goto(`/tests/${name}/edit`);
    const description = page.locator('#field-description');
    await description.fill('Written during the outage');

    // The e2e server has no upstream repository to stop, so the outage is the answer the server gives during one
    // (lib/store/remote-sync.ts): 503 UPSTREAM_UNAVAILABLE, injected into this page's save request only.
    const saveUrl = `**/api/v1/tests/${name}`;
    await page.route(saveUrl, (route) =>
      route.request().method() === 'PUT'
        ? route.fulfill({
            status: 503,
            contentType: 'application/json',
            body: JSON.stringify({ code: 'UPSTREAM_UNAVAILABLE', message: 'The upstream git repository is unavailable (connection refused). Nothing was saved; try again when it is reachable.', details: [] }),
          })
        : route.fallback(),
    );
    await saveWithIssue(page, issueKey);
    await expect(page.getByRole('alert').filter({ hasText: 'upstream git repository is unavailable' })).toBeVisible();
    await expect.poll(() => storedDrafts(page, name)).toHaveLength(1);

    // Still down after two reloads: the draft is offered each time and stays stored.
    await reloadAndSettle(page);
    await reloadAndSettle(page);
    expect(await storedDrafts(page, name)).toHaveLength(1);

    // The upstream is back: restore, save for real, and the draft is gone.
    await page.unroute(saveUrl);
    await page.getByTestId('draft-offer').getByRole('button', { name: 'Restore draft' }).click();
    await expect(description).toHaveValue('Written during the outage');
    await saveWithIssue(page, issueKey);
    await page.waitForURL(`**/tests/${name}`);
    expect(await storedDrafts(page, name)).toEqual([]);
  });
});
