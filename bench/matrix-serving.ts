/**
 * The matrix endpoint at fleet scale (issue #21), measured side by side in one run against the real production build
 * (`next start`) on a 5,000-test trunk matrix: each figure beside a plain node:http server in this run serving the same
 * bytes with the same ETag logic (the floor):
 * - 304 revalidation with the gzip variant's ETag (goal: ≥ 0.8× the floor's requests/s);
 * - 200 with gzip, the same precompressed bytes (goal: ≥ 0.8×), and the compressed sizes;
 * - 200 with brotli and uncompressed, for the record.
 * Both are driven by the same node:http keep-alive client (no decoding: the bytes are read as sent), 16 at a time.
 * `benchMatrixServing(context)` is a BenchModule (bench/report.ts). Standalone: `npx tsx bench/matrix-serving.ts [--quick]`.
 */
import http from 'node:http';
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, startAppServer } from '../test/support/app-server';
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

/** The floor: node:http answering from the same bytes in memory, 304 on the same ETag. */
async function staticServer(variants: Record<string, { body: Buffer; etag: string }>): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const coding = req.headers['accept-encoding'] ?? 'identity';
    const variant = variants[coding] ?? variants.identity;
    const headers: http.OutgoingHttpHeaders = { etag: variant.etag, vary: 'accept-encoding', 'content-type': 'application/json;charset=utf-8' };
    if (req.headers['if-none-match'] === variant.etag) return void res.writeHead(304, headers).end();
    if (coding !== 'identity') headers['content-encoding'] = coding;
    headers['content-length'] = variant.body.length;
    res.writeHead(200, headers).end(variant.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/matrix.json`,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

export async function benchMatrixServing(context: BenchContext): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const add = (figure: BenchFigure) => {
    figures.push(figure);
    context.report?.(figure);
  };
  const log = context.log;
  const repo = await ensureBenchRepo({ tests: 5000, commits: 5000, seed: 11 });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'proctor-bench-serving-'));
  mkdirSync(dataDir, { recursive: true });
  cpSync(repo.dir, path.join(dataDir, 'proctor-data.git'), { recursive: true });
  const app = await startAppServer({ dataDir, timeoutMs: 600_000 });
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

    const floor = await staticServer(variants);
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

      const pair = async (name: string, headers: Record<string, string>, status: number, total: number, note: string, goalRatio?: number) => {
        const ours = await load(url, headers, status, total, concurrency);
        const base = await load(floor.url, headers, status, total, concurrency);
        const ratio = ours / base;
        log(`  matrix serving: ${name}: ${ours.toFixed(0)} req/s, node:http ${base.toFixed(0)} req/s, ${ratio.toFixed(2)}× of node:http${goalRatio ? ` (goal ≥ ${goalRatio}×)` : ''}`);
        add({
          name: `matrix ${name} (${testCount} tests), ms per request`,
          ours: 1000 / ours,
          baseline: 1000 / base,
          baselineLabel: 'node:http, same bytes and ETag',
          unit: 'ms',
          note: `${ours.toFixed(0)} vs ${base.toFixed(0)} req/s = ${ratio.toFixed(2)}× of node:http${goalRatio ? ` (goal ≥ ${goalRatio}×)` : ''}; ${note}`,
        });
      };
      await pair('304, gzip ETag', revalidate, 304, total304, `${concurrency} keep-alive clients`, 0.8);
      await pair('200, gzip', { 'accept-encoding': 'gzip' }, 200, total200, `${mb(variants.gzip.body.length)} on the wire`, 0.8);
      await pair('200, brotli', { 'accept-encoding': 'br' }, 200, total200, `${mb(variants.br.body.length)} on the wire`);
      await pair('200, identity', { 'accept-encoding': 'identity' }, 200, totalIdentity, `${mb(variants.identity.body.length)} on the wire`);
      const requestLines = app.stdout.filter((line) => line.includes('"msg":"request"') && line.includes('/api/v1/matrix/trunk'));
      log(`  matrix serving: ${requestLines.length} request log lines, ${requestLines.filter((line) => line.includes('"edge":true')).length} answered at the request edge`);
    } finally {
      await floor.close();
    }
  } finally {
    await app.stop();
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
