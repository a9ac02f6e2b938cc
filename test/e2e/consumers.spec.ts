/**
 * A real application (lib/client in test/support/distribution-client-process.ts) reports itself to the e2e server with
 * an application token: it shows on the Consumers page and on the test's Usage tab, and a promotion that would give it
 * a bucket value its specification does not know is refused in the promote dialog, naming the application.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { apiToken, signIn } from './support/session';
import { expectAccessible } from './support/ui';

// A seeded test that is on qa and that no other spec changes.
const TEST = 'new_saved_jobs_page';
const ENV = 'qa';
const VERSION = '2.3.0';
// Test runs write their pictures under test-results/; scripts/screenshots.mjs regenerates docs/screenshots/.
const SHOTS = 'test-results/screenshots';

interface ClientLine {
  event: string;
  revision?: string | null;
  message?: string;
}

/** The client process: one JSON line per event on stdout. */
function startClient(options: Record<string, unknown>) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--import', 'tsx', path.resolve('test/support/distribution-client-process.ts'), JSON.stringify(options)], { cwd: process.cwd() });
  const lines: ClientLine[] = [];
  let stderr = '';
  let rest = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) if (part.trim()) lines.push(JSON.parse(part) as ClientLine);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return {
    lines,
    stderr: () => stderr,
    stop: () => child.kill('SIGTERM'),
  };
}

interface ApiBody {
  token: string;
  prefix: string;
  key: string;
  revision: string;
  definition: { buckets: { name: string; value: number; description: string }[]; allocations: { ranges: { bucketValue: number; length: number }[] }[] };
}

async function json(response: Awaited<ReturnType<APIRequestContext['get']>>, what: string): Promise<ApiBody> {
  if (!response.ok()) throw new Error(`${what}: ${response.status()} ${await response.text()}`);
  return (await response.json()) as ApiBody;
}

let client: ReturnType<typeof startClient> | null = null;

test.afterAll(() => client?.stop());

