import { expect, test, type APIRequestContext } from '@playwright/test';
import { newTestDefinition } from '../../lib/editor/editor-document';
import { serializeDefinition, type TestDefinition } from '../../lib/proctor';
import { apiToken, signIn, uniqueTestName } from './support/session';
import { saveWithIssue } from './support/ui';

const SHOTS = 'test-results/editor';

async function createIssue(request: APIRequestContext, token: string): Promise<string> {
  const response = await request.post('/api/v1/issues', { headers: { authorization: `Bearer ${token}` }, data: { summary: 'Editor e2e change', type: 'ProTest' } });
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()).key as string;
}

function runningDefinition(name: string): TestDefinition {
  return {
    ...newTestDefinition(name),
    description: 'Editor e2e test',
    allocations: [
      {
        rule: null,
        ranges: [
          { bucketValue: -1, length: 0.5 },
          { bucketValue: 0, length: 0.25 },
          { bucketValue: 1, length: 0.25 },
        ],
        id: '',
        name: '',
      },
    ],
  };
}

async function createTest(request: APIRequestContext, token: string, name: string, definition: TestDefinition = runningDefinition(name)) {
  const issueKey = await createIssue(request, token);
  const response = await request.post('/api/v1/tests', { headers: { authorization: `Bearer ${token}` }, data: { name, definition: serializeDefinition(definition), issueKey } });
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()) as { revision: string };
}

async function readTrunk(request: APIRequestContext, token: string, name: string) {
  const response = await request.get(`/api/v1/tests/${name}?env=trunk`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.ok()).toBe(true);
  return (await response.json()) as { revision: string; text: string; definition: TestDefinition };
}

