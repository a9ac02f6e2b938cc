/**
 * The browser build of lib/client (scripts/build-client.mjs → one ESM file) in real Chromium: a page loads the bundle,
 * activates and tracks; the events arrive; a reload before the flush keeps them (localStorage) and the next page sends
 * them; hiding the page sends them with navigator.sendBeacon (token in the body, text/plain) and the next page's resend
 * is answered as duplicates. The endpoint is the contract's HTTP double serving the page too (one origin).
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildBrowserClient } from '../../scripts/build-client.mjs';
import { consumable, matrixOf, specificationOf } from '../support/client-matrix';
import { EventsServerDouble } from '../support/events-server-double';

const MATRIX = matrixOf('m-browser', { color: consumable([-1, 0, 1], [[0, 0.5], [1, 0.5]], { version: '4', salt: '&color' }) });
const SPEC = specificationOf(MATRIX);

let browser: Browser;
let bundleDir: string;
let bundle: string;

beforeAll(async () => {
  bundleDir = mkdtempSync(path.join(os.tmpdir(), 'client-bundle-'));
  const { outfile } = await buildBrowserClient({ outfile: path.join(bundleDir, 'proctor-client.mjs') });
  bundle = readFileSync(outfile, 'utf8');
  const { ensureChromium } = (await import('../../scripts/system-deps.mjs' as string)) as { ensureChromium: () => string };
  browser = await chromium.launch({ executablePath: ensureChromium(), args: ['--no-sandbox', '--disable-gpu'] });
});
afterAll(async () => {
  await browser?.close();
  rmSync(bundleDir, { recursive: true, force: true });
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(): Promise<{ server: EventsServerDouble; page: Page }> {
  const server = new EventsServerDouble();
  server.matrix = MATRIX;
  server.files.set('/proctor-client.mjs', { type: 'text/javascript', body: bundle });
  server.files.set('/app.html', { type: 'text/html', body: '<!doctype html><title>app</title><p>app</p>' });
  await server.listen();
  cleanups.push(() => server.close());
  const context = await browser.newContext();
  cleanups.push(() => context.close());
  const page = await context.newPage();
  await page.goto(`${server.url}/app.html`);
  return { server, page };
}

/** Starts the client in the page (window.proctor) from the bundle, with these event options. */
async function startClient(page: Page, events: Record<string, unknown>): Promise<void> {
  // A string, not a function: vitest would rewrite a function's dynamic import() for Node.
  const options = JSON.stringify({ environment: 'production', specification: SPEC, stream: false, pollIntervalMs: 0, token: 'pct_test', events });
  await page.evaluate(`(async () => {
    const { ProctorClient } = await import('/proctor-client.mjs');
    window.proctor = await ProctorClient.create({ ...${options}, baseUrl: location.origin });
  })()`);
}

type PageClient = { activate: (t: string, ids: object) => number; track: (g: string, ids: object, o?: object) => void; flush: () => Promise<boolean>; eventStats: () => { queued: number; duplicates: number; accepted: number } };
const inPage = <T>(page: Page, fn: (client: PageClient) => T | Promise<T>): Promise<T> =>
  page.evaluate(`(${fn.toString()})(window.proctor)`) as Promise<T>;

const until = async (predicate: () => boolean, what: string, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('the browser build in Chromium', () => {
  it('activates and tracks from the bundle; the events arrive batched with the token in the header', async () => {
    const { server, page } = await setUp();
    await startClient(page, {});
    const value = await inPage(page, (c) => {
      const v = c.activate('color', { USER: 'b1' });
      c.track('signup', { USER: 'b1' }, { unique: true });
      c.track('revenue', { USER: 'b1' }, { value: 3 });
      return v;
    });
    await until(() => server.stored.size === 3, 'three events');
    expect(server.ofType('exposure')[0]).toMatchObject({ test: 'color', bucket: value, unit: { type: 'USER', id: 'b1' }, definitionVersion: '4', matrixVersion: 'm-browser', allocationId: '#A1' });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].auth).toBe('header');
    expect(await inPage(page, (c) => c.eventStats().queued)).toBe(0);
  });

  it('a reload before the flush keeps the events (localStorage); the next page sends them, exactly once', async () => {
    const { server, page } = await setUp();
    await startClient(page, { flushIntervalMs: 600_000, beacon: false });
    await inPage(page, (c) => {
      for (let i = 0; i < 5; i++) c.activate('color', { USER: `r${i}` });
      c.track('signup', { USER: 'r0' }, { unique: true });
    });
    await page.reload();
    expect(server.requests).toHaveLength(0);
    await startClient(page, { flushIntervalMs: 50, beacon: false });
    await until(() => server.stored.size === 6, 'the six events from before the reload');
    await until(() => server.requests.length > 0 && server.requests.every((r) => r.status === 200), 'answers');
    expect(await inPage(page, (c) => c.flush())).toBe(true);
    expect(server.received).toHaveLength(6);
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('proctor-events:production:') && !k.endsWith(':tab')).map((k) => localStorage.getItem(k)))).toEqual([]);
  });

  it('hiding the page sends the queue with sendBeacon; the next page resends it and gets duplicates', async () => {
    const { server, page } = await setUp();
    await startClient(page, { flushIntervalMs: 600_000 });
    await inPage(page, (c) => {
      for (let i = 0; i < 4; i++) c.activate('color', { USER: `h${i}` });
    });
    expect(server.requests).toHaveLength(0);
    await page.goto('about:blank'); // pagehide
    await until(() => server.stored.size === 4, 'the beacon');
    expect(server.requests[0]).toMatchObject({ auth: 'body', events: 4, status: 200 });
    expect(server.requests[0].contentType).toMatch(/^text\/plain/);
    await page.goto(`${server.url}/app.html`);
    await startClient(page, { flushIntervalMs: 50 });
    expect(await inPage(page, (c) => c.flush())).toBe(true);
    expect(await inPage(page, (c) => c.eventStats())).toMatchObject({ queued: 0, duplicates: 4, accepted: 0 });
    expect(server.stored.size).toBe(4);
  });

  it('a tab closed before sending leaves its queue; the next page (another tab) adopts and sends it', async () => {
    const { server, page } = await setUp();
    await startClient(page, { flushIntervalMs: 600_000, beacon: false });
    await inPage(page, (c) => {
      for (let i = 0; i < 3; i++) c.activate('color', { USER: `t${i}` });
    });
    const other = await page.context().newPage(); // opened while the first lives: it must not take the first's queue
    await other.goto(`${server.url}/app.html`);
    await startClient(other, { flushIntervalMs: 50, beacon: false });
    expect(await inPage(other, (c) => c.flush())).toBe(true);
    expect(server.stored.size).toBe(0);
    await page.close();
    const next = await other.context().newPage();
    await next.goto(`${server.url}/app.html`);
    await startClient(next, { flushIntervalMs: 50, beacon: false });
    await until(() => server.stored.size === 3, 'the closed tab\'s events');
    expect(await inPage(next, (c) => c.flush())).toBe(true);
    expect(server.received).toHaveLength(3);
  });
});
