/**
 * The /api/v1 route handlers called directly with Request objects (no server): the apiRoute wrapper's behaviour
 * (request ids, JSON errors, size limit, unknown fields, auth, origin, audit, logging) and the account/issue routes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELETE as revokeToken } from '@/app/api/v1/tokens/[id]/route';
import { GET as listTokens, POST as createToken } from '@/app/api/v1/tokens/route';
import { DELETE as logout, GET as whoAmI, POST as loginRoute } from '@/app/api/v1/session/route';
import { GET as listUsers, POST as createUserRoute } from '@/app/api/v1/users/route';
import { PATCH as patchUser } from '@/app/api/v1/users/[username]/route';
import { GET as listIssuesRoute, POST as createIssueRoute } from '@/app/api/v1/issues/route';
import { GET as issueDetail } from '@/app/api/v1/issues/[key]/route';
import { GET as listTransitionsRoute, POST as transitionRoute } from '@/app/api/v1/issues/[key]/transitions/route';
import { POST as commentRoute } from '@/app/api/v1/issues/[key]/comments/route';
import { GET as auditRoute } from '@/app/api/v1/audit/route';
import { ensureAccounts } from '@/lib/auth/ensure-accounts';
import { loadConfig } from '@/lib/config';
import { setServicesProvider } from '@/lib/composition/services';
import { BuiltinIssueTracker } from '@/lib/issues/builtin-tracker';
import { createLogger, setLogger } from '@/lib/log/logger';
import { createTestDatabase } from '@/test/support/db';
import { createTestServices } from '@/test/support/test-services';

type Db = Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db;
const logLines: string[] = [];
const BASE = 'http://studio.test';
const config = { ...loadConfig({} as NodeJS.ProcessEnv), publicUrl: BASE, demoMode: true, trustedProxies: ['10.9.9.9'] };

beforeAll(async () => {
  db = await createTestDatabase();
  await ensureAccounts(db.prisma, config);
  const tracker = new BuiltinIssueTracker(db.prisma, { publicUrl: BASE });
  const services = createTestServices({ prisma: db.prisma, config, tracker });
  setServicesProvider(async () => services);
  setLogger(createLogger({ level: 'info', write: (line) => logLines.push(line) }));
});
afterAll(async () => {
  setServicesProvider(undefined);
  setLogger(undefined);
  await db?.close();
});

function request(method: string, path: string, options: { body?: string | object; headers?: Record<string, string> } = {}): Request {
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  return new Request(BASE + path, {
    method,
    body,
    headers: { host: 'studio.test', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
  });
}
const params = <P>(value: P) => ({ params: Promise.resolve(value) });

async function signIn(username: string): Promise<string> {
  const response = await loginRoute(request('POST', '/api/v1/session', { body: { username, password: 'demo' }, headers: { origin: BASE } }));
  expect(response.status).toBe(200);
  return /proctor_session=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')![1];
}
/** Headers of a browser page of ours with a session cookie. */
const browser = (cookie: string) => ({ cookie: `proctor_session=${cookie}`, origin: BASE });
async function tokenFor(username: string): Promise<string> {
  const response = await createToken(request('POST', '/api/v1/tokens', { body: { name: `${username}-cli` }, headers: browser(await signIn(username)) }));
  return (await response.json()).token;
}

