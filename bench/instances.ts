/**
 * Announcements across instances (issue #22): two instances of the real production build (`next start`) on one
 * throwaway PostgreSQL and one upstream served over HTTP by `git http-backend`, with the default 15 s upstream poll.
 * Change-stream clients (SSE) hold a stream on each instance; every promotion is made on instance A. Figures: the p95
 * from the promotion (its request sent: the commit is made within it) to the event on streams of B, beside the same
 * figure on streams of A (the same-instance baseline, measured in the same run); goal p95 < 1 s.
 * `benchInstances(context)` is a BenchModule (bench/report.ts). Standalone: `npx tsx bench/instances.ts [--quick]`.
 */
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiClient, REPO_ROOT, startAppServer, type AppServer } from '../test/support/app-server';
import { startGitHttpServer } from '../test/support/git-http-server';
import { promoteToQa } from '../test/support/promote-to-qa';
import { formatFigure, type BenchContext, type BenchFigure } from './report';
import { startPostgres } from './store-postgres';

const TEST = 'bench_instances_test';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** One SSE client: records when each revision first arrived. */
function openStream(url: string): Promise<{ arrivals: Map<string, number>; close(): void }> {
  const arrivals = new Map<string, number>();
  let buffer = '';
  return new Promise((resolve, reject) => {
    const request = http.get(url, (response) => {
      if (response.statusCode !== 200) return reject(new Error(`stream answered ${response.statusCode}`));
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        const at = performance.now();
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const revision = /"revision":"([0-9a-f]{40})"/.exec(buffer.slice(0, end))?.[1];
          buffer = buffer.slice(end + 2);
          if (revision && !arrivals.has(revision)) arrivals.set(revision, at);
        }
      });
      resolve({ arrivals, close: () => request.destroy() });
    });
    request.on('error', reject);
  });
}

export async function benchInstances(context: BenchContext): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const add = (figure: BenchFigure) => {
    figures.push(figure);
    context.report?.(figure);
  };
  const root = mkdtempSync(path.join(os.tmpdir(), 'proctor-bench-instances-'));
  const postgres = await startPostgres();
  const upstream = await startGitHttpServer({ root });
  const apps: AppServer[] = [];
  try {
    await upstream.createRepository('proctor.git');
    const env = { DATABASE_URL: postgres.url, PROCTOR_GIT_URL: upstream.url('proctor.git'), PROCTOR_DEMO: '1' };
    apps.push(...(await Promise.all([startAppServer({ env, timeoutMs: 300_000 }), startAppServer({ env, timeoutMs: 300_000 })])));
    const [a, b] = apps;
    const [erin, rex] = await Promise.all([new ApiClient(a.baseUrl).login('erin'), new ApiClient(a.baseUrl).login('rex')]);
    const perInstance = context.quick ? 5 : 20;
    const promotions = context.quick ? 5 : 20;
    const streams = { a: [] as Awaited<ReturnType<typeof openStream>>[], b: [] as Awaited<ReturnType<typeof openStream>>[] };
    for (let i = 0; i < perInstance; i++) {
      streams.a.push(await openStream(`${a.baseUrl}/api/v1/matrix/qa/events`));
      streams.b.push(await openStream(`${b.baseUrl}/api/v1/matrix/qa/events`));
    }
    const delays = { a: [] as number[], b: [] as number[] };
    let missed = 0;
    for (let seed = 1; seed <= promotions; seed++) {
      const promoted = await promoteToQa(erin, rex, TEST, seed, 'instances bench');
      const deadline = performance.now() + 30_000;
      const all = [...streams.a, ...streams.b];
      while (performance.now() < deadline && all.some((s) => !s.arrivals.has(promoted.revision))) await new Promise((r) => setTimeout(r, 5));
      for (const side of ['a', 'b'] as const) {
        for (const s of streams[side]) {
          const at = s.arrivals.get(promoted.revision);
          if (at === undefined) missed++;
          delays[side].push(at === undefined ? Infinity : at - promoted.sentAt);
        }
      }
      // Spread the promotions a little, as people make them.
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const s of [...streams.a, ...streams.b]) s.close();
    if (missed) context.log(`instances: ${missed} stream events never arrived within 30 s`);
    add({
      name: `announcement p95, stream on another instance`,
      ours: percentile(delays.b, 95),
      baseline: percentile(delays.a, 95),
      baselineLabel: 'stream on the promoting instance',
      unit: 'ms',
      goal: 1000,
      note: `${promotions} promotions × ${perInstance} streams per instance; from the promotion request; max ${Math.max(...delays.b).toFixed(0)} ms; p50 ${percentile(delays.b, 50).toFixed(0)} ms`,
    });
  } finally {
    await Promise.all(apps.map((app) => app.stop()));
    await upstream.close();
    await postgres.stop();
    rmSync(root, { recursive: true, force: true });
  }
  return figures;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(REPO_ROOT, 'bench', 'instances.ts')) {
  benchInstances({ quick: process.argv.includes('--quick'), log: (line) => console.log(line) }).then(
    (figures) => {
      for (const figure of figures) console.log(formatFigure(figure));
      process.exit(0);
    },
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
