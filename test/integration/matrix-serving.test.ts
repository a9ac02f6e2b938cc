/**
 * The matrix endpoint over real HTTP against the production build (`next start`), read with node:http so the bytes on
 * the wire are seen as sent (fetch would decode them): precomputed identity/gzip/brotli variants negotiated by
 * Accept-Encoding, a strong ETag and 304 per variant, the hot path answered at the request edge (and logged there),
 * credentials still checked and refusals still audited by the route, and the immutable per-revision URLs with the
 * short-lived `current` pointer, across a promotion.
 */
import http from 'node:http';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startAppServer, type AppServer } from '@/test/support/app-server';
import { promoteToQa } from '@/test/support/promote-to-qa';

const TEST = 'matrix_serving_test';

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function raw(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

function decode(response: Raw): string {
  const coding = response.headers['content-encoding'];
  if (coding === 'gzip') return zlib.gunzipSync(response.body).toString('utf8');
  if (coding === 'br') return zlib.brotliDecompressSync(response.body).toString('utf8');
  expect(coding).toBeUndefined();
  return response.body.toString('utf8');
}

let app: AppServer;
let erin: ApiClient;
let rex: ApiClient;

/** Changes the test on trunk and promotes it to qa; returns qa's new head. */
async function promote(seed: number): Promise<string> {
  return (await promoteToQa(erin, rex, TEST, seed, `matrix serving ${seed}`)).revision;
}

/** The server's log lines of the request with this x-request-id that were answered at the request edge. */
async function edgeLines(requestId: string): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 200)); // stdout arrives a moment after the answer
  return app.stdout.filter((line) => line.includes('"msg":"request"') && line.includes(`"requestId":"${requestId}"`) && line.includes('"edge":true')).length;
}

beforeAll(async () => {
  app = await startAppServer();
  erin = await new ApiClient(app.baseUrl).login('erin');
  rex = await new ApiClient(app.baseUrl).login('rex');
}, 600_000);

afterAll(async () => {
  await app?.stop();
});

