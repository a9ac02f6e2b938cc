/**
 * lib/client's exposure and conversion events against a small real HTTP server implementing the events contract
 * (test/support/events-server-double.ts): what activate/track log, and how delivery behaves — batching, retries with
 * backoff and Retry-After, 4xx not retried, 413 split, per-event results, malformed answers, the queue bound, and the
 * stored queue (file) across a kill.
 */
import { mkdtempSync, rmSync, writeFileSync, readFileSync, appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProctorClient, type ProctorClientOptions } from '@/lib/client';
import { retryDelayMs, parseRetryAfter } from '@/lib/client/event-delivery';
import { FileEventStore, readQueueText } from '@/lib/client/event-store-file';
import { consumable, matrixOf } from '../support/client-matrix';
import { EventsServerDouble } from '../support/events-server-double';

const MATRIX = matrixOf('matrix-rev-9', {
  color: consumable([-1, 0, 1], [[0, 0.5], [1, 0.5]]),
  quiet: consumable([-1, 0, 1], [[0, 0.5], [1, 0.5]], { silent: true }),
  off: consumable([-1, 0], [[-1, 1], [0, 0]]),
  gated: consumable([-1, 0], [[0, 1]], { rule: 'country == "NZ"' }),
});

const SPEC = {
  tests: {
    color: { fallbackValue: -1, buckets: { inactive: -1, b0: 0, b1: 1 } },
    quiet: { fallbackValue: -1, buckets: { inactive: -1, b0: 0, b1: 1 } },
    off: { fallbackValue: -1, buckets: { inactive: -1, b0: 0 } },
    gated: { fallbackValue: 5, buckets: { inactive: -1, b0: 0, fb: 5 } },
  },
  providedContext: { country: 'String' },
};

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const until = async (predicate: () => boolean, what: string, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

async function serverDouble(): Promise<EventsServerDouble> {
  const server = new EventsServerDouble();
  server.matrix = MATRIX;
  await server.listen();
  cleanups.push(() => server.close());
  return server;
}

async function client(server: EventsServerDouble, events: ProctorClientOptions['events'] = {}, extra: Partial<ProctorClientOptions> = {}): Promise<{ client: ProctorClient; errors: string[] }> {
  const errors: string[] = [];
  const c = await ProctorClient.create({
    baseUrl: server.url,
    environment: 'production',
    specification: SPEC,
    stream: false,
    pollIntervalMs: 0,
    token: server.token,
    events: events === false ? false : { backoff: { initialMs: 5, maxMs: 40 }, ...events },
    onError: (e) => errors.push(e.message),
    ...extra,
  });
  cleanups.push(() => c.close());
  return { client: c, errors };
}

describe('activate and track: what is logged', () => {
  it('getGroups logs nothing; activate returns the bucket and logs one exposure with everything the results need', async () => {
    const server = await serverDouble();
    const { client: c } = await client(server);
    const groups = c.getGroups({ USER: 'u1' }, { country: 'US' });
    groups.value('color');
    expect(await c.flush()).toBe(true);
    expect(server.requests).toHaveLength(0);
    expect(c.eventStats()!.queued).toBe(0);

    const value = c.activate('color', { USER: 'u1' }, { country: 'US' });
    expect(value).toBe(groups.value('color'));
    expect(c.activate('color', { USER: 'u1' }, { country: 'US' })).toBe(value); // same unit, same revision: once
    expect(groups.activate('color')).toBe(value);
    expect(await c.flush()).toBe(true);
    const exposures = server.ofType('exposure');
    expect(exposures).toHaveLength(1);
    const [exposure] = exposures;
    expect(exposure).toMatchObject({
      type: 'exposure', environment: 'production', unit: { type: 'USER', id: 'u1' }, test: 'color', bucket: value,
      allocationId: '#A1', definitionVersion: '7', matrixVersion: 'matrix-rev-9',
    });
    expect(exposure.fallback).toBeUndefined();
    expect(exposure.id[14]).toBe('7');
    expect(Math.abs(Date.parse(exposure.time) - Date.now())).toBeLessThan(60_000);
  });

  it('never logs silent tests or forced groups; logs the inactive bucket and the fallback as fallback, not as an arm', async () => {
    const server = await serverDouble();
    const { client: c } = await client(server);
    expect([0, 1]).toContain(c.activate('quiet', { USER: 'u1' }));
    expect(c.activate('color', { USER: 'u2' }, {}, { forceGroups: 'color:1' })).toBe(1);
    expect(c.activate('off', { USER: 'u3' })).toBe(-1);
    expect(c.activate('gated', { USER: 'u4' }, { country: 'US' })).toBe(5); // rule false: the spec's fallbackValue
    expect(c.activate('color', {})).toBe(-1); // no USER id: nothing to count it against
    expect(await c.flush()).toBe(true);
    const exposures = server.ofType('exposure');
    expect(exposures.map((e) => [e.test, e.unit.id, e.bucket, e.fallback, e.allocationId ?? null]).sort()).toEqual([
      ['gated', 'u4', 5, true, null],
      ['off', 'u3', -1, true, '#A1'],
    ]);
  });

  it('binary goals get one id per unit, so two devices of one user collapse; counting goals add up', async () => {
    const server = await serverDouble();
    const { client: phone } = await client(server);
    const { client: laptop } = await client(server);
    phone.track('signup', { USER: 'u1' }, { unique: true });
    phone.track('signup', { USER: 'u1' }, { unique: true }); // same id while still queued: collapsed locally
    laptop.track('signup', { USER: 'u1' }, { unique: true });
    phone.track('revenue', { USER: 'u1' }, { value: 12.5 });
    laptop.track('revenue', { USER: 'u1' }, { value: 7.5 });
    phone.track('clicks', { USER: 'u1', ACCOUNT: 'a9' });
    expect(await phone.flush()).toBe(true);
    expect(await laptop.flush()).toBe(true);
    const conversions = server.ofType('conversion');
    const signups = conversions.filter((e) => e.goal === 'signup');
    expect(signups).toHaveLength(1);
    expect(signups[0]).toMatchObject({ unique: true, unit: { type: 'USER', id: 'u1' }, environment: 'production' });
    expect(signups[0].id[14]).toBe('3');
    expect(laptop.eventStats()!.duplicates).toBe(1);
    expect(phone.eventStats()!.collapsed).toBe(1);
    const revenue = conversions.filter((e) => e.goal === 'revenue');
    expect(revenue.map((e) => e.value).sort()).toEqual([12.5, 7.5]);
    expect(revenue.every((e) => e.id[14] === '7' && e.unique === undefined)).toBe(true);
    expect(conversions.filter((e) => e.goal === 'clicks').map((e) => e.unit.type).sort()).toEqual(['ACCOUNT', 'USER']);
    expect(() => phone.track('revenue', { USER: 'u1' }, { value: Number.NaN })).toThrow(TypeError);
    // The endpoint refuses values past 10¹² (their squares would overflow the counting tables): said at once here.
    expect(() => phone.track('revenue', { USER: 'u1' }, { value: -1e13 })).toThrow(/at most 1,000,000,000,000/);
    expect(() => phone.track('revenue', { USER: 'u1' }, { value: 1e12 })).not.toThrow();
  });

  it('stamps events with events.clock: their time and their UUIDv7 id (a simulator back-dating history)', async () => {
    const server = await serverDouble();
    let now = Date.parse('2026-11-20T09:15:00.000Z');
    const { client: c } = await client(server, { clock: () => now });
    c.activate('color', { USER: 'u1' }, { country: 'US' });
    now += 3_600_000;
    c.track('clicks', { USER: 'u1' });
    expect(await c.flush()).toBe(true);
    const [exposure] = server.ofType('exposure');
    const [conversion] = server.ofType('conversion');
    expect(exposure.time).toBe('2026-11-20T09:15:00.000Z');
    expect(conversion.time).toBe('2026-11-20T10:15:00.000Z');
    const idMs = (id: string) => parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
    expect(idMs(exposure.id)).toBe(Date.parse('2026-11-20T09:15:00.000Z'));
    expect(idMs(conversion.id)).toBe(Date.parse('2026-11-20T10:15:00.000Z'));
  });
});

describe('delivery', () => {
  it('batches: events enqueued together go in one request; a full batch goes at once without waiting for the interval', async () => {
    const server = await serverDouble();
    const { client: c } = await client(server, { flushIntervalMs: 60_000, batchSize: 50, maxBatchEvents: 50 });
    for (let i = 0; i < 120; i++) c.track('click', { USER: `u${i}` });
    await until(() => c.eventStats()!.accepted === 100, 'two full batches answered');
    expect(server.requests.map((r) => r.events)).toEqual([50, 50]);
    expect(c.eventStats()!.queued).toBe(20); // under the batch size: waits for the interval
    expect(await c.flush()).toBe(true);
    expect(server.requests.map((r) => r.events)).toEqual([50, 50, 20]);
    expect(server.requests.every((r) => r.auth === 'header')).toBe(true);
  });

  it('retries 5xx and network failures with backoff, and honours Retry-After on 429', async () => {
    const server = await serverDouble();
    server.script.push({ status: 503, body: '{"message":"database unavailable"}' }, { status: 500 }, { status: 429, headers: { 'retry-after': '1' } });
    const { client: c, errors } = await client(server);
    c.track('click', { USER: 'u1' });
    await until(() => server.stored.size === 1, 'the event after three failures');
    const stats = c.eventStats()!;
    expect(stats.retries).toBe(3);
    expect(stats.lastRetryDelayMs).toBeGreaterThanOrEqual(1000);
    // The request after the 429 came no earlier than Retry-After said.
    const [, , throttled, ok] = server.requests;
    expect(ok.at - throttled.at).toBeGreaterThanOrEqual(1000);
    expect(server.received).toHaveLength(1);
    expect(errors.some((m) => m.includes('answered 503'))).toBe(true);
  });

  it('retries when the server cannot be reached, and delivers once it is back', async () => {
    const server = await serverDouble();
    const port = server.port;
    const { client: c } = await client(server);
    await server.close();
    cleanups.pop();
    c.track('click', { USER: 'u1' });
    await until(() => c.eventStats()!.retries >= 2, 'retries while down');
    const back = new EventsServerDouble();
    await back.listen(port);
    cleanups.push(() => back.close());
    await until(() => c.eventStats()!.queued === 0, 'delivery after the outage');
    expect(back.stored.size).toBe(1);
  });

  it('does not retry other 4xx: the batch is dropped and counted as refused', async () => {
    const server = await serverDouble();
    const { client: c, errors } = await client(server, { token: 'pct_wrong' });
    c.track('click', { USER: 'u1' });
    c.track('click', { USER: 'u2' });
    expect(await c.flush()).toBe(true);
    expect(c.eventStats()).toMatchObject({ queued: 0, refused: 2, retries: 0, accepted: 0 });
    expect(server.requests.map((r) => r.status)).toEqual([401]);
    expect(errors.some((m) => m.includes('HTTP 401, not retried'))).toBe(true);
  });

  it('rejected and duplicate results are final; a 413 splits the batch until it fits', async () => {
    const server = await serverDouble();
    server.knownTests = new Set(['color']);
    server.maxBodyBytes = 20_000;
    const { client: c, errors } = await client(server, { flushIntervalMs: 60_000 });
    c.activate('off', { USER: 'u0' }); // unknown to this server: rejected
    for (let i = 0; i < 150; i++) c.activate('color', { USER: `u${i}` });
    expect(await c.flush()).toBe(true);
    const stats = c.eventStats()!;
    expect(stats).toMatchObject({ queued: 0, accepted: 150, rejected: 1, retries: 0 });
    expect(server.requests.some((r) => r.status === 413)).toBe(true);
    expect(server.requests.filter((r) => r.status === 200).every((r) => r.bytes <= 20_000)).toBe(true);
    expect(errors.some((m) => m.includes('unknown test off'))).toBe(true);
  });

  it('a malformed answer is retried, and events an answer leaves out are sent again (then answered as duplicates)', async () => {
    const server = await serverDouble();
    server.script.push(
      { status: 200, body: '<html>gateway</html>', headers: { 'content-type': 'text/html' } },
      { status: 200, body: '{"results":"no"}' },
      { status: 200, resultsFor: 2 },
    );
    const { client: c } = await client(server, { flushIntervalMs: 60_000 });
    for (let i = 0; i < 5; i++) c.track('click', { USER: `u${i}` });
    await c.flush();
    await until(() => c.eventStats()!.queued === 0, 'every event answered');
    expect(server.stored.size).toBe(5);
    expect(c.eventStats()).toMatchObject({ accepted: 2, duplicates: 3, retries: 3 });
  });

  it('keeps at most maxQueue events: the oldest are dropped and counted', async () => {
    const server = await serverDouble();
    for (let i = 0; i < 5; i++) server.script.push({ status: 503 });
    const { client: c } = await client(server, { maxQueue: 10, flushIntervalMs: 60_000, backoff: { initialMs: 60_000 } });
    for (let i = 0; i < 25; i++) c.track('click', { USER: `u${i}` });
    expect(c.eventStats()).toMatchObject({ queued: 10, dropped: 15 });
    server.script.length = 0;
    expect(await c.flush()).toBe(true);
    expect([...server.stored.values()].map((e) => e.unit.id).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `u${i + 15}`).sort());
  });

  it('retry delays grow exponentially with jitter inside [half, all] of the step, capped, never under Retry-After', () => {
    const backoff = { initialMs: 100, maxMs: 1000 };
    expect([0, 1, 2, 3, 4, 10].map((n) => retryDelayMs(n, null, backoff, () => 0))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([0, 1, 2, 3, 4, 10].map((n) => retryDelayMs(n, null, backoff, () => 0.999999))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(retryDelayMs(0, 5000, backoff, () => 0)).toBe(5000);
    expect(retryDelayMs(0, 5000, backoff, () => 0.5)).toBe(5250);
    expect(retryDelayMs(10, 200, backoff, () => 0)).toBe(500); // the backoff is longer than Retry-After
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(Date.now() + 10_000).toUTCString())).toBeGreaterThan(8000);
    expect(parseRetryAfter('soon')).toBeNull();
  });
});