test.describe('test editor', () => {
  let token: string;
  test.beforeAll(async ({ request }) => {
    token = await apiToken(request, 'priya');
  });

  test('create a test from scratch with the form only, fixing a validation error shown at the field', async ({ page, request }) => {
    const name = uniqueTestName('edcreate');
    const issueKey = await createIssue(request, token);
    await signIn(page, 'erin');
    await page.goto('/tests/new');
    await page.locator('#field-name').fill(name);
    // The empty description is an error shown at the field, and saving is blocked.
    const description = page.locator('#field-description');
    await expect(description).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByTestId('field-issues').filter({ hasText: 'Description is required.' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Save…' })).toBeDisabled();
    await page.screenshot({ path: `${SHOTS}/create-error.png`, fullPage: false });
    await description.fill('Created with the form');
    await expect(description).toHaveAttribute('aria-invalid', 'false');
    // Give control half the users: shrink inactive, add a range for control.
    await page.getByLabel('Allocation 1 range 1 percent').fill('50');
    await expect(page.getByTestId('range-sum')).toContainText('must be 100%');
    await page.getByRole('button', { name: 'Add range' }).click();
    await page.getByLabel('Allocation 1 range 2 bucket').selectOption('0');
    await page.getByLabel('Allocation 1 range 2 percent').fill('50');
    await expect(page.getByTestId('range-sum')).toHaveText(/Sum: 100%/);
    await expect(page.locator('#field-salt')).toHaveValue(`&${name}`);
    await page.screenshot({ path: `${SHOTS}/create-form.png`, fullPage: false });
    await saveWithIssue(page, issueKey);
    await page.waitForURL(`**/tests/${name}`);
    const saved = await readTrunk(request, token, name);
    expect(saved.definition.description).toBe('Created with the form');
    expect(saved.definition.allocations[0].ranges).toEqual([{ bucketValue: -1, length: 0.5 }, { bucketValue: 0, length: 0.5 }]);
    expect(saved.definition.allocations[0].id).toBe('#A1');
  });

  test('edit in JSON and see the form follow; JSON errors are marked', async ({ page, request }) => {
    const name = uniqueTestName('edjson');
    await createTest(request, token, name);
    await signIn(page, 'erin');
    await page.goto(`/tests/${name}/edit`);
    await page.getByRole('tab', { name: 'JSON' }).click();
    const editor = page.getByTestId('json-editor');
    await editor.click();
    await page.keyboard.press('Control+a');
    const text = serializeDefinition({ ...runningDefinition(name), description: 'Changed in JSON', metaTags: ['edited'] });
    await page.keyboard.insertText(text.replace('"rule" : null', '"rule" : "country =="'));
    await expect(page.locator('.cm-lintRange-error').first()).toBeVisible();
    await expect(page.getByTestId('issue-summary')).toContainText('Test rule:');
    await page.screenshot({ path: `${SHOTS}/json-error.png`, fullPage: false });
    await page.keyboard.press('Control+a');
    await page.keyboard.insertText(text);
    await page.getByRole('tab', { name: 'Form' }).click();
    await expect(page.locator('#field-description')).toHaveValue('Changed in JSON');
    await expect(page.locator('#field-metaTags')).toHaveValue('edited');
  });

  test('see the drift warning, apply the suggestion and save with an issue', async ({ page, request }) => {
    const name = uniqueTestName('eddrift');
    await createTest(request, token, name);
    const issueKey = await createIssue(request, token);
    await signIn(page, 'erin');
    await page.goto(`/tests/${name}/edit`);
    await page.getByLabel('Allocation 1 range 2 percent').fill('30');
    await page.getByLabel('Allocation 1 range 3 percent').fill('20');
    await expect(page.getByTestId('drift-warning')).toContainText("5% of this allocation's users would switch between active buckets");
    await page.screenshot({ path: `${SHOTS}/drift-warning.png`, fullPage: false });
    await page.getByRole('button', { name: 'Apply suggested layout' }).click();
    await expect(page.getByTestId('drift-warning')).toHaveCount(0);
    await expect(page.getByTestId('range-sum')).toHaveText(/Sum: 100%/);
    await saveWithIssue(page, issueKey);
    await page.waitForURL(`**/tests/${name}`);
    const saved = await readTrunk(request, token, name);
    expect(saved.definition.allocations[0].ranges).toEqual([
      { bucketValue: -1, length: 0.45 },
      { bucketValue: 0, length: 0.3 },
      { bucketValue: 1, length: 0.2 },
      { bucketValue: -1, length: 0.05 },
    ]);
  });

  test('resolve a conflict made by a second user by re-applying the edit', async ({ page, request }) => {
    const name = uniqueTestName('edconflict');
    await createTest(request, token, name);
    const issueKey = await createIssue(request, token);
    await signIn(page, 'erin');
    await page.goto(`/tests/${name}/edit`);
    await page.locator('#field-description').fill('Erin’s description');
    // Meanwhile priya changes the salt.
    const before = await readTrunk(request, token, name);
    const other = await request.put(`/api/v1/tests/${name}`, {
      headers: { authorization: `Bearer ${token}` },
      data: { definition: serializeDefinition({ ...before.definition, salt: '&priya_salt' }), baseRevision: before.revision, issueKey },
    });
    expect(other.ok(), await other.text()).toBe(true);
    await saveWithIssue(page, issueKey);
    const panel = page.getByTestId('conflict-panel');
    await expect(panel).toBeVisible();
    await expect(panel).toContainText('salt');
    await page.screenshot({ path: `${SHOTS}/conflict.png`, fullPage: false });
    await panel.getByRole('button', { name: /Re-apply my edit/ }).click();
    await expect(page.locator('#field-salt')).toHaveValue('&priya_salt');
    await expect(page.locator('#field-description')).toHaveValue('Erin’s description');
    await saveWithIssue(page, issueKey);
    await page.waitForURL(`**/tests/${name}`);
    const saved = await readTrunk(request, token, name);
    expect(saved.definition.salt).toBe('&priya_salt');
    expect(saved.definition.description).toBe('Erin’s description');
  });

  test('recover a draft after a reload', async ({ page, request }) => {
    const name = uniqueTestName('eddraft');
    await createTest(request, token, name);
    await signIn(page, 'erin');
    await page.goto(`/tests/${name}/edit`);
    await page.locator('#field-description').fill('Not saved yet');
    await expect.poll(() => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('proctor-studio:draft:')).length)).toBeGreaterThan(0);
    await page.reload();
    await expect(page.locator('#field-description')).toHaveValue('Editor e2e test');
    const offer = page.getByTestId('draft-offer');
    await expect(offer).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/draft-offer.png`, fullPage: false });
    await offer.getByRole('button', { name: 'Restore draft' }).click();
    await expect(page.locator('#field-description')).toHaveValue('Not saved yet');
  });

  test('copy a test, check the rule helper, and save the copy', async ({ page, request }) => {
    const source = uniqueTestName('edsource');
    await createTest(request, token, source, { ...runningDefinition(source), rule: "(lang=='en' && country=='US') || country=='CA'" });
    const issueKey = await createIssue(request, token);
    await signIn(page, 'erin');
    await page.goto(`/tests/new?copy=${source}`);
    await expect(page.locator('#field-name')).toHaveValue(`${source}_copy`);
    await expect(page.locator('#field-salt')).toHaveValue(`&${source}_copy`);
    // Seed 004's mistake made visible: a French speaker in Canada passes the test rule.
    const table = page.getByTestId('truth-table');
    await expect(table.locator('tr', { hasText: 'lang=fr, country=CA' })).toContainText('allocation 1');
    await expect(table.locator('tr', { hasText: 'lang=en, country=GB' })).toContainText('not in the test');
    await page.screenshot({ path: `${SHOTS}/copy.png`, fullPage: false });
    await saveWithIssue(page, issueKey);
    await page.waitForURL(`**/tests/${source}_copy`);
    const saved = await readTrunk(request, token, `${source}_copy`);
    expect(saved.definition.salt).toBe(`&${source}_copy`);
    expect(saved.definition.rule).toBe("(lang=='en' && country=='US') || country=='CA'");
  });
});
