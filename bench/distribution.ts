/**
 * Matrix distribution figures, measured side by side in one run against the real production build (`next start`):
 * - propagation: from sending a promotion to N clients (lib/client, in this process) holding the new revision, with
 *   the change stream and with ETag polling (N = 50 and 200); goals: p95 < 2 s streaming, < poll interval + 1 s polling;
 * (the matrix endpoint's throughput beside node:http is bench/matrix-serving.ts);
 * - client getGroups on 5,000 tests beside the core's determineGroups alone.
 * `benchDistribution(context)` is a BenchModule (bench/report.ts). Standalone: `npx tsx bench/distribution.ts [--quick]`.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProctorClient } from '../lib/client';
import { determineGroups } from '../lib/proctor/determine-groups';
import type { ProctorSpecification, TestMatrixArtifact } from '../lib/proctor/model';
import { parseMatrix } from '../lib/proctor/parse-definition';
import { ApiClient, REPO_ROOT, startAppServer, type AppServer } from '../test/support/app-server';
import { promoteToQa } from '../test/support/promote-to-qa';
import { ensureBenchRepo } from './generate-repo';
import type { BenchContext, BenchFigure } from './report';

const TEST = 'bench_distribution_test';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Edits the test on trunk and promotes it to qa; returns the promotion revision and when the request was sent. */
function promoteChange(erin: ApiClient, rex: ApiClient, seed: number) {
  return promoteToQa(erin, rex, TEST, seed, 'distribution bench');
}

