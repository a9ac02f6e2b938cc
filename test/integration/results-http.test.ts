/**
 * Results over HTTP against the production build (issue #20), fed by the demo traffic: scripts/simulate.ts runs
 * simulated users through the REAL client against the REAL events endpoint (a planted winner in checkout_button_color,
 * a flat search_ranking_algo, a planted sample-ratio mismatch in mobile_apply_flow). The simulator is seeded, so the
 * traffic is the same each run. Also: who may read and change, the CSV export, the settings lock and the conclusion 409.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, REPO_ROOT, startAppServer, type AppServer } from '../support/app-server';
import { DEMO_TRAFFIC_ARGS } from '../../scripts/demo-traffic.mjs';

let app: AppServer;
let admin: ApiClient;
let quinn: ApiClient;
let erin: ApiClient;

const results = (test: string) => admin.get(`/api/v1/tests/${test}/results?environment=production`);

beforeAll(async () => {
  app = await startAppServer({ env: { PROCTOR_DEMO_TRAFFIC: '0' } });
  // The demo's own traffic (scripts/start.mjs runs the same arguments on a fresh database): what a newcomer sees.
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts', 'simulate.ts'), '--url', app.baseUrl, ...DEMO_TRAFFIC_ARGS], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 900_000,
  });
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  // Signed in after the traffic: a keep-alive socket left idle through the run can be closed under the first request.
  admin = await new ApiClient(app.baseUrl).login('avery');
  quinn = await new ApiClient(app.baseUrl).login('quinn');
  erin = await new ApiClient(app.baseUrl).login('erin');
}, 1_200_000);
afterAll(async () => {
  await app?.stop();
});

/** Every comment on any issue that announces an SRM in `testName`. */
async function srmNotices(testName: string): Promise<string[]> {
  const list = await admin.get('/api/v1/issues?limit=200');
  expect(list.status, list.text).toBe(200);
  const bodies: string[] = [];
  for (const { key } of list.json.issues as Array<{ key: string }>) {
    const issue = await admin.get(`/api/v1/issues/${key}`);
    for (const comment of issue.json.comments as Array<{ body: string }>) if (comment.body.includes(`Sample-ratio mismatch in ${testName}`)) bodies.push(comment.body);
  }
  return bodies;
}

describe('after ingest', () => {
  // First in this file: nobody has opened any results yet. The check follows the traffic by at most a minute.
  it('comments the planted mismatch on the test\'s issue without anyone opening the results', async () => {
    const deadline = Date.now() + 90_000;
    let notices = await srmNotices('mobile_apply_flow');
    while (notices.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      notices = await srmNotices('mobile_apply_flow');
    }
    expect(notices).toHaveLength(1);
    expect(await srmNotices('checkout_button_color')).toEqual([]);
  }, 120_000);
});

