/**
 * The matrix endpoint at fleet scale (issue #21), measured side by side in one run against the real production build
 * (`next start`) on a 5,000-test trunk matrix: each figure beside a plain node:http server in this run serving the same
 * bytes with the same ETag logic (the floor):
 * - 304 revalidation with the gzip variant's ETag (goal: ≥ 0.8× the floor's requests/s);
 * - 200 with gzip, the same precompressed bytes (goal: ≥ 0.8×), and the compressed sizes;
 * - 200 with brotli and uncompressed, for the record;
 * - 1,000 change streams on the seeded demo app: a promotion's event and the new matrix held, p50/p95 from sending
 *   the promotion request (an upper bound of "from its commit"; goal p95 < 1 s), and the server's RSS with the streams;
 * - 1,000 pollers revalidating every 15 s with their ETag: a promotion's matrix held, p95 from sending it (goal < 16 s).
 * Both are driven by the same node:http keep-alive client (no decoding: the bytes are read as sent), 16 at a time.
 * `benchMatrixServing(context)` is a BenchModule (bench/report.ts). Standalone: `npx tsx bench/matrix-serving.ts [--quick]`.
 */
import http from 'node:http';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiClient, REPO_ROOT, startAppServer, type AppServer } from '../test/support/app-server';
import { promoteToQa } from '../test/support/promote-to-qa';
import { ensureBenchRepo } from './generate-repo';
import type { BenchContext, BenchFigure } from './report';

interface Fetched {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function get(agent: http.Agent, url: string, headers: Record<string, string>): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

/** `concurrency` keep-alive workers issue `total` requests; returns requests per second. */
async function load(url: string, headers: Record<string, string>, expectStatus: number, total: number, concurrency: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let issued = 0;
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (issued < total) {
          issued++;
          const response = await get(agent, url, headers);
          if (response.status !== expectStatus) throw new Error(`${url}: expected ${expectStatus}, got ${response.status}`);
        }
      }),
    );
    return total / ((performance.now() - started) / 1000);
  } finally {
    agent.destroy();
  }
}

/**
 * The floor: node:http answering from the same bytes in memory, 304 on the same ETag — in a child process, as the app
 * is, so both answer from their own process while this one only generates load (bench/static-floor.mjs).
 */
async function staticServer(variants: Record<string, { body: Buffer; etag: string }>, listenPort = 0): Promise<{ url: string; pid: number; close(): Promise<void> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'proctor-bench-floor-'));
  for (const [coding, variant] of Object.entries(variants)) {
    writeFileSync(path.join(dir, `${coding}.body`), variant.body);
    writeFileSync(path.join(dir, `${coding}.etag`), variant.etag);
  }
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bench', 'static-floor.mjs'), dir, String(listenPort)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', (code) => reject(new Error(`the floor server exited (${code}) before listening`)));
  });
  return {
    url: `http://127.0.0.1:${port}/matrix.json`,
    pid: child.pid!,
    close: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resident memory of a process and its descendants, in MB (Linux /proc). */
function processTree(pid: number): number[] {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    for (const task of safeList(`/proc/${pids[i]}/task`)) {
      for (const child of safeRead(`/proc/${pids[i]}/task/${task}/children`).split(/\s+/).filter(Boolean)) pids.push(Number(child));
    }
  }
  return pids;
}

function rssMb(pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + Number(/VmRSS:\s+(\d+)/.exec(safeRead(`/proc/${p}/status`))?.[1] ?? 0), 0) / 1024;
}