describe('apiRoute', () => {
  it('reports malformed JSON with line and column (400)', async () => {
    const response = await loginRoute(request('POST', '/api/v1/session', { body: '{\n  "username": "erin",\n  "password": demo\n}', headers: { origin: BASE } }));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      code: 'BAD_REQUEST',
      message: "The request body is not valid JSON: Unrecognized token 'demo': expected a value (object, array, string, number, true, false or null); strings need double quotes (line 3, column 15).",
      details: [{ path: '', message: "Unrecognized token 'demo': expected a value (object, array, string, number, true, false or null); strings need double quotes (line 3, column 15)" }],
      data: { line: 3, column: 15 },
    });
  });

  it('refuses bodies over 1 MB (413)', async () => {
    const response = await loginRoute(request('POST', '/api/v1/session', { body: { username: 'erin', password: 'x'.repeat(1024 * 1024) }, headers: { origin: BASE } }));
    expect(response.status).toBe(413);
    expect((await response.json()).message).toBe('The request body is larger than 1 MB.');
  });

  it('rejects unknown fields by name (422)', async () => {
    const response = await loginRoute(request('POST', '/api/v1/session', { body: { username: 'erin', password: 'demo', remember: true }, headers: { origin: BASE } }));
    expect(response.status).toBe(422);
    const body = await response.json();
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.details).toEqual([{ path: '/remember', message: "unknown field 'remember'" }]);
  });

  it('refuses a NUL in a path or query parameter (400 naming it) and audits the refusal, reads included', async () => {
    const headers = { authorization: `Bearer ${await tokenFor('erin')}`, 'x-request-id': 'nul-query' };
    const search = await listIssuesRoute(request('GET', '/api/v1/issues?q=a%00b', { headers }));
    expect(search.status).toBe(400);
    expect((await search.json()).details).toEqual([{ path: '?q', message: 'must not contain the NUL character (%00)' }]);
    const detail = await issueDetail(request('GET', '/api/v1/issues/PROTEST-%00', { headers: { ...headers, 'x-request-id': 'nul-path' } }), params({ key: 'PROTEST-\0' }));
    expect(detail.status).toBe(400);
    const audited = await db.prisma.auditLog.findMany({ where: { requestId: { in: ['nul-query', 'nul-path'] } } });
    expect(audited.map((entry) => [entry.requestId, entry.outcome, entry.actor]).sort()).toEqual([
      ['nul-path', 'refused', 'erin'],
      ['nul-query', 'refused', 'erin'],
    ]);
  });

  it('echoes a valid x-request-id and makes one up otherwise', async () => {
    const echoed = await whoAmI(request('GET', '/api/v1/session', { headers: { 'x-request-id': 'abc-123' } }));
    expect(echoed.headers.get('x-request-id')).toBe('abc-123');
    const made = await whoAmI(request('GET', '/api/v1/session', { headers: { 'x-request-id': 'bad id with spaces' } }));
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('writes one JSON log line per request without secrets', async () => {
    logLines.length = 0;
    await loginRoute(request('POST', '/api/v1/session', { body: { username: 'erin', password: 'demo' }, headers: { origin: BASE, 'x-request-id': 'log-1' } }));
    const requestLines = logLines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request');
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0]).toMatchObject({ level: 'info', requestId: 'log-1', method: 'POST', path: '/api/v1/session', status: 200 });
    expect(typeof requestLines[0].ms).toBe('number');
    expect(logLines.join('\n')).not.toMatch(/"demo"|proctor_session=/);
  });
});

