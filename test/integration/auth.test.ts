import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken, listApiTokens, resolveApiToken, revokeApiToken } from '@/lib/auth/api-tokens';
import { authenticate } from '@/lib/auth/authenticate';
import { loadConfig } from '@/lib/config';
import { DEMO_ACCOUNTS, ensureAccounts } from '@/lib/auth/ensure-accounts';
import { login, LOGIN_FAILED_MESSAGE } from '@/lib/auth/login';
import { DEFAULT_LOGIN_RATE_LIMIT } from '@/lib/auth/rate-limit';
import { createUser, updateUser } from '@/lib/auth/manage-users';
import { assertSameOrigin } from '@/lib/auth/origin-check';
import { hashPassword, verifyPassword } from '@/lib/auth/password';
import { hasRole, requireRole } from '@/lib/auth/roles';
import { createSession, deleteSession, resolveSession, SESSION_TTL_MS, sessionCookie } from '@/lib/auth/sessions';
import { sha256Hex } from '@/lib/auth/tokens';
import { toAuthUser, type AuthUser } from '@/lib/auth/user-view';
import { createTestDatabase, openAnotherInstance } from '@/test/support/db';
import { caught } from '@/test/support/caught';

type Db = Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db;
let admin: AuthUser;
let erin: AuthUser;

beforeAll(async () => {
  db = await createTestDatabase();
  const accounts = await ensureAccounts(db.prisma, { adminUser: 'root', adminPassword: 'root-password-1', demoMode: true });
  expect(accounts.map((a) => [a.username, a.role, a.action])).toEqual([
    ['root', 'admin', 'created'],
    ...DEMO_ACCOUNTS.map((a) => [a.username, a.role, 'created']),
  ]);
  admin = toAuthUser(await db.prisma.user.findUniqueOrThrow({ where: { username: 'root' } }));
  erin = toAuthUser(await db.prisma.user.findUniqueOrThrow({ where: { username: 'erin' } }));
});
afterAll(() => db?.close());

describe('ensureAccounts on instances starting at once (issue #22)', () => {
  it('two callers on one fresh database both succeed; each account is created exactly once', async () => {
    // Two connection pools on the same database are two instances (on PostgreSQL: truly concurrent sessions).
    for (let round = 0; round < 3; round++) {
      const fresh = await createTestDatabase();
      const other = await openAnotherInstance(fresh);
      try {
        const config = { adminUser: 'root', adminPassword: 'root-password-1', demoMode: true };
        const [a, b] = await Promise.all([ensureAccounts(fresh.prisma, config), ensureAccounts(other.prisma, config)]);
        for (const username of ['root', ...DEMO_ACCOUNTS.map((account) => account.username)]) {
          const actions = [a, b].map((accounts) => accounts.find((account) => account.username === username)?.action);
          expect(actions.filter((action) => action === 'created'), username).toHaveLength(1);
        }
        expect(await fresh.prisma.user.count()).toBe(1 + DEMO_ACCOUNTS.length);
      } finally {
        await other.close();
        await fresh.close();
      }
    }
  });
});

describe('passwords', () => {
  it('hashes with bcrypt cost 10 and verifies', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash).toMatch(/^\$2[aby]\$10\$/);
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('wrong horse', hash)).toBe(false);
    expect(await verifyPassword('anything', null)).toBe(false);
  });
});

describe('ensureAccounts', () => {
  it('creates the demo accounts with password demo and the right roles', async () => {
    const users = await db.prisma.user.findMany({ where: { username: { in: DEMO_ACCOUNTS.map((a) => a.username) } }, orderBy: { username: 'asc' } });
    expect(users.map((u) => [u.username, u.displayName, u.role])).toEqual([
      ['avery', 'Avery Admin', 'admin'],
      ['erin', 'Erin Engineer', 'editor'],
      ['priya', 'Priya Patel', 'editor'],
      ['quinn', 'Quinn QA', 'qa'],
      ['rex', 'Rex Release', 'releaser'],
      ['vera', 'Vera Viewer', 'viewer'],
    ]);
    expect(await verifyPassword('demo', users[0].passwordHash)).toBe(true);
  });

  it('is idempotent, restores the configured admin, and creates no demo accounts outside demo mode', async () => {
    const again = await ensureAccounts(db.prisma, { adminUser: 'root', adminPassword: 'root-password-1', demoMode: true });
    expect(again.every((a) => a.action === 'unchanged')).toBe(true);
    await db.prisma.user.update({ where: { username: 'root' }, data: { role: 'viewer', disabled: true } });
    const restored = await ensureAccounts(db.prisma, { adminUser: 'root', adminPassword: 'new-root-password', demoMode: false });
    expect(restored).toEqual([{ username: 'root', displayName: 'root', role: 'admin', source: 'admin', action: 'updated' }]);
    const root = await db.prisma.user.findUniqueOrThrow({ where: { username: 'root' } });
    expect([root.role, root.disabled, await verifyPassword('new-root-password', root.passwordHash)]).toEqual(['admin', false, true]);
    expect(await ensureAccounts(db.prisma, { demoMode: false })).toEqual([]);
  });
});