describe('matrix variants', () => {
  it('negotiates identity, gzip and brotli: same matrix, own strong ETag, Content-Length, Vary, 304 on each', async () => {
    const url = `${app.baseUrl}/api/v1/matrix/qa`;
    const identity = await raw(url, { 'accept-encoding': 'identity' });
    expect(identity.status).toBe(200);
    const revision = identity.headers['x-proctor-revision'] as string;
    expect(identity.headers.etag).toBe(`"${revision}"`);
    const text = decode(identity);
    expect(JSON.parse(text).audit.version).toBe(revision);

    for (const [acceptEncoding, coding] of [
      ['identity', undefined],
      ['gzip', 'gzip'],
      ['gzip, deflate, br', 'br'],
      ['br;q=0.2, gzip;q=0.9', 'gzip'],
      ['deflate', undefined],
    ] as const) {
      const response = await raw(url, { 'accept-encoding': acceptEncoding });
      expect(response.status).toBe(200);
      expect(response.headers['content-encoding']).toBe(coding);
      expect(response.headers.etag).toBe(coding ? `"${revision}-${coding}"` : `"${revision}"`);
      expect(response.headers['content-length']).toBe(String(response.body.byteLength));
      expect(response.headers.vary).toMatch(/accept-encoding/i);
      expect(response.headers['cache-control']).toBe('public, no-cache');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['content-security-policy']).toContain("default-src 'none'");
      expect(response.headers['x-request-id']).toBeTruthy();
      expect(decode(response)).toBe(text);
      if (coding) expect(response.body.byteLength).toBeLessThan(identity.body.byteLength / 3);

      const revalidated = await raw(url, { 'accept-encoding': acceptEncoding, 'if-none-match': response.headers.etag! });
      expect(revalidated.status).toBe(304);
      expect(revalidated.body.byteLength).toBe(0);
      expect(revalidated.headers.etag).toBe(response.headers.etag);
      // Another coding's ETag names other bytes.
      const crossed = await raw(url, { 'accept-encoding': acceptEncoding, 'if-none-match': coding ? `"${revision}"` : `"${revision}-gzip"` });
      expect(crossed.status).toBe(200);
    }
    const head = await raw(url, { 'accept-encoding': 'gzip' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.byteLength).toBe(0);
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
  });

  it('answers the hot path at the request edge and logs it there; the route still checks credentials and audits refusals', async () => {
    const path = '/api/v1/matrix/production';
    await raw(`${app.baseUrl}${path}`); // the route builds the matrix the first time
    const first = await raw(`${app.baseUrl}${path}`, { 'accept-encoding': 'gzip', 'x-request-id': 'edge-check-1' });
    expect(first.status).toBe(200);
    expect(first.headers['x-request-id']).toBe('edge-check-1');
    expect(first.headers['x-frame-options']).toBe('DENY');
    expect(first.headers['content-security-policy']).toContain("default-src 'none'");
    const revalidated = await raw(`${app.baseUrl}${path}`, { 'accept-encoding': 'gzip', 'if-none-match': first.headers.etag!, 'x-request-id': 'edge-check-2' });
    expect(revalidated.status).toBe(304);
    // A fleet's revalidation is small: the cache's fields and the request id; the stored 200 keeps the rest.
    expect(Object.keys(revalidated.headers).sort()).toEqual(['cache-control', 'connection', 'date', 'etag', 'keep-alive', 'vary', 'x-proctor-revision', 'x-request-id']);
    expect(revalidated.headers['x-proctor-revision']).toBe(first.headers['x-proctor-revision']);
    expect(await edgeLines('edge-check-1')).toBe(1);
    expect(await edgeLines('edge-check-2')).toBe(1);
    // The edge's line is the route's `request` line: the same fields in the same order, whatever makes it.
    const line = JSON.parse(app.stdout.find((l) => l.includes('"requestId":"edge-check-2"'))!);
    expect(Object.keys(line)).toEqual(['time', 'level', 'msg', 'requestId', 'method', 'path', 'status', 'ms', 'edge']);
    expect(line).toMatchObject({ level: 'info', msg: 'request', requestId: 'edge-check-2', method: 'GET', path, status: 304, edge: true });
    expect(Math.abs(Date.parse(line.time) - Date.now())).toBeLessThan(60_000);
    expect(line.time).toBe(new Date(line.time).toISOString());
    expect(typeof line.ms).toBe('number');
    // Without a usable x-request-id (this one holds a space), a fresh random UUID.
    const fresh = await raw(`${app.baseUrl}${path}?fleet=1`, { 'accept-encoding': 'gzip', 'if-none-match': first.headers.etag!, 'x-request-id': 'not usable' });
    expect(fresh.status).toBe(304);
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await edgeLines(fresh.headers['x-request-id'] as string)).toBe(1);

    // A signed-in caller is authenticated (same rule as the route) and still served.
    const signedIn = await erin.get(path);
    expect(signedIn.status).toBe(200);
    // A token that does not authenticate is refused by the route (401) and audited, as before.
    const refused = await raw(`${app.baseUrl}${path}`, { authorization: 'Bearer pst_not_a_real_token', 'x-request-id': 'edge-bad-token' });
    expect(refused.status).toBe(401);
    const audit = await (await new ApiClient(app.baseUrl).login('avery')).get('/api/v1/audit?limit=20');
    expect(audit.status).toBe(200);
    expect(JSON.stringify(audit.json)).toContain('edge-bad-token');
  });
});

