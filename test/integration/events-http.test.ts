/**
 * POST /api/v1/events over HTTP against the production build: tokens and scopes, whole-batch refusals (401, 403, 413,
 * 422, 429 with Retry-After), per-event results against the real production matrix, duplicates across a restart of
 * the server, and the kill -9 exactness run (scripts/events-exactness.ts) at 20,000 events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExactness } from '../../scripts/events-exactness';
import { ApiClient, startAppServer, type AppServer } from '../support/app-server';

let app: AppServer;
let admin: ApiClient;
let matrix: { audit: { version: string }; tests: Record<string, { version: string }> };
const tokens: Record<string, string> = {};

async function appToken(name: string, body: Record<string, unknown>): Promise<string> {
  const response = await admin.post('/api/v1/consumers/tokens', { name, ...body });
  expect(response.status, response.text).toBe(201);
  return response.json.token;
}

let seq = 0;
const exposure = (extra: Record<string, unknown> = {}) => ({
  id: `http-${Date.now()}-${++seq}`,
  type: 'exposure',
  time: new Date().toISOString(),
  environment: 'production',
  unit: { type: 'USER', id: `u-${seq}` },
  test: 'checkout_button_color',
  bucket: 1,
  allocationId: '#A1',
  definitionVersion: matrix.tests.checkout_button_color.version,
  matrixVersion: matrix.audit.version,
  ...extra,
});

function post(token: string | null, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${app.baseUrl}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

beforeAll(async () => {
  app = await startAppServer({ env: { PROCTOR_EVENTS_MAX_IN_FLIGHT: '1000' } });
  admin = await new ApiClient(app.baseUrl).login('avery');
  matrix = (await admin.get('/api/v1/matrix/production')).json;
  tokens.events = await appToken('events only', { scope: 'events' });
  tokens.heartbeat = await appToken('heartbeat only', {});
  tokens.all = await appToken('both', { scope: 'all' });
  tokens.qa = await appToken('qa events', { scope: 'events', environment: 'qa' });
}, 900_000);
afterAll(async () => {
  await app?.stop();
});

describe('POST /api/v1/events', () => {
  it('refuses a missing, unknown or revoked token (401) and a token without the events scope (403)', async () => {
    expect((await post(null, { events: [exposure()] })).status).toBe(401);
    expect((await post('pct_nope', { events: [exposure()] })).status).toBe(401);
    const revoked = await admin.post('/api/v1/consumers/tokens', { name: 'to revoke', scope: 'events' });
    await admin.delete(`/api/v1/consumers/tokens/${revoked.json.id}`);
    expect((await post(revoked.json.token, { events: [exposure()] })).status).toBe(401);
    const heartbeatOnly = await post(tokens.heartbeat, { events: [exposure()] });
    expect(heartbeatOnly.status).toBe(403);
    expect((await heartbeatOnly.json()).message).toMatch(/cannot send events/);
    // An events-only token cannot report a heartbeat; a token made before scopes existed (heartbeat) still can.
    const heartbeat = { application: 'a', version: '1', environment: 'production', instanceId: 'i', matrixRevision: null, specification: { tests: {} } };
    const refused = await fetch(`${app.baseUrl}/api/v1/heartbeat`, { method: 'POST', headers: { authorization: `Bearer ${tokens.events}`, 'content-type': 'application/json' }, body: JSON.stringify(heartbeat) });
    expect(refused.status).toBe(403);
    const allowed = await fetch(`${app.baseUrl}/api/v1/heartbeat`, { method: 'POST', headers: { authorization: `Bearer ${tokens.heartbeat}`, 'content-type': 'application/json' }, body: JSON.stringify(heartbeat) });
    expect(allowed.status).toBe(200);
    const audit = await admin.get('/api/v1/audit?limit=20');
    expect(audit.json.entries.some((entry: { action: string; outcome: string }) => entry.action === 'events' && entry.outcome === 'refused')).toBe(true);
  });

  it('takes the token from the body when there is no Authorization header (navigator.sendBeacon), with the same checks', async () => {
    const beacon = (token: string) => fetch(`${app.baseUrl}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: JSON.stringify({ token, events: [exposure()] }) });
    expect((await (await beacon(tokens.events)).json()).accepted).toBe(1);
    expect((await beacon(tokens.heartbeat)).status).toBe(403);
    expect((await beacon('pct_nope')).status).toBe(401);
  });

  it('answers per event against the production matrix, and a duplicate as such', async () => {
    const first = exposure();
    const response = await post(tokens.events, {
      events: [first, first, exposure({ test: 'no_such_test' }), exposure({ bucket: 9 }), { id: 'broken' }, exposure({ environment: 'qa' }), { id: 'c1-' + seq, type: 'conversion', time: new Date().toISOString(), environment: 'production', unit: first.unit, goal: 'purchase' }],
    });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'duplicate', 'rejected', 'rejected', 'rejected', 'accepted', 'accepted']);
    expect(body.results[2].reason).toMatch(/no test 'no_such_test' in the production matrix/);
    expect(body.results[3].reason).toMatch(/no bucket 9/);
    expect(body).toMatchObject({ accepted: 3, duplicates: 1, rejected: 3 });
    // A token for qa: production events in its batch are refused one by one, with the reason.
    const qa = await (await post(tokens.qa, { events: [exposure(), exposure({ environment: 'qa' })] })).json();
    expect(qa.results.map((r: { status: string }) => r.status)).toEqual(['rejected', 'accepted']);
    expect(qa.results[0].reason).toMatch(/only send events for qa/);
  });

  it('answers uncompressed whatever the client accepts (gzip per batch cost the ingest path more than it saved)', async () => {
    const response = await post(tokens.events, { events: Array.from({ length: 100 }, () => exposure()) }, { 'accept-encoding': 'gzip, br' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-encoding')).toBeNull();
    expect((await response.json()).accepted).toBe(100);
  });

  it('refuses a malformed batch as a whole (422), malformed JSON (400) and a body over 1 MiB (413)', async () => {
    expect((await post(tokens.events, { nope: [] })).status).toBe(422);
    expect((await post(tokens.events, { events: 'x' })).status).toBe(422);
    expect((await post(tokens.events, { events: Array.from({ length: 1001 }, () => ({})) })).status).toBe(422);
    expect((await post(tokens.events, '{"events": [')).status).toBe(400);
    const big = await post(tokens.events, { events: [exposure({ unit: { type: 'USER', id: 'x'.repeat(1024 * 1024) } })] });
    expect(big.status).toBe(413);
  });

  it('answers 429 with Retry-After past the in-flight budget, and the retried batches count once', async () => {
    const batches = Array.from({ length: 6 }, () => Array.from({ length: 1000 }, () => exposure()));
    const first = await Promise.all(batches.map((events) => post(tokens.all, { events })));
    const statuses = first.map((response) => response.status);
    expect(statuses).toContain(429);
    expect(statuses.every((status) => status === 200 || status === 429)).toBe(true);
    const limited = first.find((response) => response.status === 429)!;
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // The client retries: everything ends up accepted once (a 200 the first time → duplicates now).
    let accepted = 0;
    let duplicates = 0;
    for (const events of batches) {
      const again = await (await post(tokens.all, { events })).json();
      accepted += again.accepted;
      duplicates += again.duplicates;
    }
    expect(duplicates).toBe(statuses.filter((status) => status === 200).length * 1000);
    expect(accepted + duplicates).toBe(6000);
  });

  it('keeps acknowledged ids across a restart of the server', async () => {
    const event = exposure();
    expect((await (await post(tokens.events, { events: [event] })).json()).accepted).toBe(1);
    await app.stop({ keepData: true });
    app = await startAppServer({ dataDir: app.dataDir, env: { PROCTOR_EVENTS_MAX_IN_FLIGHT: '1000' } });
    expect((await (await post(tokens.events, { events: [event] })).json()).results[0].status).toBe('duplicate');
  });
});

describe('exactness under retries and kill -9', () => {
  it('counts 20,000 events with 10% retried and a kill -9 of the server exactly once', async () => {
    const report = await runExactness({ events: 20_000, log: () => undefined });
    expect(report.kills).toBe(1);
    expect(report.retriesSent).toBeGreaterThan(1000);
    expect(report.expiredRetries).toBeGreaterThan(0);
    expect({ acceptedTwice: report.acceptedTwice, unacknowledged: report.unacknowledged }).toEqual({ acceptedTwice: 0, unacknowledged: 0 });
    expect(report.counted).toEqual(report.expected);
  }, 900_000);
});
