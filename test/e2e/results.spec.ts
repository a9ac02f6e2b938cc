/**
 * Issue #20 in the browser: Results → history graph → "End the test choosing green" → the editor prefilled → save.
 * The test is this spec's own copy of checkout_button_color, released to production through the real workflow; its
 * events come from the REAL Node client (getGroups / activate / track) through the REAL endpoint, over three simulated
 * days, so the spec depends on no other spec's state.
 */
import { expect, test, type APIRequestContext } from '@playwright/test';
import { createProctorClient } from '../../lib/client';
import { apiToken, appOrigin, signIn, uniqueTestName } from './support/session';
import { createTestWithIssue, expectAccessible, saveWithIssue } from './support/ui';

type Who = 'erin' | 'rex' | 'quinn' | 'avery';
let tokens: Record<Who, string>;

test.beforeAll(async ({ request }) => {
  tokens = { erin: await apiToken(request, 'erin'), rex: await apiToken(request, 'rex'), quinn: await apiToken(request, 'quinn'), avery: await apiToken(request, 'avery') };
});

async function call<T>(request: APIRequestContext, who: Who, method: 'get' | 'post', url: string, data?: unknown): Promise<T> {
  const response = await request[method](url, { headers: { authorization: `Bearer ${tokens[who]}` }, data });
  expect(response.ok(), `${who} ${method.toUpperCase()} ${url}: ${response.status()} ${await response.text()}`).toBe(true);
  return (await response.json()) as T;
}

async function promote(request: APIRequestContext, name: string, to: 'qa' | 'production', issueKey: string, from: 'trunk' | 'qa') {
  const revision = (await call<{ revision: string }>(request, 'rex', 'get', `/api/v1/tests/${name}?env=${from}`)).revision;
  const target = await request.get(`/api/v1/tests/${name}?env=${to}`, { headers: { authorization: `Bearer ${tokens.rex}` } });
  const targetRevision = target.ok() ? ((await target.json()).revision as string) : null;
  await call(request, 'rex', 'post', `/api/v1/tests/${name}/promotions`, { from, to, revision, targetRevision, issueKey });
}

/** Three days of visitors: green converts twice as often as control and orange. */
async function recordTraffic(request: APIRequestContext, name: string) {
  const created = await call<{ token: string }>(request, 'avery', 'post', '/api/v1/consumers/tokens', { name: `e2e events ${name}`, environment: 'production', scope: 'events' });
  const HOUR = 3_600_000;
  let now = Math.floor((Date.now() - 3 * 24 * HOUR) / HOUR) * HOUR;
  const client = await createProctorClient({
    baseUrl: appOrigin(),
    environment: 'production',
    specification: { tests: { [name]: { fallbackValue: -1 } }, providedContext: { country: 'String' } },
    stream: false,
    pollIntervalMs: 0,
    events: { token: created.token, batchSize: 500, maxBatchEvents: 1000, flushIntervalMs: 60_000, clock: () => now },
  });
  expect(client.revision, 'the client loaded the production matrix').toBeTruthy();
  let seed = 7;
  const rng = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const RATE: Record<number, number> = { 0: 0.15, 1: 0.3, 2: 0.15 };
  for (let unit = 0; unit < 1500; unit++) {
    now += (3 * 24 * HOUR) / 1500;
    const identifiers = { USER: `e2e-user-${unit}` };
    const bucket = client.getGroups(identifiers, { country: 'US' }).activate(name);
    if (bucket >= 0 && rng() < RATE[bucket]) client.track('purchase', identifiers, { unique: true });
    if (unit % 250 === 249) while (!(await client.flush())) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  while (!(await client.flush())) await new Promise((resolve) => setTimeout(resolve, 200));
  await client.close();
}

test('Results → history graph → end the test choosing green → the editor prefilled → save', async ({ page, request }) => {
  test.setTimeout(120_000);
  const name = uniqueTestName('results');
  const { issueKey } = await createTestWithIssue(request, name);
  await call(request, 'erin', 'post', `/api/v1/issues/${issueKey}/transitions`, { to: 'In Progress' });
  await call(request, 'erin', 'post', `/api/v1/issues/${issueKey}/transitions`, { to: 'QA Ready' });
  await promote(request, name, 'qa', issueKey, 'trunk');
  await call(request, 'quinn', 'post', `/api/v1/issues/${issueKey}/verify`, {});
  await promote(request, name, 'production', issueKey, 'qa');
  await recordTraffic(request, name);

  await signIn(page, 'erin');
  await page.goto(`/tests/${name}`);
  await page.getByRole('navigation', { name: 'Test sections' }).getByRole('link', { name: 'Results' }).click();
  const panel = page.getByTestId('results-panel');
  // Arms by bucket NAME; control is the baseline, the test buckets have a lift with interval, a p-value and a verdict.
  const table = panel.locator('table[data-goal="purchase"]');
  await expect(table.locator('tr[data-bucket="control"]')).toContainText('The baseline');
  const green = table.locator('tr[data-bucket="green"]');
  await expect(green).toContainText(/[+−]\d+\.\d% \([+−]?\d+\.\d% to [+−]?\d+\.\d%\)/);
  await expect(green).toContainText(/p (=|<) 0\.\d+/);
  await expect(green.locator('[data-verdict]')).toHaveText('Better than control');
  await expect(table.locator('tr[data-bucket="orange"] [data-verdict]')).toBeVisible();
  await expect(panel.getByTestId('fallback-units')).toContainText('not in the test');

  // The history graph: three charts drawn by recharts, and the same in text.
  const history = panel.getByTestId('results-history');
  await expect(history.getByText('Units exposed per day')).toBeVisible();
  await expect(history.locator('.recharts-wrapper')).toHaveCount(3);
  await history.getByText('The history as text').click();
  await expect(history.getByTestId('history-text').locator('tr', { hasText: 'green' })).toContainText(/\d+\.\d% \(/);
  await expectAccessible(page, 'results tab');

  // The decision goes through the editor: the change prepared, nobody in green moves, saved under the issue.
  await panel.getByRole('link', { name: 'End the test choosing green' }).click();
  await expect(page).toHaveURL(new RegExp(`/tests/${name}/edit\\?endChoosing=green`));
  await expect(page.getByTestId('prepared-change')).toContainText('Nobody already in green moves');
  await page.getByRole('button', { name: 'Save…' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.locator('#save-issue')).toHaveValue(issueKey);
  await expect(dialog.locator('#save-comment')).toHaveValue(/End the test choosing green/);
  await page.keyboard.press('Escape');
  await saveWithIssue(page, issueKey);
  await expect(page).toHaveURL(new RegExp(`/tests/${name}$`));

  const saved = await call<{ text: string }>(request, 'erin', 'get', `/api/v1/tests/${name}?env=trunk`);
  const definition = JSON.parse(saved.text) as { allocations: { ranges: { bucketValue: number; length: number }[] }[] };
  for (const allocation of definition.allocations) expect(allocation.ranges).toEqual([{ bucketValue: 1, length: 1 }]);
});