describe('per-revision URLs', () => {
  it('current points (briefly cacheable) at an immutable URL that keeps its bytes after the branch moves', async () => {
    const pointer = await raw(`${app.baseUrl}/api/v1/matrix/qa/current`);
    expect(pointer.status).toBe(307);
    expect(pointer.headers['cache-control']).toBe('public, max-age=2');
    const before = pointer.headers['x-proctor-revision'] as string;
    const location = new URL(pointer.headers.location!, app.baseUrl).href;
    expect(location).toBe(`${app.baseUrl}/api/v1/matrix/qa/${before}`);

    const pinned = await raw(location, { 'accept-encoding': 'gzip' });
    expect(pinned.status).toBe(200);
    expect(pinned.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const branch = await raw(`${app.baseUrl}/api/v1/matrix/qa`, { 'accept-encoding': 'gzip' });
    expect(pinned.headers.etag).toBe(branch.headers.etag);
    expect(Buffer.compare(pinned.body, branch.body)).toBe(0);
    for (const coding of ['identity', 'gzip', 'br']) {
      const variant = await raw(location, { 'accept-encoding': coding });
      expect(variant.status).toBe(200);
      expect(variant.headers.etag).toBe(coding === 'identity' ? `"${before}"` : `"${before}-${coding}"`);
      const revalidated = await raw(location, { 'accept-encoding': coding, 'if-none-match': variant.headers.etag! });
      expect(revalidated.status, coding).toBe(304);
      expect(revalidated.headers.etag).toBe(variant.headers.etag);
      expect(revalidated.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      const head = await raw(location, { 'accept-encoding': coding }, 'HEAD');
      expect(head.status).toBe(200);
      expect(head.headers['content-length']).toBe(variant.headers['content-length']);
      expect(head.body.byteLength).toBe(0);
    }

    const after = await promote(1);
    expect(after).not.toBe(before);
    // The request right after the promotion's answer has the new matrix (the edge reuses no head read across it).
    expect((await raw(`${app.baseUrl}/api/v1/matrix/qa`, { 'accept-encoding': 'gzip' })).headers['x-proctor-revision']).toBe(after);
    const moved = await raw(`${app.baseUrl}/api/v1/matrix/qa/current`);
    expect(new URL(moved.headers.location!, app.baseUrl).href).toBe(`${app.baseUrl}/api/v1/matrix/qa/${after}`);
    const newer = await raw(`${app.baseUrl}/api/v1/matrix/qa/${after}`, { 'accept-encoding': 'identity' });
    expect(JSON.parse(newer.body.toString('utf8')).tests[TEST].description).toBe('matrix serving 1');
    // The old URL still serves the old bytes.
    const old = await raw(`${app.baseUrl}/api/v1/matrix/qa/${before}`, { 'accept-encoding': 'gzip' });
    expect(old.status).toBe(200);
    expect(Buffer.compare(old.body, pinned.body)).toBe(0);
  });

  it('the route (a revision no longer held, built on request) answers with the identity bytes under their ETag, not re-encoded', async () => {
    const old = (await raw(`${app.baseUrl}/api/v1/matrix/qa/current`)).headers['x-proctor-revision'] as string;
    const identity = await raw(`${app.baseUrl}/api/v1/matrix/qa/${old}`, { 'accept-encoding': 'identity' });
    // Enough promotions that `old` is no longer held in memory: the edge passes its URL on to the route.
    for (let seed = 10; seed < 15; seed++) await promote(seed);
    const requestId = 'route-fallback-1';
    const routed = await raw(`${app.baseUrl}/api/v1/matrix/qa/${old}`, { 'accept-encoding': 'gzip, br', 'x-request-id': requestId });
    expect(await edgeLines(requestId)).toBe(0); // answered by the route
    expect(routed.status).toBe(200);
    expect(routed.headers['content-encoding']).toBeUndefined();
    expect(routed.headers.etag).toBe(`"${old}"`);
    expect(routed.headers['cache-control']).toBe('public, max-age=31536000, immutable, no-transform');
    expect(Buffer.compare(routed.body, identity.body)).toBe(0);
  });

  it('refuses what is not a recent revision of that branch', async () => {
    const trunk = (await raw(`${app.baseUrl}/api/v1/matrix/trunk/current`)).headers['x-proctor-revision'] as string;
    const qa = (await raw(`${app.baseUrl}/api/v1/matrix/qa/current`)).headers['x-proctor-revision'] as string;
    expect(trunk).not.toBe(qa);
    for (const address of [`/api/v1/matrix/production/${trunk}`, `/api/v1/matrix/qa/${'0'.repeat(40)}`, '/api/v1/matrix/qa/abc123', `/api/v1/matrix/qa/${qa.toUpperCase()}`]) {
      const response = await raw(`${app.baseUrl}${address}`);
      expect(response.status, address).toBe(404);
      expect(JSON.parse(response.body.toString('utf8')).code).toBe('NOT_FOUND');
    }
  });
});

describe('change streams', () => {
  it('are held at the request edge: the current revision at once, then each promotion, to every open stream', async () => {
    const opened = await Promise.all(
      Array.from({ length: 3 }, () =>
        new Promise<{ events: string[]; close(): void }>((resolve, reject) => {
          const events: string[] = [];
          const request = http.get(`${app.baseUrl}/api/v1/matrix/qa/events`, (response) => {
            expect(response.statusCode).toBe(200);
            expect(response.headers['content-type']).toContain('text/event-stream');
            expect(response.headers['x-content-type-options']).toBe('nosniff');
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => events.push(chunk));
            resolve({ events, close: () => request.destroy() });
          });
          request.on('error', reject);
        }),
      ),
    );
    const waitFor = async (predicate: () => boolean) => {
      for (let i = 0; i < 400 && !predicate(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(predicate()).toBe(true);
    };
    const current = (await raw(`${app.baseUrl}/api/v1/matrix/qa/current`)).headers['x-proctor-revision'] as string;
    for (const stream of opened) await waitFor(() => stream.events.join('').includes(`"revision":"${current}"`));
    const promoted = await promote(2);
    for (const stream of opened) await waitFor(() => stream.events.join('').includes(`id: ${promoted}\nevent: revision\n`));
    for (const stream of opened) stream.close();
    expect(app.stdout.filter((line) => line.includes('"path":"/api/v1/matrix/qa/events"') && line.includes('"edge":true')).length).toBeGreaterThanOrEqual(3);
  });
});

describe('per-application matrices', () => {
  it('an application receives only the tests of the specification its heartbeat registered, verified against it', async () => {
    const avery = await new ApiClient(app.baseUrl).login('avery');
    const created = await avery.post('/api/v1/consumers/tokens', { name: 'serving app', environment: 'qa', scope: 'heartbeat' });
    expect(created.status).toBe(201);
    const token = created.json.token as string;
    const own = `${app.baseUrl}/api/v1/matrix/qa/applications/serving-app`;
    const full = JSON.parse((await raw(`${app.baseUrl}/api/v1/matrix/qa`)).body.toString('utf8'));
    expect(Object.keys(full.tests).length).toBeGreaterThan(1);

    // Nothing registered yet; no token, a token of another environment: refused.
    expect((await raw(`${own}?version=1`, { authorization: `Bearer ${token}` })).status).toBe(404);
    expect((await raw(`${own}?version=1`)).status).toBe(401);
    const production = (await avery.post('/api/v1/consumers/tokens', { name: 'serving app prod', environment: 'production', scope: 'heartbeat' })).json.token;
    expect((await raw(`${own}?version=1`, { authorization: `Bearer ${production}` })).status).toBe(403);

    // The client registers its specification (heartbeat) and loads its own matrix by default.
    const { ProctorClient } = await import('@/lib/client');
    const specification = { tests: { [TEST]: { fallbackValue: -1, buckets: { inactive: -1, control: 0, treatment: 1 } } } };
    const client = new ProctorClient({ baseUrl: app.baseUrl, environment: 'qa', specification, token, application: { name: 'serving-app', version: '1' }, stream: false, pollIntervalMs: 0, events: false, onError: () => undefined });
    await client.start();
    expect(client.revision, JSON.stringify({ status: client.status(), log: app.stdout.filter((line) => line.includes('applications') || line.includes('heartbeat')).slice(-6) })).toBe((await raw(`${app.baseUrl}/api/v1/matrix/qa/current`)).headers['x-proctor-revision']);
    expect(client.currentMatrix.tests[TEST].salt).toBe(`&${TEST}`); // the real definition, not a fallback
    await client.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(app.stdout.some((line) => line.includes('"path":"/api/v1/matrix/qa/applications/serving-app"') && line.includes('"status":200'))).toBe(true);

    const ok = await raw(`${own}?version=1`, { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip' });
    expect(ok.status).toBe(200);
    expect(ok.headers['cache-control']).toBe('private, no-cache, no-transform');
    // Answered by the route (token-authenticated): the identity bytes its strong ETag names, not re-encoded by Next.
    expect(ok.headers.etag).toMatch(/^"[0-9a-f]{40}-[0-9a-f]{16}"$/);
    expect(ok.headers['content-encoding']).toBeUndefined();
    expect(Object.keys(JSON.parse(decode(ok)).tests)).toEqual([TEST]);
    expect((await raw(`${own}?version=1`, { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip', 'if-none-match': ok.headers.etag! })).status).toBe(304);

    // Version 2 knows only two of the test's three buckets: Proctor's loader rejects the test, so it is not sent.
    const heartbeat = await ApiClient.withToken(app.baseUrl, token).post('/api/v1/heartbeat', {
      application: 'serving-app',
      version: '2',
      environment: 'qa',
      instanceId: 'host-2',
      matrixRevision: null,
      specification: { tests: { [TEST]: { fallbackValue: -1, buckets: { inactive: -1, control: 0 } } } },
    });
    expect(heartbeat.status).toBe(200);
    const narrower = await raw(`${own}?version=2`, { authorization: `Bearer ${token}` });
    expect(narrower.status).toBe(200);
    expect(JSON.parse(narrower.body.toString('utf8')).tests).toEqual({});
  });
});
