/**
 * Pages ask lib/server/current-user.ts who is signed in. While the database cannot be reached (the embedded process
 * restarting, a PostgreSQL server down) the answer is "unknown" — DATABASE_UNAVAILABLE, shown as a notice by the (app)
 * layout — never "nobody", which sent signed-in users to the sign-in page. The databases are real: an in-memory PGlite
 * holding the user and their session, and Prisma over pg pointed at a port nobody listens on.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSession, SESSION_COOKIE } from '@/lib/auth/sessions';
import { createDatabase, type Database } from '@/lib/db/client';
import { PrismaClient } from '@/lib/generated/prisma/client';
import { authenticate } from '@/lib/auth/authenticate';
import { setServicesProvider, type Services } from '@/lib/composition/services';
import { getCurrentUser, requirePageUser } from '@/lib/server/current-user';
import { freePort } from '@/test/support/app-server';

const request = vi.hoisted(() => ({ headers: new Headers() }));
vi.mock('next/headers', () => ({ headers: async () => request.headers }));

let db: Database;
let unreachable: PrismaClient;
let cookie: string;

/** The process's services as pages see them, with authentication over `prisma` (the rest is not used here). */
function useDatabase(prisma: PrismaClient): void {
  const config = { trustedUserHeader: undefined, trustedProxies: [] } as unknown as Services['config'];
  const services = { prisma, config, authenticate: (request: Request) => authenticate(prisma, request, config) } as unknown as Services;
  setServicesProvider(async () => services);
}

/** What a page does with the user: where it redirects (Next.js throws NEXT_REDIRECT), or the error it shows. */
async function pageOutcome(): Promise<string> {
  try {
    const user = await requirePageUser('/tests/example_tst');
    return `page for ${user.username}`;
  } catch (error) {
    const digest = (error as { digest?: string }).digest;
    if (digest?.startsWith('NEXT_REDIRECT')) return `redirect ${digest.split(';')[2]}`;
    return `error ${(error as { code?: string }).code}`;
  }
}

beforeAll(async () => {
  db = await createDatabase({ memory: true });
  const user = await db.prisma.user.create({ data: { username: 'erin', displayName: 'Erin', role: 'editor' } });
  cookie = `${SESSION_COOKIE}=${(await createSession(db.prisma, user.id)).token}`;
  unreachable = new PrismaClient({ adapter: new PrismaPg(new pg.Pool({ host: '127.0.0.1', port: await freePort(), user: 'x', database: 'x' })) });
});

afterAll(async () => {
  setServicesProvider(undefined);
  await unreachable?.$disconnect();
  await db?.close();
});

describe('the signed-in user while the database is unreachable', () => {
  it('is the user while the database answers, and nobody without a cookie', async () => {
    useDatabase(db.prisma);
    request.headers = new Headers({ cookie });
    expect((await getCurrentUser())?.username).toBe('erin');
    expect(await pageOutcome()).toBe('page for erin');
    request.headers = new Headers();
    expect(await pageOutcome()).toBe('redirect /login?next=%2Ftests%2Fexample_tst');
  });

  it('is "database unavailable", not signed out: no redirect to the sign-in page', async () => {
    useDatabase(unreachable);
    request.headers = new Headers({ cookie });
    await expect(getCurrentUser()).rejects.toMatchObject({ code: 'DATABASE_UNAVAILABLE', message: expect.stringMatching(/database is restarting/) });
    expect(await pageOutcome()).toBe('error DATABASE_UNAVAILABLE');
  });

  it('is the user again once the database answers', async () => {
    useDatabase(db.prisma);
    request.headers = new Headers({ cookie });
    expect(await pageOutcome()).toBe('page for erin');
  });
});
