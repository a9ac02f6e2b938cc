/**
 * Real client processes through the REAL events endpoint (issue #19's done-when), on the embedded database and on
 * PostgreSQL: a Node application process (test/support/client-events-process.ts) activates and tracks; a second one
 * queues while the endpoint is unreachable, is killed with SIGKILL, and its successor (same queue folder) delivers; the
 * browser build in Chromium activates, reloads before the flush, and sends on page hide with sendBeacon. The page is
 * served by a small reverse proxy in front of the app (one origin, as an application would serve it). Then the counts
 * are read from the database: every exposure and conversion exactly once.
 */
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '@/lib/db/client';
import { buildBrowserClient } from '../../scripts/build-client.mjs';
import { ApiClient, freePort, startAppServer, type AppServer } from '../support/app-server';
import { ClientEventsChild } from '../support/client-events-child';

const TEST = 'checkout_button_color';

interface PostgresServer {
  url: string;
  stop(): Promise<void>;
}

let browser: Browser;
let bundle: string;
let bundleDir: string;
let postgres: PostgresServer | null = null;

beforeAll(async () => {
  bundleDir = mkdtempSync(path.join(os.tmpdir(), 'client-bundle-'));
  bundle = readFileSync((await buildBrowserClient({ outfile: path.join(bundleDir, 'proctor-client.mjs') })).outfile, 'utf8');
  const deps = (await import('../../scripts/system-deps.mjs' as string)) as { ensureChromium: () => string; ensurePostgres: () => string };
  browser = await chromium.launch({ executablePath: deps.ensureChromium(), args: ['--no-sandbox', '--disable-gpu'] });
  if (process.env.TEST_DATABASE_URL) {
    postgres = { url: process.env.TEST_DATABASE_URL, stop: async () => undefined };
  } else {
    process.env.PG_BIN ??= deps.ensurePostgres();
    const { startPostgresTestServer } = (await import('../../scripts/postgres-test-server.mjs' as string)) as { startPostgresTestServer: () => Promise<PostgresServer> };
    postgres = await startPostgresTestServer();
  }
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await postgres?.stop();
  rmSync(bundleDir, { recursive: true, force: true });
});

/** Serves the page and the bundle, and forwards everything else to the app: the page and /api share one origin. */
function startPageProxy(appPort: number): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.url === '/app.html') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>app</title><p>app</p>');
    if (req.url === '/proctor-client.mjs') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    const upstream = http.request({ host: '127.0.0.1', port: appPort, path: req.url, method: req.method, headers: { ...req.headers, host: `127.0.0.1:${appPort}` } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
        close: () => new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      }),
    ),
  );
}

async function startClientInPage(page: Page, options: Record<string, unknown>): Promise<void> {
  // A string, not a function: vitest would rewrite a function's dynamic import() for Node.
  await page.evaluate(`(async () => {
    const { ProctorClient } = await import('/proctor-client.mjs');
    window.proctor = await ProctorClient.create({ ...${JSON.stringify(options)}, baseUrl: location.origin });
  })()`);
}

