/**
 * Issue #17, "Rules: catch seed 004's mistake before QA has to", in Chromium against the production build: the rule
 * lint at the field and in Problems, "What this change admits" in the rule helper, an unknown (misspelled) variable
 * checked against the rule context the team edits in the app, Bucket check's one context syntax and plain-words
 * explanation, and the "force me into this bucket" links.
 */
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { newTestDefinition } from '../../lib/editor/editor-document';
import { serializeDefinition, type TestDefinition } from '../../lib/proctor';
import { apiToken, signIn, uniqueTestName } from './support/session';

const SHOTS = 'test-results/rule-lint';
const SEED_004 = "(lang=='en' && country=='US') || country=='CA'";

function englishOnly(name: string): TestDefinition {
  return {
    ...newTestDefinition(name),
    description: 'Rule lint e2e test',
    rule: "lang == 'en'",
    allocations: [{ rule: null, ranges: [{ bucketValue: -1, length: 0.5 }, { bucketValue: 0, length: 0.25 }, { bucketValue: 1, length: 0.25 }], id: '', name: '' }],
  };
}

async function createTest(request: APIRequestContext, token: string, name: string): Promise<void> {
  const issue = await request.post('/api/v1/issues', { headers: { authorization: `Bearer ${token}` }, data: { summary: 'Rule lint e2e', type: 'ProTest' } });
  expect(issue.status()).toBe(201);
  const created = await request.post('/api/v1/tests', {
    headers: { authorization: `Bearer ${token}` },
    data: { name, definition: serializeDefinition(englishOnly(name)), issueKey: (await issue.json()).key },
  });
  expect(created.status(), await created.text()).toBe(201);
}

async function ensureTeamVariables(request: APIRequestContext, token: string, names: string[]): Promise<void> {
  const headers = { authorization: `Bearer ${token}` };
  const schema = await (await request.get('/api/v1/context-schema', { headers })).json();
  const variables: { name: string; type: string; description?: string }[] = schema.variables;
  const missing = names.filter((name) => !variables.some((variable) => variable.name === name));
  if (missing.length === 0) return;
  const saved = await request.put('/api/v1/context-schema', {
    headers,
    data: { baseRevision: schema.revision, variables: [...variables, ...missing.map((name) => ({ name, type: 'String', description: `the user's ${name}` }))] },
  });
  expect(saved.status(), await saved.text()).toBe(200);
}

async function typeRule(page: Page, rule: string): Promise<void> {
  const field = page.locator('#field-rule');
  await field.fill('');
  await field.pressSequentially(rule, { delay: 5 });
}