async function propagation(
  app: AppServer,
  users: { erin: ApiClient; rex: ApiClient },
  mode: 'stream' | 'poll',
  n: number,
  pollMs: number,
  seed: number,
  log: (line: string) => void,
): Promise<{ p50: number; p95: number; max: number; requestMs: number }> {
  const specification: ProctorSpecification = { tests: { [TEST]: { fallbackValue: -1, buckets: { inactive: -1, control: 0, treatment: 1 } } } };
  const clients: ProctorClient[] = [];
  const arrivals = new Map<number, number>();
  let target: string | null = null;
  for (let i = 0; i < n; i++) {
    const client = new ProctorClient({
      baseUrl: app.baseUrl,
      environment: 'qa',
      specification,
      stream: mode === 'stream',
      pollIntervalMs: mode === 'poll' ? pollMs : 0,
      onError: () => undefined,
    });
    client.onUpdate((update) => {
      if (update.revision === target && !arrivals.has(i)) arrivals.set(i, performance.now());
    });
    clients.push(client);
  }
  await Promise.all(clients.map((c) => c.start()));
  // Let streams connect and pollers spread over their interval (they start together; real fleets do not).
  await new Promise((r) => setTimeout(r, mode === 'poll' ? pollMs : 500));
  const promoted = await (async () => {
    const p = promoteChange(users.erin, users.rex, seed);
    return p;
  })();
  target = promoted.revision;
  for (const [i, c] of clients.entries()) if (c.revision === target && !arrivals.has(i)) arrivals.set(i, performance.now());
  const deadline = performance.now() + pollMs + 30_000;
  while (arrivals.size < n && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  for (const c of clients) c.close();
  const delays = [...arrivals.values()].map((t) => t - promoted.sentAt);
  if (delays.length < n) log(`  distribution: ${n - delays.length} of ${n} ${mode} clients never got ${target.slice(0, 7)}`);
  while (delays.length < n) delays.push(Infinity);
  return { p50: percentile(delays, 50), p95: percentile(delays, 95), max: Math.max(...delays), requestMs: promoted.requestMs };
}

export async function benchDistribution(context: BenchContext): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const add = (figure: BenchFigure) => {
    figures.push(figure);
    context.report?.(figure);
  };
  const log = context.log;
  const pollMs = 1000;

  // ── propagation, on the seeded demo data ──
  const app = await startAppServer();
  try {
    const users = { erin: await new ApiClient(app.baseUrl).login('erin'), rex: await new ApiClient(app.baseUrl).login('rex') };
    await promoteChange(users.erin, users.rex, 0); // the test exists in qa before clients start
    let seed = 1;
    for (const n of context.quick ? [50] : [50, 200]) {
      const stream = await propagation(app, users, 'stream', n, pollMs, seed++, log);
      const poll = await propagation(app, users, 'poll', n, pollMs, seed++, log);
      log(`  distribution: ${n} clients, promotion request itself ${stream.requestMs.toFixed(0)} ms (stream run) / ${poll.requestMs.toFixed(0)} ms (poll run)`);
      add({ name: `propagation p50, ${n} streaming clients`, ours: stream.p50, unit: 'ms', note: 'from sending the promotion request' });
      add({ name: `propagation p95, ${n} streaming clients`, ours: stream.p95, unit: 'ms', goal: 2000, note: `max ${stream.max.toFixed(0)} ms` });
      add({ name: `propagation p50, ${n} polling clients (${pollMs} ms)`, ours: poll.p50, unit: 'ms' });
      add({ name: `propagation p95, ${n} polling clients (${pollMs} ms)`, ours: poll.p95, unit: 'ms', goal: pollMs + 1000, note: `max ${poll.max.toFixed(0)} ms` });
    }
  } finally {
    await app.stop();
  }

  // ── getGroups, on 5,000 tests ──
  const repo = await ensureBenchRepo({ tests: 5000, commits: 5000, seed: 11 });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'proctor-bench-dist-'));
  mkdirSync(dataDir, { recursive: true });
  cpSync(repo.dir, path.join(dataDir, 'proctor-data.git'), { recursive: true });
  const big = await startAppServer({ dataDir, timeoutMs: 600_000 });
  try {
    const url = `${big.baseUrl}/api/v1/matrix/trunk`;
    const identity = { 'accept-encoding': 'identity' };
    const first = await fetch(url, { headers: identity });
    const body = Buffer.from(await first.arrayBuffer());
    const matrix = parseMatrix(body.toString('utf8'));
    const testCount = Object.keys(matrix.tests).length;
    log(`  distribution: trunk matrix ${testCount} tests, ${(body.length / 1024 / 1024).toFixed(2)} MB`);

    // getGroups: the client holds every test (its specification requires them all) vs determineGroups alone.
    const specification: ProctorSpecification = { tests: {} };
    for (const [name, def] of Object.entries(matrix.tests)) {
      specification.tests![name] = { fallbackValue: -1, buckets: Object.fromEntries(def.buckets.map((b) => [b.name, b.value])) };
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), 'proctor-bench-client-'));
    const file = path.join(dir, 'matrix.json');
    writeFileSync(file, body);
    const client = await ProctorClient.create({ file, environment: 'trunk', specification, pollIntervalMs: 0, onError: () => undefined });
    const consolidated: TestMatrixArtifact = client.currentMatrix;
    const calls = context.quick ? 50 : 200;
    const context0 = { country: 'US', lang: 'en', platform: 'web', loggedIn: true, ua: { device: 'desktop' } };
    const ids = (i: number) => ({ USER: `user-${i}`, ACCOUNT: `acct-${i}`, EMAIL: `u${i}@example.com`, PAGE: `p${i}`, COMPANY: `c${i}` });
    for (let i = 0; i < 5; i++) {
      client.getGroups(ids(i), context0);
      determineGroups(matrix, ids(i), context0);
    }
    let t = performance.now();
    for (let i = 0; i < calls; i++) client.getGroups(ids(i), context0);
    const clientMs = (performance.now() - t) / calls;
    t = performance.now();
    for (let i = 0; i < calls; i++) determineGroups(consolidated === matrix ? matrix : matrix, ids(i), context0);
    const coreMs = (performance.now() - t) / calls;
    client.close();
    rmSync(dir, { recursive: true, force: true });
    add({ name: `client getGroups (${testCount} tests), per call`, ours: clientMs, baseline: coreMs, baselineLabel: 'core determineGroups on the raw matrix', unit: 'ms' });
  } finally {
    await big.stop();
  }
  return figures;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(REPO_ROOT, 'bench', 'distribution.ts')) {
  const quick = process.argv.includes('--quick');
  benchDistribution({ quick, log: (line) => console.log(line), report: (figure) => console.log(JSON.stringify(figure)) }).then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
