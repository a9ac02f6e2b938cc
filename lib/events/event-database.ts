/**
 * The database as the event code reaches it (lib/db/client.ts opens it): the pool when there is one (Prisma costs
 * ~40 ms per 1,000-event batch here), and transactions whose commit waits for the disk or not.
 */
import type { Pool, PoolClient } from 'pg';
import type { PrismaClient } from '@/lib/generated/prisma/client';

export interface EventDatabase {
  prisma: PrismaClient;
  pool?: Pool;
  kind: 'pglite' | 'postgres';
}

/** One transaction's statements, whichever way they travel. */
export interface Tx {
  rows<T>(sql: string, ...params: unknown[]): Promise<T[]>;
}

/**
 * Runs `work` in one transaction. `durable`: the commit is on disk before it returns, even on a PostgreSQL server
 * running with synchronous_commit = off (what an acknowledgement needs); otherwise the server's default. The embedded
 * database fsyncs its WAL on every commit (lib/db/pglite-server.mjs).
 */
export async function inTransaction<T>(db: EventDatabase, options: { durable: boolean }, work: (tx: Tx) => Promise<T>): Promise<T> {
  if (!db.pool) {
    // Memory PGlite (tests): no pool.
    return db.prisma.$transaction((prisma) => work({ rows: <R>(sql: string, ...params: unknown[]) => prisma.$queryRawUnsafe<R[]>(sql, ...params) }), { timeout: 60_000, maxWait: 60_000 });
  }
  const client: PoolClient = await db.pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(db.kind === 'postgres' && options.durable ? 'BEGIN; SET LOCAL synchronous_commit = on' : 'BEGIN');
    const result = await work({ rows: async <R>(sql: string, ...params: unknown[]) => (await client.query(sql, params)).rows as R[] });
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