test.describe('rule lint', () => {
  let token: string;
  test.beforeAll(async ({ request }) => {
    token = await apiToken(request, 'priya');
    // The server is shared with other specs, whose applications may register a providedContext without lang: the
    // team's list names the variables these rules use, so only the misspelling is unknown.
    await ensureTeamVariables(request, token, ['country', 'lang']);
  });

  test("seed 004's rule: the lint warns at the field and in Problems, and the helper shows fr-CA newly admitted", async ({ page, request }) => {
    const name = uniqueTestName('lint004');
    await createTest(request, token, name);
    await signIn(page, 'erin');
    await page.goto(`/tests/${name}/edit`);
    const admits = page.getByTestId('rule-admits');
    await expect(admits).toContainText('the edited rules admit and keep out the same people');

    await typeRule(page, SEED_004);
    const warning = "lang=='en' applies only to country=='US': country=='CA' is admitted even when lang=='en' is false";
    const field = page.locator('#field-rule').locator('xpath=..');
    await expect(field.getByTestId('field-issues')).toContainText(warning);
    await expect(field.getByTestId('field-issues')).toContainText("write lang=='en' && (country=='US' || country=='CA')");
    await expect(page.getByTestId('issue-summary')).toContainText(warning);
    await expect(page.getByTestId('save-status')).not.toContainText('No problems');
    // What the edit admits on the sample contexts (the saved rule was lang == 'en'): French speakers in Canada, who
    // were kept out, come in; English speakers in Britain go.
    await expect(admits.locator('[data-change="admitted"]')).toHaveText([/lang=fr, country=CA.*now admitted \(allocation 1\)/]);
    await expect(admits.locator('[data-change="refused"]')).toHaveText([/lang=en, country=GB.*now kept out/]);
    await page.getByTestId('truth-table').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/seed-004.png`, fullPage: false });

    // Without parentheses: the lint shows how EL groups it.
    await typeRule(page, "lang=='en' && country=='US' || country=='CA'");
    await expect(field.getByTestId('field-issues')).toContainText("&& binds tighter, so this reads as (lang=='en' && country=='US') || country=='CA'");

    // As meant: no rule warning, and the edit admits nobody new.
    await typeRule(page, "lang=='en' && (country=='US' || country=='CA')");
    await expect(field.getByTestId('field-issues')).toHaveCount(0);
    await expect(admits.locator('[data-change="admitted"]')).toHaveCount(0);
    await expect(admits.locator('[data-change="refused"]')).toHaveText([/lang=en, country=GB/]);
  });

  test('the Result column of the rule helper is never clipped, at 1280 and 390 px', async ({ page, request }) => {
    const name = uniqueTestName('lintwide');
    await createTest(request, token, name);
    await signIn(page, 'erin');
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`/tests/${name}/edit`);
      const table = page.getByTestId('truth-table');
      await table.scrollIntoViewIfNeeded();
      const container = await table.locator('xpath=..').boundingBox();
      for (const cell of await page.getByTestId('truth-result').all()) {
        const box = (await cell.boundingBox())!;
        expect(box.x + box.width, `Result cell inside its scroll box at ${width} px`).toBeLessThanOrEqual(container!.x + container!.width + 0.5);
        expect(box.x + box.width, `Result cell on screen at ${width} px`).toBeLessThanOrEqual(width);
      }
    }
  });

  test('a misspelled variable is named, with the nearest one from the rule context the team edits in the app', async ({ page, request }) => {
    const name = uniqueTestName('lintvar');
    await createTest(request, token, name);
    await signIn(page, 'erin');
    // The team's list, edited on the Rule context page (saved through PUT /api/v1/context-schema): cohort is added
    // there (country and lang were listed by beforeAll).
    await page.goto('/context-schema');
    const editor = page.getByTestId('context-schema-editor');
    const listed = await editor.locator('input[aria-label$=" name"]').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
    if (!listed.includes('cohort')) {
      const rows = await editor.locator('[data-variable-row]').count();
      await editor.getByRole('button', { name: 'Add a variable' }).click();
      await editor.getByLabel(`Variable ${rows + 1} name`).fill('cohort');
      await editor.getByLabel(`Variable ${rows + 1} description`).fill('the beta cohort the user belongs to');
      await editor.getByRole('button', { name: 'Save the list' }).click();
      await expect(page.getByTestId('context-schema-status')).toContainText('Saved (revision');
    }
    const schema = await request.get('/api/v1/context-schema', { headers: { authorization: `Bearer ${token}` } });
    expect((await schema.json()).known).toEqual(expect.arrayContaining(['country', 'lang', 'cohort']));

    await page.goto(`/tests/${name}/edit`);
    await typeRule(page, "cohort=='beta' && contry=='US'");
    const field = page.locator('#field-rule').locator('xpath=..');
    await expect(field.getByTestId('field-issues')).toContainText('Unknown variable contry');
    await expect(field.getByTestId('field-issues')).toContainText('Did you mean country?');
    await expect(page.getByTestId('issue-summary')).toContainText('Did you mean country?');
    await typeRule(page, "cohort=='beta' && country=='US'");
    await expect(field.getByTestId('field-issues')).toHaveCount(0);
  });

  test('Bucket check: name=value context, a missing variable in words, old results cleared on error; force links per bucket', async ({ page, request }) => {
    const name = uniqueTestName('lintcheck');
    await createTest(request, token, name);
    await signIn(page, 'quinn');
    await page.goto(`/tests/${name}?tab=bucket-check`);
    await page.locator('#bc-identifier').fill('user-42');
    await page.locator('#bc-context').fill('country=CA');
    await page.getByRole('button', { name: 'Check bucket' }).click();
    const trunk = page.locator('[data-bucket-env="trunk"]');
    await expect(trunk.getByTestId('bucket-check-explanation')).toContainText('The rules use lang, which the context does not give');
    // Proctor's own text is kept, folded under "Proctor says".
    const proctorText = trunk.getByText('ELResolver cannot handle a null base Object with identifier [lang]');
    await expect(proctorText).toBeHidden();
    await trunk.getByText('Proctor says').click();
    await expect(proctorText).toBeVisible();

    await page.locator('#bc-context').fill('lang=fr, country=CA');
    await page.getByRole('button', { name: 'Check bucket' }).click();
    await expect(trunk).toContainText('is false for this context');
    await expect(trunk.getByTestId('bucket-check-explanation')).toHaveCount(0);

    // A context that cannot be read: said in words, and the previous answer is gone.
    await page.locator('#bc-context').fill('lang fr');
    await page.getByRole('button', { name: 'Check bucket' }).click();
    await expect(page.getByText('The context cannot be read. "lang fr" is not name=value')).toBeVisible();
    await expect(page.locator('[data-bucket-env]')).toHaveCount(0);

    // Force me into a bucket: Proctor's prforceGroups form (name followed by the value), as a link once the address is known.
    const force = page.locator('[data-force-env="trunk"]');
    await expect(force.locator('[data-force-bucket="1"]')).toContainText(`prforceGroups=${name}1`);
    await force.getByLabel('Application address in trunk').fill('https://app.example.test/search?q=java');
    await expect(force.locator('[data-force-bucket="0"] a')).toHaveAttribute('href', `https://app.example.test/search?q=java&prforceGroups=${name}0`);
    await page.screenshot({ path: `${SHOTS}/bucket-check.png`, fullPage: true });
  });

  test('screenshots of the rule helper with seed 004 typed, at 1280 and 390 px, light and dark', async ({ page, request }) => {
    const name = uniqueTestName('lintshot');
    await createTest(request, token, name);
    await signIn(page, 'erin');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(`/tests/${name}/edit`);
        await typeRule(page, SEED_004);
        await expect(page.getByTestId('rule-admits').locator('[data-change="admitted"]')).toHaveCount(1);
        const aside = page.getByRole('complementary', { name: 'Problems and rule helper' });
        await aside.scrollIntoViewIfNeeded();
        await aside.screenshot({ path: `docs/screenshots/rule-helper-${width}${scheme === 'dark' ? '-dark' : ''}.png` });
      }
    }
  });
});