describe('session routes', () => {
  it('signs in, tells who I am, and signs out', async () => {
    const login = await loginRoute(request('POST', '/api/v1/session', { body: { username: 'erin', password: 'demo' }, headers: { origin: BASE } }));
    expect(await login.json()).toEqual({ user: expect.objectContaining({ username: 'erin', displayName: 'Erin Engineer', role: 'editor' }) });
    const setCookie = login.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^proctor_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(setCookie).not.toContain('Secure');
    const cookie = /proctor_session=([^;]+)/.exec(setCookie)![1];

    expect((await (await whoAmI(request('GET', '/api/v1/session', { headers: { cookie: `proctor_session=${cookie}` } }))).json()).user.username).toBe('erin');
    const out = await logout(request('DELETE', '/api/v1/session', { headers: browser(cookie) }));
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect(await (await whoAmI(request('GET', '/api/v1/session', { headers: { cookie: `proctor_session=${cookie}` } }))).json()).toEqual({ user: null, via: null });
  });

  it('sets Secure behind a trusted https proxy, and believes nobody else\'s X-Forwarded-Proto', async () => {
    const viaProxy = await loginRoute(request('POST', '/api/v1/session', { body: { username: 'erin', password: 'demo' }, headers: { origin: BASE, 'x-forwarded-proto': 'https', 'x-proctor-peer-address': '10.9.9.9' } }));
    expect(viaProxy.headers.get('set-cookie')).toMatch(/; Secure$/);
    const direct = await loginRoute(request('POST', '/api/v1/session', { body: { username: 'erin', password: 'demo' }, headers: { origin: BASE, 'x-forwarded-proto': 'https', 'x-proctor-peer-address': '192.0.2.50' } }));
    expect(direct.status).toBe(200);
    expect(direct.headers.get('set-cookie')).not.toContain('Secure');
  });

  it('answers wrong passwords with 401 and repeated ones with 429 and Retry-After', async () => {
    const attempt = () => loginRoute(request('POST', '/api/v1/session', { body: { username: 'priya', password: 'wrong' }, headers: { origin: BASE, 'x-forwarded-for': '192.0.2.7' } }));
    for (let i = 0; i < 5; i++) expect((await attempt()).status).toBe(401);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('token routes', () => {
  it('creates a token shown once, authenticates with it, lists without secrets, revokes', async () => {
    const cookie = await signIn('rex');
    const created = await createToken(request('POST', '/api/v1/tokens', { body: { name: 'release bot', expiresInDays: 30 }, headers: browser(cookie) }));
    expect(created.status).toBe(201);
    const { token, id, prefix } = await created.json();
    expect(token.startsWith(prefix)).toBe(true);

    const bearer = { authorization: `Bearer ${token}` };
    const listed = await (await listTokens(request('GET', '/api/v1/tokens', { headers: bearer }))).json();
    expect(listed.tokens.map((t: { name: string }) => t.name)).toEqual(['release bot']);
    expect(JSON.stringify(listed)).not.toContain(token);

    // Token requests need no Origin; cookie mutations without one are refused.
    expect((await revokeToken(request('DELETE', `/api/v1/tokens/${id}`, { headers: { cookie: `proctor_session=${cookie}` } }), params({ id }))).status).toBe(403);
    expect((await revokeToken(request('DELETE', `/api/v1/tokens/${id}`, { headers: bearer }), params({ id }))).status).toBe(200);
    const after = await listTokens(request('GET', '/api/v1/tokens', { headers: bearer }));
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toContain('Bearer');

    const audit = await db.prisma.auditLog.findMany({ where: { action: { in: ['token.create', 'token.revoke'] }, actor: 'rex' }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => [a.action, a.outcome, a.actorKind])).toEqual([
      ['token.create', 'success', 'user'],
      ['token.revoke', 'refused', 'user'],
      ['token.revoke', 'success', 'token'],
    ]);
    expect(JSON.stringify(await db.prisma.auditLog.findMany())).not.toContain(token);
  });
});

describe('user and audit routes', () => {
  it('are admin only', async () => {
    const erin = await tokenFor('erin');
    const response = await listUsers(request('GET', '/api/v1/users', { headers: { authorization: `Bearer ${erin}` } }));
    expect(response.status).toBe(403);
    expect((await response.json()).message).toBe('This needs the admin role; erin is an editor.');
    expect((await auditRoute(request('GET', '/api/v1/audit', { headers: { authorization: `Bearer ${erin}` } }))).status).toBe(403);
    expect((await listUsers(request('GET', '/api/v1/users'))).status).toBe(401);
  });

  it('lets an admin create and change users, never removing the last admin', async () => {
    const avery = { authorization: `Bearer ${await tokenFor('avery')}` };
    const created = await createUserRoute(request('POST', '/api/v1/users', { body: { username: 'olga', role: 'viewer', password: 'olga-password' }, headers: avery }));
    expect(created.status).toBe(201);
    const patched = await patchUser(request('PATCH', '/api/v1/users/olga', { body: { role: 'releaser', displayName: 'Olga O.' }, headers: avery }), params({ username: 'olga' }));
    expect(await patched.json()).toMatchObject({ username: 'olga', displayName: 'Olga O.', role: 'releaser' });
    const last = await patchUser(request('PATCH', '/api/v1/users/avery', { body: { role: 'editor' }, headers: avery }), params({ username: 'avery' }));
    expect(last.status).toBe(403);
    const bad = await patchUser(request('PATCH', '/api/v1/users/olga', { body: { role: 'superuser' }, headers: avery }), params({ username: 'olga' }));
    expect((await bad.json()).details).toEqual([{ path: '/role', message: 'must be one of "viewer", "qa", "editor", "releaser", "admin"' }]);

    const page = await (await auditRoute(request('GET', '/api/v1/audit?limit=2', { headers: avery }))).json();
    expect(page.entries).toHaveLength(2);
    expect(page.entries[0].id).toBeGreaterThan(page.entries[1].id);
    const next = await (await auditRoute(request('GET', `/api/v1/audit?limit=2&before=${page.nextBefore}`, { headers: avery }))).json();
    expect(next.entries[0].id).toBeLessThan(page.entries[1].id);
    expect((await auditRoute(request('GET', '/api/v1/audit?limit=zero', { headers: avery }))).status).toBe(422);
  });
});

describe('issue routes', () => {
  it('lets editors create, transition and comment; viewers only read', async () => {
    const erin = { authorization: `Bearer ${await tokenFor('erin')}` };
    const quinn = { authorization: `Bearer ${await tokenFor('quinn')}` };
    const created = await createIssueRoute(request('POST', '/api/v1/issues', { body: { summary: 'Try a green button', type: 'ProTest' }, headers: erin }));
    expect(created.status).toBe(201);
    const { key } = await created.json();
    expect(key).toMatch(/^PROTEST-\d+$/);
    expect((await createIssueRoute(request('POST', '/api/v1/issues', { body: { summary: 'x', type: 'ProTest' }, headers: quinn }))).status).toBe(403);

    expect((await (await listTransitionsRoute(request('GET', `/api/v1/issues/${key}/transitions`, { headers: quinn }), params({ key }))).json()).transitions).toEqual([
      { id: 'start-progress', name: 'Start Progress', to: 'In Progress' },
    ]);
    const moved = await transitionRoute(request('POST', `/api/v1/issues/${key}/transitions`, { body: { to: 'In Progress' }, headers: erin }), params({ key }));
    expect(await moved.json()).toEqual({ key, from: 'Open', to: 'In Progress', transition: 'Start Progress' });
    const refused = await transitionRoute(request('POST', `/api/v1/issues/${key}/transitions`, { body: { to: 'Closed' }, headers: erin }), params({ key }));
    expect(refused.status).toBe(422);
    expect((await refused.json()).code).toBe('ISSUE_STATE_NOT_ALLOWED');
    expect((await commentRoute(request('POST', `/api/v1/issues/${key}/comments`, { body: { body: 'Started.' }, headers: erin }), params({ key }))).status).toBe(204);

    const detail = await (await issueDetail(request('GET', `/api/v1/issues/${key.toLowerCase()}`, { headers: quinn }), params({ key: key.toLowerCase() }))).json();
    expect(detail).toMatchObject({ key, status: 'In Progress', comments: [{ author: 'erin', body: 'Started.' }], links: [] });
    expect(detail.events.map((e: { to: string }) => e.to)).toEqual(['Open', 'In Progress']);
    expect((await issueDetail(request('GET', '/api/v1/issues/PROTEST-999', { headers: quinn }), params({ key: 'PROTEST-999' }))).status).toBe(404);

    const search = await (await listIssuesRoute(request('GET', '/api/v1/issues?q=green&status=In%20Progress', { headers: quinn }))).json();
    expect(search.issues.map((i: { key: string }) => i.key)).toEqual([key]);
  });
});
