// Issue #17, the editor's defects, each with the exact repro from the issue (search_ranking_algo as erin).
import { expect, test, type Page } from '@playwright/test';
import { newTestDefinition } from '../../lib/editor/editor-document';
import { serializeDefinition } from '../../lib/proctor';
import { apiToken, signIn, uniqueTestName } from './support/session';

const TEST = 'search_ranking_algo';
const APPEAR = { timeout: 20_000 };

const problems = (page: Page) => page.getByRole('heading', { name: /^Problems \(/ });
const rangeBuckets = (page: Page, allocation: number) => page.getByLabel(new RegExp(`^Allocation ${allocation} range \\d+ bucket$`));

async function openEditor(page: Page) {
  await signIn(page, 'erin');
  await page.goto(`/tests/${TEST}/edit`);
  await expect(page.getByTestId('definition-form')).toBeVisible(APPEAR);
}

/** Selects what the field shows and types over it one key at a time, as a person does. */
async function retype(page: Page, selector: string, keys: string[]) {
  const field = page.locator(selector);
  await field.click();
  await field.selectText();
  for (const key of keys) await page.keyboard.press(key);
}

test.describe('editor defects (issue #17)', () => {
  test('1. retyping control 0 → 10 passes through learned_weights 1 without moving any range', async ({ page }) => {
    await openEditor(page);
    await expect(rangeBuckets(page, 1)).toHaveCount(2);
    await retype(page, '#field-buckets-1-value', ['Backspace', '1']);
    // "1" is learned_weights' value: an error at the field, counted in Problems, nothing committed.
    await expect(page.getByText('Bucket learned_weights already has value 1; each bucket needs its own value.').first()).toBeVisible();
    await expect(problems(page)).toContainText('1 error');
    await expect(page.getByRole('button', { name: 'Save…' })).toBeDisabled();
    await page.keyboard.press('0');
    await expect(page.locator('#field-buckets-1-value')).toHaveValue('10');
    await expect(problems(page)).toContainText('0 errors');
    // Every range of control now points at 10, learned_weights keeps its own.
    for (const [allocation, values] of [[1, ['10', '1']], [2, ['-1', '10', '1']]] as const) {
      const selects = rangeBuckets(page, allocation);
      for (let i = 0; i < values.length; i++) await expect(selects.nth(i)).toHaveValue(values[i]);
    }
  });

  test('1. changing learned_weights 1 → 0 → 1 never collapses the ranges onto control', async ({ page }) => {
    await openEditor(page);
    await retype(page, '#field-buckets-2-value', ['Backspace', '0']);
    await expect(page.getByText('Bucket control already has value 0; each bucket needs its own value.').first()).toBeVisible();
    await expect(problems(page)).toContainText('1 error');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('1');
    await expect(problems(page)).toContainText('0 errors');
    for (const [allocation, values] of [[1, ['0', '1']], [2, ['-1', '0', '1']]] as const) {
      const selects = rangeBuckets(page, allocation);
      for (let i = 0; i < values.length; i++) await expect(selects.nth(i)).toHaveValue(values[i]);
    }
  });

  test('2. a field error and the drift warning are counted; no suggested layout at 140%; the drift is a share of the allocation', async ({ page }) => {
    await openEditor(page);
    await page.getByLabel('Allocation 1 range 1 percent').fill('abc');
    await expect(problems(page)).toContainText('1 error');
    await expect(page.getByRole('button', { name: 'Save…' })).toBeDisabled();
    await page.getByLabel('Allocation 1 range 1 percent').fill('50');
    await expect(problems(page)).toContainText('0 errors, 0 warnings');

    // Allocation 2 (inactive 80, control 10, learned_weights 10): control 10 → 50 sums to 140% and moves learned_weights' 10%.
    await page.getByLabel('Allocation 2 range 2 percent').fill('50');
    const allocation = page.getByRole('listitem', { name: 'Allocation 2' });
    await expect(allocation.getByTestId('drift-warning')).toContainText("10% of this allocation's users would switch between active buckets");
    await expect(problems(page)).toContainText('1 error, 1 warning');
    await expect(allocation.getByTestId('suggested-layout')).toHaveCount(0);
    // 6. In people's words: a percentage, no float noise, no "rule null"; Proctor's exact text stays beside it.
    const panel = page.getByTestId('issue-summary');
    await expect(panel).toContainText('The shares of allocation 2 add up to 140%; they must add up to 100%.');
    await expect(panel.getByTestId('proctor-says').first()).toContainText('rule null does not add up to 1 : 0.8 + 0.5 + 0.1 = 1.4000000000000001');
    for (const text of await panel.locator('button').allInnerTexts()) {
      expect(text).not.toContain('1.4000000000000001');
      expect(text).not.toContain('rule null');
    }

    // 70 / 10 / 20 sums to 100% and still moves 10% from control to learned_weights: now a labelled layout is offered.
    await page.getByLabel('Allocation 2 range 1 percent').fill('70');
    await page.getByLabel('Allocation 2 range 2 percent').fill('10');
    await page.getByLabel('Allocation 2 range 3 percent').fill('20');
    await expect(problems(page)).toContainText('0 errors, 1 warning');
    const suggested = allocation.getByTestId('suggested-layout');
    await expect(suggested).toBeVisible();
    await expect(suggested).toContainText('Suggested');
    await expect(suggested).toContainText('learned_weights 20%');
    await expect(suggested).toContainText('control 10%');
  });

  test('3. the test type is a choice of Proctor types, and the API refuses USR in Proctor\'s words', async ({ page, request }) => {
    await openEditor(page);
    const type = page.locator('#field-testType');
    await expect(type).toHaveJSProperty('tagName', 'SELECT');
    await expect(type.locator('option')).toHaveText(['USER', 'ACCOUNT', 'EMAIL', 'RANDOM', 'PAGE', 'COMPANY']);
    await type.selectOption('ACCOUNT');
    await expect(type).toHaveValue('ACCOUNT');

    const token = await apiToken(request, 'erin');
    const definition = { ...newTestDefinition('usr_typed'), description: 'd', testType: 'USR' };
    const response = await request.post('/api/v1/validate', { headers: { authorization: `Bearer ${token}` }, data: { name: 'usr_typed', definition: serializeDefinition(definition) } });
    expect(response.status()).toBe(200);
    const body = await response.json();
    expect(body.valid).toBe(false);
    expect(body.issues).toContainEqual({ path: '/testType', severity: 'error', message: "Test 'usr_typed' is included in the application specification but refers to unknown id type 'USR'." });
  });

  test('4. the JSON editor gutter is opaque, so code scrolled sideways does not show through', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await openEditor(page);
    await page.getByRole('tab', { name: 'JSON' }).click();
    const scroller = page.locator('.cm-scroller');
    await expect(scroller).toBeVisible(APPEAR);
    await scroller.evaluate((el) => (el.scrollLeft = 200));
    expect(await scroller.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
    const background = await page.locator('.cm-gutters').evaluate((el) => getComputedStyle(el).backgroundColor);
    // rgb(…) is opaque; rgba(…, a) with a < 1 (or "transparent") lets the code show through.
    expect(background).toMatch(/^rgb\(/);
  });

  test('5. unknown test is a 404, /favicon.ico is served, and at 390 px nothing overflows sideways', async ({ page, request }) => {
    await signIn(page, 'erin');
    expect((await page.goto('/tests/does_not_exist'))?.status()).toBe(404);
    const icon = await request.get('/favicon.ico');
    expect(icon.status()).toBe(200);
    expect(icon.headers()['content-type']).toContain('image/');

    // A long test name in Activity must wrap, never run over the author.
    const token = await apiToken(request, 'erin');
    const name = uniqueTestName('a_rather_long_test_name_that_keeps_going_for_a_while');
    const issue = await request.post('/api/v1/issues', { headers: { authorization: `Bearer ${token}` }, data: { summary: 'Long name', type: 'ProTest' } });
    const created = await request.post('/api/v1/tests', {
      headers: { authorization: `Bearer ${token}` },
      data: { name, definition: serializeDefinition({ ...newTestDefinition(name), description: 'Long name' }), issueKey: (await issue.json()).key },
    });
    expect(created.status(), await created.text()).toBe(201);

    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ['/tests', `/tests/${TEST}/edit`, `/tests/${TEST}?tab=diff&from=production&to=trunk`, '/activity', '/tests/new']) {
      await page.goto(path);
      await page.waitForLoadState('networkidle');
      const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      expect(widths.scroll, path).toBeLessThanOrEqual(widths.client);
    }
    await page.goto('/activity');
    const row = page.getByRole('listitem').filter({ has: page.getByRole('link', { name }) }).first();
    const nameBox = (await row.getByRole('link', { name }).boundingBox())!;
    const authorBox = (await row.getByText('Erin Engineer').boundingBox())!;
    const overlap = nameBox.x < authorBox.x + authorBox.width && authorBox.x < nameBox.x + nameBox.width && nameBox.y < authorBox.y + authorBox.height && authorBox.y < nameBox.y + nameBox.height;
    expect(overlap).toBe(false);
  });

  test('7. a new test shows no errors before typing, offers templates, and a test can be duplicated', async ({ page }) => {
    await signIn(page, 'erin');
    await page.goto('/tests/new');
    await expect(page.getByTestId('definition-form')).toBeVisible(APPEAR);
    await expect(problems(page)).toContainText('0 errors, 0 warnings');
    await expect(page.getByTestId('field-issues')).toHaveCount(0);
    await expect(page.locator('[aria-invalid="true"]')).toHaveCount(0);

    await page.getByRole('button', { name: /^Three-way/ }).click();
    await expect(rangeBuckets(page, 1)).toHaveCount(3);
    await expect(rangeBuckets(page, 1).nth(2)).toHaveValue('2');
    await expect(problems(page)).toContainText('0 errors');
    await page.getByRole('button', { name: /^A\/B 50\/50 with room to grow/ }).click();
    await expect(page.getByLabel('Allocation 1 range 2 percent')).toHaveValue('80');

    // Typing starts the checks: a name, and the description it still needs.
    await page.locator('#field-name').fill(uniqueTestName('tpl'));
    await expect(problems(page)).toContainText('1 error');
    await expect(page.getByTestId('issue-summary')).toContainText('Description is required.');

    await page.goto(`/tests/${TEST}`);
    await page.getByRole('link', { name: 'Duplicate this test' }).click();
    await expect(page).toHaveURL(new RegExp(`/tests/new\\?copy=${TEST}$`));
    await expect(page.locator('#field-name')).toHaveValue(`${TEST}_copy`);
    await expect(page.locator('#field-salt')).toHaveValue(`&${TEST}_copy`);
    await expect(problems(page)).toContainText('0 errors');
  });
});