test('a running application shows on Consumers and the Usage tab; a promotion it cannot load is refused naming it', async ({ browser, request }) => {
  test.setTimeout(120_000);
  const baseUrl = process.env.E2E_BASE_URL!;
  // Only this spec starts applications, and every run has a fresh server: a fixed name keeps the screenshots stable.
  const application = 'jobs-web';

  // avery (admin) creates the application token through the API.
  const admin = { authorization: `Bearer ${await apiToken(request, 'avery')}` };
  const created = await json(await request.post('/api/v1/consumers/tokens', { headers: admin, data: { name: `${application} ${ENV}`, environment: ENV } }), 'application token');
  expect(created.token).toMatch(/^pct_/);

  // The specification requires the test with exactly the buckets qa has now.
  const editor = { authorization: `Bearer ${await apiToken(request, 'erin')}` };
  const qa = await json(await request.get(`/api/v1/tests/${TEST}?env=${ENV}`, { headers: editor }), 'qa definition');
  const buckets = Object.fromEntries(qa.definition.buckets.map((bucket) => [bucket.name, bucket.value]));
  const specification = { tests: { [TEST]: { fallbackValue: -1, buckets } }, providedContext: { loggedIn: 'boolean', country: 'String' } };

  // Nothing has reported yet (only this spec starts applications): the page explains how applications report themselves.
  const page = await (await browser.newContext()).newPage();
  await signIn(page, 'avery');
  await page.goto('/consumers');
  // Streamed pages hold their content hidden until it is swapped in: wait until it is shown.
  await expect(page.getByTestId('consumers-empty')).toBeVisible();
  await expect(page.getByTestId('consumers-empty')).toContainText('Create an application token below');
  await expect(page.getByTestId('consumers-empty')).toContainText('/api/v1/heartbeat');
  await page.screenshot({ path: 'test-results/consumers/empty.png', fullPage: true });

  // Admins create (shown once), list and revoke application tokens on the page.
  const form = page.getByRole('form', { name: 'Create an application token' });
  await form.getByLabel('Application token name').fill('made in the ui');
  await form.getByLabel('May report').selectOption('production');
  await form.getByRole('button', { name: 'Create application token' }).click();
  await expect(page.getByTestId('new-app-token')).toHaveText(/^pct_\S+$/);
  const madeRow = page.locator('[data-app-token-name="made in the ui"]');
  await expect(madeRow).toContainText('production');
  page.once('dialog', (dialog) => void dialog.accept());
  await madeRow.getByRole('button', { name: 'Revoke application token made in the ui' }).click();
  await expect(madeRow).toContainText('revoked');

  client = startClient({
    baseUrl,
    environment: ENV,
    specification,
    application: { name: application, version: VERSION, instanceId: `${application}-1` },
    token: created.token,
    heartbeatIntervalMs: 5_000,
    backoff: { initialMs: 200, maxMs: 1_000 },
  });
  await expect.poll(() => client!.lines.find((line) => line.event === 'ready' || line.event === 'fatal')?.event ?? client!.stderr().slice(-500), { timeout: 30_000 }).toBe('ready');
  const ready = client.lines.find((line) => line.event === 'ready')!;
  expect(ready.revision).toMatch(/^[0-9a-f]{40}$/);
  const short = ready.revision!.slice(0, 7);

  // The Consumers page: the application in qa, on the current revision, with the propagation line.
  const row = page.locator(`[data-consumers-env="${ENV}"] tr[data-consumer="${application} ${VERSION}"]`);
  await expect(async () => {
    await page.goto('/consumers');
    await expect(row).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByRole('link', { name: 'Consumers' })).toHaveAttribute('aria-current', 'page');
  await expect(row.locator('[data-instances]')).toHaveText('1');
  await expect(row.locator(`[data-revision="${ready.revision}"]`)).toHaveAttribute('data-revision-state', 'current');
  await expect(row.locator(`[data-revision="${ready.revision}"]`)).toContainText(`r${short}`);
  await expect(row).toContainText(TEST);
  await expect(row.locator('[data-fallback-tests]')).toHaveText('none');
  await expect(page.locator(`[data-propagation="${ENV}"]`)).toHaveText(new RegExp(`^${ENV} r${short}: \\d+ of \\d+ instances?, oldest \\d+ s ago$`));
  await expect(page.locator('[data-consumers-env="production"]')).toContainText('live traffic');
  // Admins see the application tokens (never the secret).
  await expect(page.getByRole('table', { name: 'Application tokens' }).locator(`[data-app-token-name="${application} ${ENV}"]`)).toContainText(created.prefix);
  await expect(page.locator('body')).not.toContainText(created.token);
  await expectAccessible(page, 'consumers page');
  await page.screenshot({ path: `${SHOTS}/consumers.png` });

  // The Usage tab: required in qa, the current definition and trunk's are compatible.
  await page.goto(`/tests/${TEST}?tab=usage`);
  await expect(page.getByRole('navigation', { name: 'Test sections' }).getByRole('link', { name: 'Usage' })).toHaveAttribute('aria-current', 'page');
  const usage = page.locator(`[data-usage-env="${ENV}"] tr[data-usage-app="${application} ${VERSION}"]`);
  await expect(usage.locator('[data-use]')).toHaveText('required');
  await expect(usage.locator('[data-check="current"] [data-compatible]')).toHaveAttribute('data-compatible', 'yes');
  await expect(usage.locator('[data-check="candidate"] [data-compatible]')).toHaveAttribute('data-compatible', 'yes');
  await expect(page.locator('[data-usage-env="production"]')).toContainText('No active application in production');
  await expectAccessible(page, 'usage tab');
  await page.screenshot({ path: `${SHOTS}/test-usage.png` });

  // A trunk change that gives a bucket value the application does not know a positive allocation.
  const issue = await json(await request.post('/api/v1/issues', { headers: editor, data: { type: 'ProTest', summary: `e2e ${TEST} new bucket` } }), 'issue');
  const issueKey = issue.key as string;
  const trunk = await json(await request.get(`/api/v1/tests/${TEST}?env=trunk`, { headers: editor }), 'trunk definition');
  const changed = structuredClone(trunk.definition);
  const unknown = Math.max(...Object.values(buckets)) + 1;
  changed.buckets.push({ name: 'beta', value: unknown, description: 'not in the application yet' });
  changed.allocations = [{ ...changed.allocations[0], ranges: [{ bucketValue: -1, length: 0.9 }, { bucketValue: unknown, length: 0.1 }] }];
  await json(await request.put(`/api/v1/tests/${TEST}`, { headers: editor, data: { definition: changed, baseRevision: trunk.revision, issueKey } }), 'trunk save');
  for (const to of ['In Progress', 'QA Ready']) await json(await request.post(`/api/v1/issues/${issueKey}/transitions`, { headers: editor, data: { to } }), `issue → ${to}`);

  // The Usage tab now says the candidate would not load, with Proctor's message.
  await page.reload();
  const refusal = `${application} ${VERSION} cannot load test '${TEST}': Proctor specification in your application does not contain bucket value: ${unknown}`;
  await expect(usage.locator('[data-check="candidate"] [data-compatible]')).toHaveAttribute('data-compatible', 'no');
  await expect(usage.locator('[data-check="candidate"]')).toContainText(refusal);
  await expect(usage.locator('[data-check="current"] [data-compatible]')).toHaveAttribute('data-compatible', 'yes');

  // rex tries to promote it to qa in the dialog: refused, naming the application.
  const releaser = await (await browser.newContext()).newPage();
  await signIn(releaser, 'rex');
  await releaser.goto(`/tests/${TEST}`);
  await releaser.getByRole('button', { name: 'Promote…' }).click();
  const dialog = releaser.getByRole('dialog');
  await dialog.getByRole('radio', { name: /qa/i }).check();
  await dialog.getByLabel('Issue key').fill(issueKey);
  await expect(dialog.locator('[data-issue-allows="yes"]')).toBeVisible();
  // The pre-check refuses before anyone clicks (issue #16): Promote stays disabled, and the dialog names the application.
  const refused = dialog.getByTestId('promote-refusal');
  await expect(refused).toHaveAttribute('data-refusal-code', 'INCOMPATIBLE_WITH_CONSUMERS');
  await expect(refused).toContainText(refusal);
  await expect(refused).toContainText(application);
  await expect(dialog.getByRole('button', { name: `Promote to ${ENV}` })).toBeDisabled();
  await releaser.screenshot({ path: 'test-results/consumers/promote-refused.png' });

  // qa did not move: the application still holds the revision it started with, and it is still current.
  await page.goto('/consumers');
  await expect(row.locator(`[data-revision="${ready.revision}"]`)).toHaveAttribute('data-revision-state', 'current');
});