for (const mode of ['embedded', 'postgresql'] as const) {
  describe(`real clients through the real endpoint (${mode} database)`, () => {
    let app: AppServer;
    let databaseUrl: string | null = null;
    let eventsToken: string;
    let matrixToken: string;
    let specification: { tests: Record<string, { fallbackValue: number; buckets: Record<string, number> }> };
    let matrix: { audit: { version: string }; tests: Record<string, { version: string }> };
    const unit = (name: string) => `ce-${mode}-${name}`;
    const dirs: string[] = [];

    beforeAll(async () => {
      if (mode === 'postgresql') {
        const name = `client_events_${Date.now()}`;
        const pg = (await import('pg')).default;
        const admin = new pg.Client({ connectionString: postgres!.url });
        await admin.connect();
        await admin.query(`CREATE DATABASE "${name}"`);
        await admin.end();
        const url = new URL(postgres!.url);
        url.pathname = `/${name}`;
        databaseUrl = url.toString();
      }
      app = await startAppServer({ env: databaseUrl ? { DATABASE_URL: databaseUrl } : {} });
      const admin = await new ApiClient(app.baseUrl).login('avery');
      eventsToken = (await admin.post('/api/v1/consumers/tokens', { name: 'client events', environment: 'production', scope: 'events' })).json.token;
      matrixToken = (await admin.post('/api/v1/consumers/tokens', { name: 'client matrix', environment: 'production' })).json.token;
      expect(eventsToken).toMatch(/^pct_/);
      matrix = (await admin.get('/api/v1/matrix/production')).json;
      const definition = (matrix.tests as unknown as Record<string, { buckets: { name: string; value: number }[] }>)[TEST];
      specification = { tests: { [TEST]: { fallbackValue: -1, buckets: Object.fromEntries(definition.buckets.map((b) => [b.name, b.value])) } } };
    }, 900_000);
    afterAll(async () => {
      await app?.stop();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    const nodeOptions = (events: Record<string, unknown>) => ({
      baseUrl: app.baseUrl, environment: 'production' as const, specification, stream: false, pollIntervalMs: 0, token: matrixToken,
      events: { token: eventsToken, backoff: { initialMs: 50, maxMs: 500 }, ...events },
    });

    it('a Node process activates and tracks; binary goals collapse, value goals add up', async () => {
      const child = new ClientEventsChild(nodeOptions({}));
      try {
        await child.ready();
        for (let i = 0; i < 20; i++) await child.command('activate', { test: TEST, identifiers: { USER: unit(`n${i}`) } }, 'activated');
        for (let i = 0; i < 10; i++) {
          await child.command('track', { goal: 'purchase', identifiers: { USER: unit(`n${i}`) }, options: { unique: true } }, 'tracked');
          await child.command('track', { goal: 'revenue', identifiers: { USER: unit(`n${i}`) }, options: { value: 2.5 } }, 'tracked');
        }
        await child.command('flush', undefined, 'flushed');
        // The same binary goal again after the first was stored: same id, answered as a duplicate.
        for (let i = 0; i < 10; i++) await child.command('track', { goal: 'purchase', identifiers: { USER: unit(`n${i}`) }, options: { unique: true } }, 'tracked');
        const flushed = await child.command('flush', undefined, 'flushed');
        expect(flushed.ok).toBe(true);
        expect(flushed.stats).toMatchObject({ queued: 0, accepted: 40, duplicates: 10, rejected: 0, refused: 0 });
      } finally {
        await child.kill();
      }
    });

    it('a Node process killed with SIGKILL while the endpoint is unreachable: its successor delivers every event once', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'client-events-real-'));
      dirs.push(dir);
      const deadPort = await freePort();
      const first = new ClientEventsChild(nodeOptions({ directory: dir, url: `http://127.0.0.1:${deadPort}/api/v1/events` }));
      try {
        await first.ready();
        for (let i = 0; i < 10; i++) {
          await first.command('activate', { test: TEST, identifiers: { USER: unit(`k${i}`) } }, 'activated');
          await first.command('track', { goal: 'revenue', identifiers: { USER: unit(`k${i}`) }, options: { value: 1 } }, 'tracked');
        }
        expect((await first.command('persisted', undefined, 'persisted')).stats!.queued).toBe(20);
        await first.waitFor((line) => line.event === 'error' && /failed/.test(line.message ?? ''), 'a failed attempt');
      } finally {
        await first.kill('SIGKILL');
      }
      const second = new ClientEventsChild(nodeOptions({ directory: dir }));
      try {
        await second.ready();
        const flushed = await second.command('flush', undefined, 'flushed');
        expect(flushed.ok).toBe(true);
        expect(flushed.stats).toMatchObject({ queued: 0, accepted: 20, duplicates: 0, rejected: 0 });
      } finally {
        await second.kill();
      }
    });

    const inBrowser = async (fn: (page: Page, options: Record<string, unknown>) => Promise<void>) => {
      const proxy = await startPageProxy(app.port);
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        await page.goto(`${proxy.url}/app.html`);
        await fn(page, { environment: 'production', specification, stream: false, pollIntervalMs: 0, token: matrixToken, proxy: proxy.url });
      } finally {
        await context.close();
        await proxy.close();
      }
    };

    it('the browser build: events arrive, and survive a reload before the flush', async () => {
      await inBrowser(async (page, options) => {
        await startClientInPage(page, { ...options, events: { token: eventsToken, flushIntervalMs: 600_000, beacon: false } });
        await page.evaluate(`(() => { for (let i = 0; i < 5; i++) window.proctor.activate('${TEST}', { USER: '${unit('b')}' + i }); window.proctor.track('purchase', { USER: '${unit('b0')}' }, { unique: true }); })()`);
        await page.reload();
        await startClientInPage(page, { ...options, events: { token: eventsToken, beacon: false } });
        expect(await page.evaluate('window.proctor.flush()')).toBe(true);
        expect(await page.evaluate('window.proctor.eventStats()')).toMatchObject({ queued: 0, accepted: 6, rejected: 0, refused: 0 });
      });
    });

    it('the browser build: hiding the page sends the queue with sendBeacon (the next page resends it: a duplicate)', async () => {
      await inBrowser(async (page, options) => {
        await startClientInPage(page, { ...options, events: { token: eventsToken, flushIntervalMs: 600_000 } });
        await page.evaluate(`(() => { for (let i = 0; i < 4; i++) window.proctor.activate('${TEST}', { USER: '${unit('h')}' + i }); })()`);
        await page.goto('about:blank'); // pagehide: the beacon
        await new Promise((r) => setTimeout(r, 1000));
        await page.goto(`${options.proxy}/app.html`);
        await startClientInPage(page, { ...options, events: { token: eventsToken } });
        expect(await page.evaluate('window.proctor.flush()')).toBe(true);
        // Whether the beacon arrived or not, the resend delivers them (the count test below); that it did, shows here.
        expect(await page.evaluate('window.proctor.eventStats()')).toMatchObject({ queued: 0, duplicates: 4, accepted: 0 });
      });
    });

    it('the database counts every exposure and conversion exactly once', async () => {
      await app.stop({ keepData: true });
      dirs.push(app.dataDir);
      const db = await createDatabase(databaseUrl ? { url: databaseUrl } : { dataDir: path.join(app.dataDir, 'db') });
      try {
        const prefix = `ce-${mode}-`;
        const exposures = await db.prisma.eventExposure.findMany({ where: { unitId: { startsWith: prefix }, environment: 'production' } });
        expect(exposures).toHaveLength(20 + 10 + 5 + 4);
        expect(new Set(exposures.map((e) => e.unitId)).size).toBe(exposures.length);
        expect(exposures.every((e) => e.testName === TEST && e.definitionVersion === String(matrix.tests[TEST].version) && e.matrixVersion === matrix.audit.version)).toBe(true);
        expect(exposures.every((e) => (e.fallback ? e.bucket === -1 : e.bucket >= 0 && /^#[A-Z]+\d+$/.test(e.allocationId)))).toBe(true);
        const goals = await db.prisma.eventUnitGoal.findMany({ where: { unitId: { startsWith: prefix }, environment: 'production' } });
        const purchase = goals.filter((g) => g.goal === 'purchase');
        expect(purchase).toHaveLength(11);
        expect(purchase.every((g) => g.unique && g.count === 1)).toBe(true);
        const revenue = goals.filter((g) => g.goal === 'revenue');
        expect(revenue).toHaveLength(20);
        expect(revenue.reduce((sum, g) => sum + g.sum, 0)).toBe(10 * 2.5 + 10 * 1);
        expect(revenue.every((g) => g.count === 1)).toBe(true);
      } finally {
        await db.close();
      }
    });
  });
}