describe('login and rate limiting', () => {
  it('signs in with the right password and refuses wrong ones with one message', async () => {
    const ok = await login({ prisma: db.prisma }, { username: 'priya', password: 'demo', ip: '10.0.0.1' });
    expect(ok.user.username).toBe('priya');
    expect(ok.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    for (const attempt of [{ username: 'priya', password: 'nope' }, { username: 'nobody', password: 'demo' }]) {
      const error = await caught(login({ prisma: db.prisma }, { ...attempt, ip: '10.0.0.1' }));
      expect([error.code, error.message]).toEqual(['UNAUTHENTICATED', LOGIN_FAILED_MESSAGE]);
    }
  });

  it('refuses disabled users even with the right password', async () => {
    await db.prisma.user.create({ data: { username: 'gone', displayName: 'Gone', role: 'editor', passwordHash: await hashPassword('gone-password'), disabled: true } });
    expect((await caught(login({ prisma: db.prisma }, { username: 'gone', password: 'gone-password' }))).code).toBe('UNAUTHENTICATED');
  });

  it('locks a username+ip after 5 failures for 15 minutes, even for the right password', async () => {
    const t0 = new Date('2030-01-01T10:00:00Z');
    for (let i = 0; i < 5; i++) {
      expect((await caught(login({ prisma: db.prisma, now: t0 }, { username: 'quinn', password: 'bad', ip: '10.0.0.9' }))).code).toBe('UNAUTHENTICATED');
    }
    const limited = await caught(login({ prisma: db.prisma, now: new Date(t0.getTime() + 60_000) }, { username: 'quinn', password: 'demo', ip: '10.0.0.9' }));
    expect(limited.code).toBe('RATE_LIMITED');
    expect(limited.message).toBe("Too many failed sign-ins for 'quinn'. Try again in 14 minutes.");
    expect(limited.data).toEqual({ retryAfterSeconds: 840 });
    // Another address is not affected; the same address is again after the window.
    expect((await login({ prisma: db.prisma, now: new Date(t0.getTime() + 60_000) }, { username: 'quinn', password: 'demo', ip: '10.0.0.10' })).user.username).toBe('quinn');
    expect((await login({ prisma: db.prisma, now: new Date(t0.getTime() + 15 * 60_000) }, { username: 'quinn', password: 'demo', ip: '10.0.0.9' })).user.username).toBe('quinn');
  });

  it('cannot be used to lock a user out from elsewhere: 60 failures from 60 addresses leave the known address working and only slow a new one', async () => {
    const t0 = new Date('2030-01-02T10:00:00Z');
    const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
    await login({ prisma: db.prisma, now: t0 }, { username: 'rex', password: 'demo', ip: '198.51.100.1' });
    for (let i = 0; i < 60; i++) {
      // Past 50 the attacker is slowed down too.
      const expected = i < 50 ? 'UNAUTHENTICATED' : 'RATE_LIMITED';
      expect((await caught(login({ prisma: db.prisma, now: at(1) }, { username: 'rex', password: 'guess', ip: `203.0.113.${i}` }))).code).toBe(expected);
    }
    // The address rex signs in from: unaffected.
    expect((await login({ prisma: db.prisma, now: at(2) }, { username: 'rex', password: 'demo', ip: '198.51.100.1' })).user.username).toBe('rex');
    // A place rex has not signed in from: told to wait seconds after the latest failure, then let in.
    const slowed = await caught(login({ prisma: db.prisma, now: at(2) }, { username: 'rex', password: 'demo', ip: '192.0.2.50' }));
    expect([slowed.code, slowed.data]).toEqual(['RATE_LIMITED', { retryAfterSeconds: 9 }]);
    expect(slowed.message).toBe("Many sign-ins for 'rex' have failed recently, so sign-ins from places it has not signed in from before are slowed down. Try again in 9 seconds.");
    expect((await login({ prisma: db.prisma, now: at(11) }, { username: 'rex', password: 'demo', ip: '192.0.2.50' })).user.username).toBe('rex');
  });

  it('locks an address that fails for many users', async () => {
    const t0 = new Date('2030-01-03T10:00:00Z');
    const rateLimit = { ...DEFAULT_LOGIN_RATE_LIMIT, maxFailuresPerIp: 3 };
    for (let i = 0; i < 3; i++) await caught(login({ prisma: db.prisma, now: t0, rateLimit }, { username: `nobody${i}`, password: 'x', ip: '203.0.113.200' }));
    const limited = await caught(login({ prisma: db.prisma, now: t0, rateLimit }, { username: 'erin', password: 'demo', ip: '203.0.113.200' }));
    expect([limited.code, limited.message]).toEqual(['RATE_LIMITED', 'Too many failed sign-ins from your address. Try again in 15 minutes.']);
    expect((await login({ prisma: db.prisma, now: t0, rateLimit }, { username: 'erin', password: 'demo', ip: '203.0.113.201' })).user.username).toBe('erin');
  });
});

describe('sessions', () => {
  it('stores only the sha256 of the cookie token, slides expiry, and logout deletes', async () => {
    const t0 = new Date('2030-02-01T08:00:00Z');
    const { token, expiresAt } = await createSession(db.prisma, erin.id, t0);
    expect(expiresAt.getTime() - t0.getTime()).toBe(SESSION_TTL_MS);
    const row = await db.prisma.session.findUniqueOrThrow({ where: { id: sha256Hex(token) } });
    expect(JSON.stringify(row)).not.toContain(token);

    const t1 = new Date(t0.getTime() + 11 * 3600_000);
    expect((await resolveSession(db.prisma, token, t1))?.user.username).toBe('erin');
    // Used at 11 h, so still valid at 22 h (sliding), but not 12 h after the last use.
    expect((await resolveSession(db.prisma, token, new Date(t1.getTime() + 11 * 3600_000)))?.user.username).toBe('erin');
    expect(await resolveSession(db.prisma, token, new Date(t1.getTime() + 11 * 3600_000 + SESSION_TTL_MS + 1))).toBeNull();
    expect(await db.prisma.session.count({ where: { id: sha256Hex(token) } })).toBe(0);

    const second = await createSession(db.prisma, erin.id);
    await deleteSession(db.prisma, second.token);
    expect(await resolveSession(db.prisma, second.token)).toBeNull();
  });

  it('builds an httpOnly, SameSite=Lax, Path=/ cookie, Secure only over https', () => {
    expect(sessionCookie('abc', { secure: false })).toBe('proctor_session=abc; Path=/; HttpOnly; SameSite=Lax');
    expect(sessionCookie('abc', { secure: true })).toBe('proctor_session=abc; Path=/; HttpOnly; SameSite=Lax; Secure');
  });
});

describe('API tokens', () => {
  it('shows the token once, stores only its hash, and resolves it', async () => {
    const created = await createApiToken({ prisma: db.prisma }, erin, { name: 'ci' });
    expect(created.token).toMatch(/^pst_[A-Za-z0-9_-]{43}$/);
    expect(created.prefix).toBe(created.token.slice(0, 12));
    const dump = JSON.stringify(await db.prisma.apiToken.findMany());
    expect(dump).not.toContain(created.token);
    expect(dump).toContain(sha256Hex(created.token));
    expect(JSON.stringify(await listApiTokens({ prisma: db.prisma }, erin))).not.toContain(created.token);
    const resolved = await resolveApiToken(db.prisma, created.token);
    expect(resolved?.user.username).toBe('erin');
    expect((await db.prisma.apiToken.findUniqueOrThrow({ where: { id: created.id } })).lastUsedAt).not.toBeNull();
  });

  it('rejects revoked, expired and unknown tokens', async () => {
    const revoked = await createApiToken({ prisma: db.prisma }, erin, { name: 'revoked' });
    await revokeApiToken({ prisma: db.prisma }, erin, { id: revoked.id });
    expect(await resolveApiToken(db.prisma, revoked.token)).toBeNull();

    const t0 = new Date('2030-03-01T00:00:00Z');
    const expiring = await createApiToken({ prisma: db.prisma }, erin, { name: 'short', expiresInDays: 1 }, t0);
    expect(await resolveApiToken(db.prisma, expiring.token, new Date(t0.getTime() + 23 * 3600_000))).not.toBeNull();
    expect(await resolveApiToken(db.prisma, expiring.token, new Date(t0.getTime() + 24 * 3600_000))).toBeNull();
    expect(await resolveApiToken(db.prisma, 'pst_' + 'x'.repeat(43))).toBeNull();
  });

  it("hides other users' tokens unless the caller is admin", async () => {
    const mine = await createApiToken({ prisma: db.prisma }, admin, { name: 'admin-token' });
    expect((await caught(revokeApiToken({ prisma: db.prisma }, erin, { id: mine.id }))).code).toBe('NOT_FOUND');
    expect((await caught(listApiTokens({ prisma: db.prisma }, erin, { all: true }))).code).toBe('FORBIDDEN');
    const all = await listApiTokens({ prisma: db.prisma }, admin, { all: true });
    expect(new Set(all.map((t) => t.username))).toEqual(new Set(['erin', 'root']));
    const erinsToken = all.find((t) => t.username === 'erin')!;
    expect((await revokeApiToken({ prisma: db.prisma }, admin, { id: erinsToken.id })).revokedAt).toBeInstanceOf(Date);
  });
});

describe('roles', () => {
  it('orders viewer < editor < releaser < admin', () => {
    const table: [string, string, boolean][] = [
      ['viewer', 'viewer', true], ['viewer', 'editor', false], ['editor', 'releaser', false], ['releaser', 'editor', true],
      ['releaser', 'admin', false], ['admin', 'releaser', true],
    ];
    for (const [role, required, expected] of table) {
      expect(hasRole({ role } as AuthUser, required as AuthUser['role'])).toBe(expected);
    }
    expect(hasRole(null, 'viewer')).toBe(false);
  });
  it('requireRole throws UNAUTHENTICATED or FORBIDDEN with the role named', async () => {
    expect((await caught(() => requireRole(null, 'viewer'))).code).toBe('UNAUTHENTICATED');
    const forbidden = await caught(() => requireRole(erin, 'releaser'));
    expect([forbidden.code, forbidden.message]).toEqual(['FORBIDDEN', 'This needs the releaser role; erin is an editor.']);
  });
});

describe('authenticate', () => {
  const config = { trustedUserHeader: undefined, trustedProxies: [] };
  const sso = { trustedUserHeader: 'x-remote-user', trustedProxies: ['10.0.0.5'] };
  const fromProxy = { 'x-remote-user': 'rex', 'x-proctor-peer-address': '10.0.0.5' };
  it('accepts a Bearer token, a session cookie, and the proxy header only when configured', async () => {
    const { token } = await createApiToken({ prisma: db.prisma }, erin, { name: 'auth' });
    expect(await authenticate(db.prisma, new Request('http://h/', { headers: { authorization: `Bearer ${token}` } }), config)).toMatchObject({ via: 'token', user: { username: 'erin' } });
    const session = await createSession(db.prisma, admin.id);
    expect(await authenticate(db.prisma, new Request('http://h/', { headers: { cookie: `a=b; proctor_session=${session.token}` } }), config)).toMatchObject({ via: 'session', user: { username: 'root' } });
    const proxied = new Request('http://h/', { headers: fromProxy });
    expect(await authenticate(db.prisma, proxied, config)).toBeNull();
    expect(await authenticate(db.prisma, proxied, sso)).toMatchObject({ via: 'proxy', user: { username: 'rex', role: 'releaser' } });
    expect((await caught(authenticate(db.prisma, new Request('http://h/', { headers: { ...fromProxy, 'x-remote-user': 'mallory' } }), sso))).code).toBe('FORBIDDEN');
  });
  it('believes the proxy header only from a trusted proxy: any other peer is refused, naming the rule', async () => {
    for (const peer of ['10.0.0.6', undefined]) {
      const headers: Record<string, string> = { 'x-remote-user': 'rex' };
      if (peer) headers['x-proctor-peer-address'] = peer;
      const error = await caught(authenticate(db.prisma, new Request('http://h/', { headers }), sso));
      expect(error.code).toBe('FORBIDDEN');
      expect(error.message).toContain('PROCTOR_TRUSTED_PROXIES');
      expect(error.message).toContain(peer ?? 'an unknown address');
    }
  });
  it('the configuration refuses the proxy header without a list of trusted proxies', () => {
    expect(() => loadConfig({ PROCTOR_TRUSTED_USER_HEADER: 'X-Remote-User' } as unknown as NodeJS.ProcessEnv)).toThrow(/PROCTOR_TRUSTED_PROXIES is empty/);
    expect(loadConfig({ PROCTOR_TRUSTED_USER_HEADER: 'X-Remote-User', PROCTOR_TRUSTED_PROXIES: '127.0.0.1' } as unknown as NodeJS.ProcessEnv)).toMatchObject({ trustedUserHeader: 'x-remote-user', trustedProxies: ['127.0.0.1'] });
  });
  it('fails loudly for a bad Bearer token but treats a stale cookie as anonymous', async () => {
    const error = await caught(authenticate(db.prisma, new Request('http://h/', { headers: { authorization: 'Bearer pst_' + 'y'.repeat(43) } }), config));
    expect([error.code, error.message]).toEqual(['UNAUTHENTICATED', 'The API token is not valid: it is unknown, revoked or expired. Create a new one.']);
    expect(await authenticate(db.prisma, new Request('http://h/', { headers: { cookie: 'proctor_session=stale' } }), config)).toBeNull();
  });
});

describe('origin check', () => {
  const post = (headers: Record<string, string>) => new Request('http://studio.local/api/v1/tokens', { method: 'POST', headers: { host: 'studio.local', ...headers } });
  const cases: [string, Record<string, string>, 'session' | 'token' | null, string | null][] = [
    ['same origin via Host', { origin: 'http://studio.local' }, 'session', null],
    ['public URL origin', { origin: 'https://proctor.example.com' }, 'session', null],
    ['other origin', { origin: 'https://evil.example' }, 'session', 'Cross-site request from https://evil.example refused. Use Proctor Studio itself, or an API token for scripts.'],
    ['missing Origin with a cookie', {}, 'session', 'Request refused: no Origin header. Scripts should authenticate with an API token.'],
    ['referer fallback', { referer: 'http://studio.local/tests/x' }, 'session', null],
    ['token requests are exempt', { origin: 'https://evil.example' }, 'token', null],
    ['anonymous login from another site', { origin: 'https://evil.example' }, null, 'Cross-site request from https://evil.example refused. Use Proctor Studio itself, or an API token for scripts.'],
    ['sec-fetch-site cross-site', { origin: 'http://studio.local', 'sec-fetch-site': 'cross-site' }, 'session', 'Cross-site request refused. Use Proctor Studio itself, or an API token for scripts.'],
  ];
  it.each(cases)('%s', async (_name, headers, via, message) => {
    const run = () => assertSameOrigin(post(headers), via, 'https://proctor.example.com');
    if (message === null) expect(run).not.toThrow();
    else expect([(await caught(run)).code, (await caught(run)).message]).toEqual(['FORBIDDEN', message]);
  });
  it('never checks safe methods', () => {
    expect(() => assertSameOrigin(new Request('http://a/', { headers: { origin: 'https://evil.example' } }), 'session', undefined)).not.toThrow();
  });
});

describe('user administration', () => {
  it('creates users, refuses duplicates, and never removes the last admin', async () => {
    const created = await createUser({ prisma: db.prisma }, admin, { username: 'nina', role: 'editor', password: 'nina-password' });
    expect(created).toMatchObject({ username: 'nina', displayName: 'nina', role: 'editor', disabled: false });
    expect((await caught(createUser({ prisma: db.prisma }, admin, { username: 'nina', role: 'viewer' }))).code).toBe('ALREADY_EXISTS');
    expect((await caught(createUser({ prisma: db.prisma }, erin, { username: 'x', role: 'viewer' }))).code).toBe('FORBIDDEN');

    // Demote every admin but root, then root cannot be demoted or disabled.
    await updateUser({ prisma: db.prisma }, admin, { username: 'avery', role: 'editor' });
    const last = await caught(updateUser({ prisma: db.prisma }, admin, { username: 'root', role: 'viewer' }));
    expect([last.code, last.message]).toEqual(['FORBIDDEN', "'root' is the last active admin; make another user admin first."]);
    expect((await caught(updateUser({ prisma: db.prisma }, admin, { username: 'root', disabled: true }))).code).toBe('FORBIDDEN');
    await updateUser({ prisma: db.prisma }, admin, { username: 'avery', role: 'admin' });
    expect((await updateUser({ prisma: db.prisma }, admin, { username: 'root', disabled: true })).disabled).toBe(true);
    await updateUser({ prisma: db.prisma }, admin, { username: 'root', disabled: false });
  });

  it('ends the sessions of a user whose password changes', async () => {
    const session = await createSession(db.prisma, (await db.prisma.user.findUniqueOrThrow({ where: { username: 'nina' } })).id);
    await updateUser({ prisma: db.prisma }, admin, { username: 'nina', password: 'another-password' });
    expect(await resolveSession(db.prisma, session.token)).toBeNull();
    expect((await login({ prisma: db.prisma }, { username: 'nina', password: 'another-password' })).user.username).toBe('nina');
  });
});