describe('the stored queue (Node: append-only file)', () => {
  it('reads complete lines only: a last line cut by a kill is ignored, removals are replayed', () => {
    const e = (id: string) => JSON.stringify({ e: { id, type: 'conversion', goal: 'g' } });
    const text = `${e('a')}\n${e('b')}\n{"d":["a"]}\n${e('c')}\n${e('d').slice(0, 20)}`;
    expect(readQueueText(text).map((event) => event.id)).toEqual(['b', 'c']);
    expect(readQueueText(`not json\n${e('x')}\n`).map((event) => event.id)).toEqual(['x']);
    // A record whose newline was not written is not taken, even when its JSON happens to be complete.
    expect(readQueueText(`${e('x')}\n${e('y')}`).map((event) => event.id)).toEqual(['x']);
  });

  it('keeps queued events across a restart and refuses a folder a live process holds', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'client-events-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const server = await serverDouble();
    server.script.push(...Array.from({ length: 50 }, () => ({ status: 503 })));
    const { client: first } = await client(server, { directory: dir, backoff: { initialMs: 60_000 } });
    first.track('click', { USER: 'u1' });
    first.track('signup', { USER: 'u1' }, { unique: true });
    await first.eventsPersisted();
    expect(readQueueText(readFileSync(path.join(dir, 'events.log'), 'utf8'))).toHaveLength(2);
    // A second live holder of the folder is refused (it runs on memory only and says so).
    const { errors } = await client(server, { directory: dir });
    await until(() => errors.some((m) => m.includes('in use by process')), 'the refusal');
    await first.close();
    // A torn line appended by a kill mid-write is not taken for an event.
    appendFileSync(path.join(dir, 'events.log'), '{"e":{"id":"torn","ty');
    server.script.length = 0;
    const { client: second } = await client(server, { directory: dir });
    expect(await second.flush()).toBe(true);
    expect([...server.stored.values()].map((event) => (event as { goal: string }).goal).sort()).toEqual(['click', 'signup']);
    await second.eventsPersisted();
    expect(readQueueText(readFileSync(path.join(dir, 'events.log'), 'utf8'))).toHaveLength(0);
  });

  it('compacts the log when removed records outnumber live ones', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'client-events-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const store = new FileEventStore(dir);
    cleanups.push(() => store.close());
    writeFileSync(path.join(dir, 'events.log'), '');
    await store.load();
    const events = Array.from({ length: 3000 }, (_, i) => ({ id: `id${i}`, type: 'conversion' as const, time: '', environment: 'qa' as const, unit: { type: 'USER', id: 'u' }, goal: 'g' }));
    let live = [...events];
    for (let i = 0; i < 3000; i += 100) {
      const added = events.slice(i, i + 100);
      const removed = added.slice(0, 90).map((e) => e.id);
      live = live.filter((e) => !removed.includes(e.id));
      await store.write({ added, removed, snapshot: () => live.filter((e) => Number(e.id.slice(2)) < i + 100) });
    }
    const lines = readFileSync(path.join(dir, 'events.log'), 'utf8').split('\n').length - 1;
    expect(lines).toBeLessThan(1500);
    expect(readQueueText(readFileSync(path.join(dir, 'events.log'), 'utf8'))).toHaveLength(300);
  });
});
