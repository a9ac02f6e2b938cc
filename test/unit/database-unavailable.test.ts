/**
 * A database that cannot be reached is answered 503 DATABASE_UNAVAILABLE with Retry-After — never 500 — whichever
 * way the driver reports it. The errors here are real: node-postgres and Prisma (driver adapter over pg) talking to a
 * port nobody listens on, and to a Unix socket that does not exist (the embedded database between two processes).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '@/lib/db/unavailable';
import { PrismaClient } from '@/lib/generated/prisma/client';
import { errorResponse } from '@/lib/http/error-response';
import { createLogger } from '@/lib/log/logger';
import { freePort } from '@/test/support/app-server';

const quiet = createLogger({ level: 'debug', write: () => undefined });
const socketParent = mkdtempSync(path.join(os.tmpdir(), 'proctor-nodb-'));
afterAll(() => rmSync(socketParent, { recursive: true, force: true }));

async function failureOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the database call to fail');
}

async function expect503(error: unknown): Promise<void> {
  expect(isDatabaseUnavailable(error)).toBe(true);
  const response = errorResponse(error, 'req-db', { logger: quiet });
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe('3');
  const body = await response.json();
  expect(body.code).toBe('DATABASE_UNAVAILABLE');
  expect(body.message).toMatch(/database is restarting.*try again in a few seconds/i);
  // Nothing about where the database lives reaches the client.
  expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|proctor-nodb|PGSQL/);
}

describe('a database that cannot be reached', () => {
  it('Prisma over pg, PostgreSQL server down (connection refused) → 503', async () => {
    const port = await freePort();
    const prisma = new PrismaClient({ adapter: new PrismaPg(new pg.Pool({ host: '127.0.0.1', port, user: 'x', database: 'x' })) });
    try {
      await expect503(await failureOf(() => prisma.user.count()));
    } finally {
      await prisma.$disconnect();
    }
  });

  it('Prisma over pg, the embedded database socket gone → 503', async () => {
    const prisma = new PrismaClient({ adapter: new PrismaPg(new pg.Pool({ host: socketParent, port: 5432, user: 'x', database: 'x' })) });
    try {
      await expect503(await failureOf(() => prisma.user.count()));
    } finally {
      await prisma.$disconnect();
    }
  });

  it('node-postgres connecting (opening the database, migrations) → 503', async () => {
    const client = new pg.Client({ host: '127.0.0.1', port: await freePort(), user: 'x', database: 'x' });
    await expect503(await failureOf(() => client.connect()));
  });

  it('other failures are not taken for the database', async () => {
    const port = await freePort();
    const fetchRefused = await failureOf(() => fetch(`http://127.0.0.1:${port}/`));
    expect(isDatabaseUnavailable(fetchRefused)).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('no such file'), { code: 'ENOENT', syscall: 'open' }))).toBe(false);
    expect(errorResponse(new TypeError('boom'), 'r', { logger: quiet }).status).toBe(500);
  });
});
