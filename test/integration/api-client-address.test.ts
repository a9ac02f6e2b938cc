/**
 * Client addresses over real HTTP against the production build (`next start`): forwarding headers are believed only
 * from a configured trusted proxy, so spoofed X-Forwarded-For cannot lock a user out or forge the audit log's address,
 * and a spoofed X-Forwarded-Host cannot pass the Origin check. Also: the sign-in page never redirects off-origin.
 *
 * Several "machines" are loopback addresses (Linux routes all of 127.0.0.0/8 to lo): requests leave from 127.0.0.2 etc.
 * The server trusts 127.0.0.3 as its reverse proxy and nobody else.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startAppServer, type AppServer } from '@/test/support/app-server';

const PROXY = '127.0.0.3';
let app: AppServer;
let admin: ApiClient;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request sent from a chosen local address (fetch cannot choose it). */
function send(from: string, method: string, path: string, options: { headers?: Record<string, string>; body?: unknown } = {}): Promise<Reply> {
  const url = new URL(path, app.baseUrl);
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        localAddress: from,
        headers: { origin: app.baseUrl, ...(body ? { 'content-type': 'application/json' } : {}), ...options.headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const signIn = (from: string, username: string, password: string, headers: Record<string, string> = {}) =>
  send(from, 'POST', '/api/v1/session', { body: { username, password }, headers });

async function auditEntries(limit = 500): Promise<{ action: string; actor: string | null; ip: string | null; outcome: string; details: { status: number } }[]> {
  const response = await admin.get(`/api/v1/audit?limit=${limit}`);
  expect(response.status).toBe(200);
  return response.json.entries;
}

beforeAll(async () => {
  app = await startAppServer({ env: { PROCTOR_TRUSTED_PROXIES: PROXY } });
  admin = await new ApiClient(app.baseUrl).login('avery');
}, 900_000);
afterAll(async () => {
  await app?.stop();
});

describe('login throttling with spoofed X-Forwarded-For', () => {
  it('55 failed sign-ins for the admin from "55 addresses" do not stop the admin signing in, and the audit log has the real address', async () => {
    // The admin has signed in from 127.0.0.1 before (beforeAll): that is their usual place.
    const statuses: number[] = [];
    for (let i = 0; i < 55; i++) {
      const reply = await signIn('127.0.0.2', 'avery', `guess-${i}`, { 'x-forwarded-for': `203.0.113.${i}`, 'x-real-ip': `203.0.113.${i}`, 'x-proctor-peer-address': PROXY });
      statuses.push(reply.status);
    }
    // The spoofed addresses give the attacker no fresh buckets: 5 tries from its one real address, then 429.
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(new Set(statuses.slice(5))).toEqual(new Set([429]));

    const real = await signIn('127.0.0.1', 'avery', 'demo');
    expect(real.status).toBe(200);

    const attempts = (await auditEntries()).filter((entry) => entry.action === 'session.create' && entry.actor === 'avery');
    const attackerIps = new Set(attempts.filter((entry) => entry.details.status !== 200).map((entry) => entry.ip));
    expect(attackerIps).toEqual(new Set(['127.0.0.2']));
    expect(attempts.find((entry) => entry.details.status === 200)?.ip).toBe('127.0.0.1');
  });

  it('past 50 failures from many real addresses the user still signs in from their usual place', async () => {
    expect((await signIn('127.0.0.1', 'rex', 'demo')).status).toBe(200);
    const statuses: number[] = [];
    for (let host = 10; host < 21; host++) {
      for (let i = 0; i < 5; i++) statuses.push((await signIn(`127.0.0.${host}`, 'rex', `guess-${i}`)).status);
    }
    // 50 wrong passwords are checked; past that, new addresses are slowed down (429) rather than the account locked.
    expect(statuses.slice(0, 50).every((status) => status === 401)).toBe(true);
    expect(statuses.every((status) => status === 401 || status === 429)).toBe(true);
    expect((await signIn('127.0.0.1', 'rex', 'demo')).status).toBe(200);
  });
});

describe('a trusted proxy', () => {
  it('is believed about the client address (right-most hop it appended); nobody else is', async () => {
    await signIn(PROXY, 'nobody-via-proxy', 'x', { 'x-forwarded-for': '6.6.6.6, 198.51.100.77' });
    await signIn('127.0.0.4', 'nobody-direct', 'x', { 'x-forwarded-for': '198.51.100.78' });
    const entries = await auditEntries(20);
    expect(entries.find((entry) => entry.actor === 'nobody-via-proxy')?.ip).toBe('198.51.100.77');
    expect(entries.find((entry) => entry.actor === 'nobody-direct')?.ip).toBe('127.0.0.4');
  });
});

describe('Origin check with X-Forwarded-Host', () => {
  const cookieOf = async () => `proctor_session=${(await new ApiClient(app.baseUrl).login('erin')).sessionCookie}`;

  it('a spoofed X-Forwarded-Host does not make a foreign Origin pass; from the trusted proxy it does', async () => {
    const cookie = await cookieOf();
    const spoofed = await send('127.0.0.2', 'POST', '/api/v1/tokens', {
      body: { name: 'forged' },
      headers: { cookie, origin: 'https://studio.example.com', 'x-forwarded-host': 'studio.example.com' },
    });
    expect(spoofed.status).toBe(403);
    expect(JSON.parse(spoofed.body).message).toBe('Cross-site request from https://studio.example.com refused. Use Proctor Studio itself, or an API token for scripts.');

    const proxied = await send(PROXY, 'POST', '/api/v1/tokens', {
      body: { name: 'through the proxy' },
      headers: { cookie, origin: 'https://studio.example.com', 'x-forwarded-host': 'studio.example.com' },
    });
    expect(proxied.status).toBe(201);
  });
});

describe('the sign-in page', () => {
  it.each(['/%5Cevil.example', '/%09/evil.example', '//evil.example', '/.//evil.example', 'https://evil.example'])('next=%s sends a signed-in user to our own origin', async (next) => {
    const reply = await send('127.0.0.1', 'GET', `/login?next=${next}`, { headers: { cookie: `proctor_session=${admin.sessionCookie}` } });
    expect(reply.status).toBe(307);
    const location = String(reply.headers.location);
    expect(new URL(location, app.baseUrl).origin).toBe(app.baseUrl);
    expect(location).not.toContain('evil');
  });
});
