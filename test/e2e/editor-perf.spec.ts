import { expect, test } from '@playwright/test';
import { newTestDefinition } from '../../lib/editor/editor-document';
import { serializeDefinition, type TestDefinition } from '../../lib/proctor';
import { apiToken, signIn, uniqueTestName } from './support/session';

/**
 * Typing responsiveness on a big test (50 buckets, 20 allocations): time from keydown to the frame after React's
 * commit, per keystroke, in the description field and in a range percentage. Printed, not asserted (no timing
 * thresholds in tests).
 */
function bigDefinition(name: string): TestDefinition {
  const buckets = [{ name: 'inactive', value: -1, description: '' }, ...Array.from({ length: 49 }, (_, i) => ({ name: `b${i}`, value: i, description: `Bucket ${i}` }))];
  const allocations = Array.from({ length: 20 }, (_, a) => ({
    rule: a === 19 ? null : `country == 'C${a}'`,
    ranges: [{ bucketValue: -1, length: 0.51 }, ...Array.from({ length: 49 }, (_, i) => ({ bucketValue: i, length: 0.01 }))],
    id: '',
    name: '',
  }));
  return { ...newTestDefinition(name), description: 'Big test', buckets, allocations };
}

test('keystroke latency on a test with 50 buckets and 20 allocations', async ({ page, request }) => {
  test.setTimeout(120_000);
  const token = await apiToken(request, 'priya');
  const issue = await request.post('/api/v1/issues', { headers: { authorization: `Bearer ${token}` }, data: { summary: 'perf', type: 'ProTest' } });
  const name = uniqueTestName('edperf');
  const created = await request.post('/api/v1/tests', {
    headers: { authorization: `Bearer ${token}` },
    data: { name, definition: serializeDefinition(bigDefinition(name)), issueKey: (await issue.json()).key },
  });
  expect(created.status(), await created.text()).toBe(201);
  await signIn(page, 'erin');
  await page.goto(`/tests/${name}/edit`);
  await expect(page.getByTestId('allocation')).toHaveCount(20);
  await page.evaluate(() => {
    const w = window as unknown as { __latencies: number[] };
    w.__latencies = [];
    document.addEventListener(
      'keydown',
      () => {
        const start = performance.now();
        requestAnimationFrame(() => setTimeout(() => w.__latencies.push(performance.now() - start), 0));
      },
      true,
    );
  });
  const measure = async (label: string, locator: ReturnType<typeof page.locator>, keys: string) => {
    await locator.click();
    await page.evaluate(() => ((window as unknown as { __latencies: number[] }).__latencies = []));
    await locator.pressSequentially(keys, { delay: 60 });
    await page.waitForTimeout(300);
    const values = (await page.evaluate(() => (window as unknown as { __latencies: number[] }).__latencies)).sort((a, b) => a - b);
    const median = values[Math.floor(values.length / 2)];
    const p95 = values[Math.min(values.length - 1, Math.floor(values.length * 0.95))];
    console.log(`[editor-perf] ${label}: ${values.length} keystrokes, median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${values[values.length - 1].toFixed(1)} ms`);
    expect(values.length).toBeGreaterThan(0);
  };
  await measure('description field', page.locator('#field-description'), ' with more words typed here');
  await measure('range percentage', page.getByLabel('Allocation 10 range 1 percent'), '0.5');
});