/** CPU time (user + system) a process and its descendants have used, in ms (Linux /proc, 100 ticks a second). */
function cpuMs(pid: number): number {
  return processTree(pid).reduce((sum, p) => {
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
    const fields = safeRead(`/proc/${p}/stat`).split(') ')[1]?.split(' ') ?? [];
    return sum + (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) * 10;
  }, 0);
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function promote(erin: ApiClient, rex: ApiClient, seed: number) {
  return promoteToQa(erin, rex, STREAM_TEST, seed, 'serving bench');
}

const STREAM_TEST = 'bench_serving_stream_test';

/**
 * `n` change streams (raw node:http, as an EventSource holds one) on qa of the seeded demo app; a promotion; for each
 * stream, when the new revision's event arrived and when it then held the new matrix (gzip GET, 64 sockets shared).
 */
async function streams(demo: DemoApp, n: number, log: (line: string) => void, add: (figure: BenchFigure) => void): Promise<void> {
  const { app, erin, rex } = demo;
  const sockets: http.ClientRequest[] = [];
  try {
    await promote(erin, rex, demo.seed++);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const idle = rssMb(app.pid);
    const fetchAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    // Per stream, when each revision's event arrived and when the stream's client then held that matrix. Recorded for
    // every new revision as it comes: the event usually arrives before the promotion's answer does.
    const eventAt = Array.from({ length: n }, () => new Map<string, number>());
    const heldAt = Array.from({ length: n }, () => new Map<string, number>());
    await Promise.all(
      Array.from(
        { length: n },
        (_, i) =>
          new Promise<void>((resolve, reject) => {
            let buffer = '';
            let first: string | null = null;
            const request = http.get(`${app.baseUrl}/api/v1/matrix/qa/events`, { agent: false }, (response) => {
              response.setEncoding('utf8');
              response.on('data', (chunk: string) => {
                const now = performance.now();
                buffer += chunk;
                for (const [, revision] of buffer.matchAll(/id: ([0-9a-f]{40})\n/g)) {
                  if (first === null) {
                    first = revision;
                    resolve();
                  }
                  if (revision === first || eventAt[i].has(revision)) continue;
                  eventAt[i].set(revision, now);
                  void get(fetchAgent, `${app.baseUrl}/api/v1/matrix/qa`, { 'accept-encoding': 'gzip' }).then((r) => {
                    if (r.headers['x-proctor-revision'] === revision) heldAt[i].set(revision, performance.now());
                  });
                }
                const end = buffer.lastIndexOf('\n\n');
                if (end >= 0) buffer = buffer.slice(end + 2);
              });
            });
            request.on('error', reject);
            sockets.push(request);
          }),
      ),
    );
    const open = rssMb(app.pid);
    log(`  matrix serving: ${n} streams open; server RSS ${idle.toFixed(0)} MB idle → ${open.toFixed(0)} MB (${(((open - idle) * 1024) / n).toFixed(1)} KB per stream)`);
    const promoted = await promote(erin, rex, demo.seed++);
    const target = promoted.revision;
    const deadline = performance.now() + 30_000;
    while (heldAt.some((held) => !held.has(target)) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    fetchAgent.destroy();
    // From sending the promotion request: an upper bound of "from its commit", which happens inside that request.
    const fromCommit = (times: Array<Map<string, number>>) => times.map((map) => (map.get(target) ?? Infinity) - promoted.sentAt);
    const missing = heldAt.filter((held) => !held.has(target)).length;
    if (missing) log(`  matrix serving: ${missing} of ${n} streams never held ${target.slice(0, 7)}`);
    const events = fromCommit(eventAt);
    const held = fromCommit(heldAt);
    const request = promoted.answeredAt - promoted.sentAt;
    log(`  matrix serving: promotion request ${request.toFixed(0)} ms; from sending it (its commit is made inside it): event p50 ${percentile(events, 50).toFixed(0)} / p95 ${percentile(events, 95).toFixed(0)} ms, new matrix held p50 ${percentile(held, 50).toFixed(0)} / p95 ${percentile(held, 95).toFixed(0)} ms`);
    add({ name: `propagation p95, ${n} streaming clients, event, from sending the promotion`, ours: percentile(events, 95), unit: 'ms', goal: 1000, note: `p50 ${percentile(events, 50).toFixed(0)} ms` });
    add({ name: `propagation p95, ${n} streaming clients, new matrix held, from sending the promotion`, ours: percentile(held, 95), unit: 'ms', goal: 1000, note: `p50 ${percentile(held, 50).toFixed(0)} ms; the promotion request itself took ${request.toFixed(0)} ms` });
    add({ name: `server RSS with ${n} open change streams`, ours: open, unit: 'MB', note: `${idle.toFixed(0)} MB before they opened` });
  } finally {
    for (const socket of sockets) socket.destroy();
  }
}

interface DemoApp {
  app: AppServer;
  erin: ApiClient;
  rex: ApiClient;
  /** The next promotion's seed (each promotion changes the bench test). */
  seed: number;
}

/** Poll period of the simulated fleet (issue #21's figure: every 15 s). */
const POLL_MS = 15_000;

/**
 * `n` pollers, each on its own keep-alive connection, revalidating qa's matrix every POLL_MS with the gzip ETag it holds
 * (If-None-Match), their phases spread evenly over the period as a fleet's are. Once every poller holds the current
 * matrix, a promotion; for each poller, when it then held the new revision (a 200 with the new bytes, read whole),
 * counted from sending the promotion request. Expected: spread over one period, p95 ≈ 0.95 × POLL_MS plus the answer.
 */
async function polling(demo: DemoApp, n: number, log: (line: string) => void, add: (figure: BenchFigure) => void): Promise<void> {
  const { app, erin, rex } = demo;
  const url = `${app.baseUrl}/api/v1/matrix/qa`;
  const agents = Array.from({ length: n }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  const held: Array<{ etag: string | null; revision: string | null }> = agents.map(() => ({ etag: null, revision: null }));
  const heldAt = Array.from({ length: n }, () => new Map<string, number>());
  let answers304 = 0;
  let answers200 = 0;
  let failures = 0;
  let stopped = false;
  const timers: NodeJS.Timeout[] = [];
  const poll = async (i: number) => {
    if (stopped) return;
    const headers: Record<string, string> = { 'accept-encoding': 'gzip' };
    if (held[i].etag) headers['if-none-match'] = held[i].etag!;
    try {
      const response = await get(agents[i], url, headers);
      if (response.status === 304) answers304++;
      else if (response.status === 200) {
        answers200++;
        const revision = response.headers['x-proctor-revision'] as string;
        held[i] = { etag: response.headers.etag as string, revision };
        if (!heldAt[i].has(revision)) heldAt[i].set(revision, performance.now());
      } else failures++;
    } catch {
      failures++;
    }
  };
  try {
    // Each poller's first poll at its phase in the period, then every POLL_MS (timer-driven, as a client's would be).
    for (let i = 0; i < n; i++) {
      timers.push(
        setTimeout(() => {
          void poll(i);
          timers.push(setInterval(() => void poll(i), POLL_MS));
        }, (i * POLL_MS) / n),
      );
    }
    const current = (await get(agents[0], `${url}/current`, {})).headers['x-proctor-revision'] as string;
    const warm = performance.now() + POLL_MS + 30_000;
    while (held.some((h) => h.revision !== current) && performance.now() < warm) await new Promise((resolve) => setTimeout(resolve, 50));
    const promoted = await promote(erin, rex, demo.seed++);
    const target = promoted.revision;
    const deadline = performance.now() + POLL_MS + 30_000;
    while (held.some((h) => h.revision !== target) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const times = heldAt.map((map) => (map.get(target) ?? Infinity) - promoted.sentAt);
    const missing = times.filter((t) => t === Infinity).length;
    if (missing) log(`  matrix serving: ${missing} of ${n} pollers never held ${target.slice(0, 7)}`);
    log(`  matrix serving: ${n} pollers every ${POLL_MS / 1000} s (${answers304} × 304, ${answers200} × 200, ${failures} failed): new matrix held p50 ${percentile(times, 50).toFixed(0)} / p95 ${percentile(times, 95).toFixed(0)} / max ${percentile(times, 100).toFixed(0)} ms from sending the promotion (request ${promoted.requestMs.toFixed(0)} ms)`);
    add({ name: `propagation p95, ${n} polling clients every ${POLL_MS / 1000} s, new matrix held, from sending the promotion`, ours: percentile(times, 95), unit: 'ms', goal: POLL_MS + 1000, note: `p50 ${percentile(times, 50).toFixed(0)} ms, max ${percentile(times, 100).toFixed(0)} ms; ${answers304} revalidations answered 304, ${failures} failed` });
  } finally {
    stopped = true;
    for (const timer of timers) clearTimeout(timer);
    for (const agent of agents) agent.destroy();
  }
}

/**
 * Which parts to run: MATRIX_BENCH_PARTS=streams,polling,serving (default all), so one part can be profiled alone.
 * MATRIX_BENCH_PORT: the first of the ports the bench's servers listen on (default: free ports).
 */
function parts(): Set<string> {
  return new Set((process.env.MATRIX_BENCH_PARTS ?? 'streams,polling,serving').split(',').map((p) => p.trim()));
}

function port(offset: number): number | undefined {
  const base = Number(process.env.MATRIX_BENCH_PORT);
  return base > 0 ? base + offset : undefined;
}

export async function benchMatrixServing(context: BenchContext): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const add = (figure: BenchFigure) => {
    figures.push(figure);
    context.report?.(figure);
  };
  const log = context.log;
  const run = parts();
  if (run.has('streams') || run.has('polling')) {
    const app = await startAppServer({ port: port(0) });
    try {
      const demo: DemoApp = { app, erin: await new ApiClient(app.baseUrl).login('erin'), rex: await new ApiClient(app.baseUrl).login('rex'), seed: 0 };
      if (run.has('streams')) await streams(demo, context.quick ? 200 : 1000, log, add);
      if (run.has('polling')) await polling(demo, context.quick ? 200 : 1000, log, add);
    } finally {
      await app.stop();
    }
  }
  if (!run.has('serving')) return figures;
  const repo = await ensureBenchRepo({ tests: 5000, commits: 5000, seed: 11 });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'proctor-bench-serving-'));
  mkdirSync(dataDir, { recursive: true });
  cpSync(repo.dir, path.join(dataDir, 'proctor-data.git'), { recursive: true });
  // The server's request lines go to a file, as to an operator's log collector: read by this process only at the end.
  const stdoutFile = path.join(os.tmpdir(), `proctor-bench-serving-${process.pid}.log`);
  const app = await startAppServer({ dataDir, timeoutMs: 600_000, port: port(1), stdoutFile });
  try {
    const url = `${app.baseUrl}/api/v1/matrix/trunk`;
    const agent = new http.Agent({ keepAlive: false });
    const variants: Record<string, { body: Buffer; etag: string }> = {};
    for (const coding of ['identity', 'gzip', 'br']) {
      const response = await get(agent, url, { 'accept-encoding': coding });
      if (response.status !== 200) throw new Error(`${url} (${coding}): HTTP ${response.status}`);
      variants[coding] = { body: response.body, etag: response.headers.etag as string };
    }
    const testCount = Number((await get(agent, url, { 'accept-encoding': 'identity' })).headers['x-proctor-test-count']);
    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
    log(`  matrix serving: trunk matrix ${testCount} tests, identity ${mb(variants.identity.body.length)}, gzip ${mb(variants.gzip.body.length)}, br ${mb(variants.br.body.length)}`);

    const floor = await staticServer(variants, port(2));
    const concurrency = 16;
    try {
      const total304 = context.quick ? 2000 : 8000;
      const total200 = context.quick ? 200 : 800;
      const totalIdentity = context.quick ? 60 : 200;
      const revalidate = { 'accept-encoding': 'gzip', 'if-none-match': variants.gzip.etag };
      // Warm both (JIT, sockets) before measuring.
      await load(url, revalidate, 304, 500, concurrency);
      await load(floor.url, revalidate, 304, 500, concurrency);
      await load(url, { 'accept-encoding': 'gzip' }, 200, 50, concurrency);

      // Three alternating rounds (ours, floor, ours, floor…) so a noisy moment on this 2-core machine hits both; the
      // figure is the median round's ratio, with the range. Beside requests/s, each server's CPU time per request
      // (user + system, from /proc): what the server costs whether or not the load generator is the limit.
      const pair = async (name: string, headers: Record<string, string>, status: number, total: number, note: string, goalRatio?: number) => {
        const rounds: { ours: number; base: number; oursCpu: number; baseCpu: number }[] = [];
        for (let round = 0; round < 3; round++) {
          const from = process.hrtime.bigint();
          const cpu0 = cpuMs(app.pid);
          const ours = await load(url, headers, status, total, concurrency);
          const oursCpu = ((cpuMs(app.pid) - cpu0) * 1000) / total;
          // Monotonic µs, the clock of a --cpu-prof profile's timestamps: to cut the server's profile to this phase.
          if (process.env.MATRIX_BENCH_PHASES) log(`  phase ${name} (round ${round + 1}): ${from / 1000n}–${process.hrtime.bigint() / 1000n} µs`);
          const cpu1 = cpuMs(floor.pid);
          const base = await load(floor.url, headers, status, total, concurrency);
          rounds.push({ ours, base, oursCpu, baseCpu: ((cpuMs(floor.pid) - cpu1) * 1000) / total });
        }
        const ratios = rounds.map((r) => r.ours / r.base).sort((a, b) => a - b);
        const median = rounds.find((r) => r.ours / r.base === ratios[1])!;
        const cpu = (key: 'oursCpu' | 'baseCpu') => rounds.map((r) => r[key]).sort((a, b) => a - b)[1];
        const ratio = ratios[1];
        const range = `${ratios[0].toFixed(2)}–${ratios[2].toFixed(2)}×`;
        const cpuNote = `server CPU per request ${cpu('oursCpu').toFixed(0)} µs vs ${cpu('baseCpu').toFixed(0)} µs`;
        log(`  matrix serving: ${name}: ${median.ours.toFixed(0)} req/s, node:http ${median.base.toFixed(0)} req/s, ${ratio.toFixed(2)}× of node:http (rounds ${range})${goalRatio ? ` (goal ≥ ${goalRatio}×)` : ''}; ${cpuNote}`);
        add({
          name: `matrix ${name} (${testCount} tests), ms per request`,
          ours: 1000 / median.ours,
          baseline: 1000 / median.base,
          baselineLabel: 'node:http, same bytes and ETag',
          unit: 'ms',
          note: `${median.ours.toFixed(0)} vs ${median.base.toFixed(0)} req/s = ${ratio.toFixed(2)}× of node:http, rounds ${range}${goalRatio ? ` (goal ≥ ${goalRatio}×)` : ''}; ${cpuNote}; ${note}`,
        });
      };
      await pair('304, gzip ETag', revalidate, 304, total304, `${concurrency} keep-alive clients`, 0.8);
      await pair('200, gzip', { 'accept-encoding': 'gzip' }, 200, total200, `${mb(variants.gzip.body.length)} on the wire`, 0.8);
      await pair('200, brotli', { 'accept-encoding': 'br' }, 200, total200, `${mb(variants.br.body.length)} on the wire`);
      await pair('200, identity', { 'accept-encoding': 'identity' }, 200, totalIdentity, `${mb(variants.identity.body.length)} on the wire`);
      const requestLines = readFileSync(stdoutFile, 'utf8').split('\n').filter((line) => line.includes('"msg":"request"') && line.includes('/api/v1/matrix/trunk'));
      log(`  matrix serving: ${requestLines.length} request log lines, ${requestLines.filter((line) => line.includes('"edge":true')).length} answered at the request edge`);
    } finally {
      await floor.close();
    }
  } finally {
    await app.stop();
    rmSync(stdoutFile, { force: true });
  }
  return figures;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(REPO_ROOT, 'bench', 'matrix-serving.ts')) {
  const quick = process.argv.includes('--quick');
  benchMatrixServing({ quick, log: (line) => console.log(line), report: (figure) => console.log(JSON.stringify(figure)) }).then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