describe('results of the demo traffic', () => {
  it('finds the planted winner: green is better on purchase, significantly', async () => {
    const response = await results('checkout_button_color');
    expect(response.status, response.text).toBe(200);
    const current = response.json.phases.at(-1);
    expect(current.enoughData.ok).toBe(true);
    const green = current.comparisons.find((c: any) => c.goal === 'purchase' && c.bucket === 1);
    expect(green.verdict).toBe('better');
    expect(green.pValue).toBeLessThan(0.05);
    expect(green.relativeLift.interval[0]).toBeGreaterThan(0);
    expect(current.srm.level).not.toBe('mismatch');
    expect(response.json.health).toBe('significant');
  });

  it('finds nothing in the flat test', async () => {
    const response = await results('search_ranking_algo');
    expect(response.status, response.text).toBe(200);
    const current = response.json.phases.at(-1);
    expect(current.arms.every((a: any) => a.exposedUnits > 0)).toBe(true);
    // The simulator's flat goals for this test: the learned weights change neither applies nor refined searches.
    const flat = current.comparisons.filter((c: any) => c.goal === 'apply' || c.goal === 'search_refined');
    expect(flat.map((c: any) => c.goal).sort()).toEqual(['apply', 'search_refined']);
    for (const c of flat) expect([c.goal, c.verdict]).toEqual([c.goal, c.goal === 'apply' ? 'inconclusive' : expect.stringMatching(/^(inconclusive|not-enough-data)$/)]);
    expect(current.srm.level).not.toBe('mismatch');
  });

  it('detects the planted sample-ratio mismatch and comments it on the test\'s issue once', async () => {
    const response = await results('mobile_apply_flow');
    expect(response.status, response.text).toBe(200);
    const current = response.json.phases.at(-1);
    expect(current.srm.level).toBe('mismatch');
    expect(current.srm.pValue).toBeLessThan(0.001);
    expect(response.json.health).toBe('srm');
    await results('mobile_apply_flow');
    const issueKey = [...current.revisions].reverse().find((r: any) => r.issueKey).issueKey;
    const issue = await admin.get(`/api/v1/issues/${issueKey}`);
    const notices = (issue.json.comments as Array<{ body: string }>).filter((c) => c.body.includes('Sample-ratio mismatch in mobile_apply_flow'));
    expect(notices).toHaveLength(1);
  });

  it('shows the badges on the tests list and the history by day', async () => {
    const health = await quinn.get('/api/v1/results-health');
    expect(health.status).toBe(200);
    const badge = (test: string) => health.json.tests.find((t: any) => t.testName === test && t.environment === 'production')?.health;
    expect([badge('checkout_button_color'), badge('mobile_apply_flow')]).toEqual(['significant', 'srm']);
    const history = await quinn.get('/api/v1/tests/checkout_button_color/results/history?environment=production&goal=purchase');
    expect(history.status, history.text).toBe(200);
    const green = history.json.buckets.find((b: any) => b.bucket === 1);
    expect(green.points.length).toBeGreaterThan(5);
    const last = green.points.at(-1);
    expect(last.cumulativeUnits).toBe(green.points.filter((p: any) => p.phase === last.phase).reduce((s: number, p: any) => s + p.exposedUnits, 0));
  });

  it('exports CSV', async () => {
    const csv = await quinn.get('/api/v1/tests/checkout_button_color/results.csv?environment=production');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toMatch(/^phase,phase_started_at,bucket,bucket_name,/);
    expect(lines.some((l) => /,green,.*,purchase,binary,.*,better,/.test(l))).toBe(true);
  });
});

describe('who may read and change', () => {
  it('reading needs a signed-in user; settings and conclusion need an editor', async () => {
    const anonymous = new ApiClient(app.baseUrl);
    expect((await anonymous.get('/api/v1/tests/checkout_button_color/results?environment=production')).status).toBe(401);
    expect((await anonymous.get('/api/v1/results-health')).status).toBe(401);
    const settings = { alpha: 0.05, correction: 'holm', mode: 'fixed', controlBucket: 0, sequentialN: 5000 };
    expect((await quinn.put('/api/v1/tests/checkout_button_color/results/settings', settings)).status).toBe(403);
    expect((await quinn.put('/api/v1/tests/checkout_button_color/conclusion', { hypothesis: 'h', result: 'r', decision: 'd', expectedRevision: 0 })).status).toBe(403);
  });

  it('locks the mode once there is data (409 with the rule), validates α', async () => {
    const base = { alpha: 0.05, correction: 'holm', mode: 'fixed', controlBucket: 0, sequentialN: 5000 };
    const ok = await erin.put('/api/v1/tests/checkout_button_color/results/settings', base);
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json.modeLockedBy).toContain('production');
    const locked = await erin.put('/api/v1/tests/checkout_button_color/results/settings', { ...base, mode: 'sequential' });
    expect(locked.status).toBe(409);
    expect(locked.json.code).toBe('RESULTS_MODE_LOCKED');
    expect((await erin.put('/api/v1/tests/checkout_button_color/results/settings', { ...base, alpha: 0.7 })).status).toBe(422);
    expect((await results('checkout_button_color')).json.correction).toBe('holm');
  });

  it('keeps the conclusion with optimistic concurrency (409 on a stale revision)', async () => {
    const url = '/api/v1/tests/checkout_button_color/conclusion';
    const first = await erin.put(url, { hypothesis: 'Green sells more', result: 'Purchases up', decision: 'End the test choosing green', expectedRevision: 0 });
    expect(first.status, first.text).toBe(200);
    expect(first.json.revision).toBe(1);
    const stale = await admin.put(url, { hypothesis: 'x', result: 'y', decision: 'z', expectedRevision: 0 });
    expect(stale.status).toBe(409);
    expect((await quinn.get(url)).json.decision).toBe('End the test choosing green');
  });
});
