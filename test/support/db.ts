/**
 * Test databases. By default an in-memory PGlite per call (fresh schema, no cleanup needed). With TEST_DATABASE_URL
 * set (e.g. from `node scripts/postgres-test-server.mjs run -- npx vitest run …`), each call creates a throwaway
 * database `test_<random>` on that PostgreSQL server and drops it on close, so the same tests run on a real server.
 */
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { createDatabase, type Database } from '@/lib/db/client';
import type { SqlConnection } from '@/lib/db/migrate';

export function testServerUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL?.trim() || undefined;
}

async function withAdminClient<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database on the test server; returns its URL and a function that drops it. */
async function createServerDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `test_${randomBytes(6).toString('hex')}`;
  await withAdminClient(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdminClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/** A migrated, empty application database. Call close() in afterAll/afterEach. */
export async function createTestDatabase(): Promise<Database> {
  const serverUrl = testServerUrl();
  if (!serverUrl) return createDatabase({ memory: true });
  const target = await createServerDatabase(serverUrl);
  let db: Database;
  try {
    db = await createDatabase({ url: target.url });
  } catch (error) {
    await target.drop();
    throw error;
  }
  const opened: Database = {
    ...db,
    async close() {
      await db.close();
      await target.drop();
    },
  };
  serverDatabaseUrls.set(opened, target.url);
  return opened;
}

const serverDatabaseUrls = new WeakMap<Database, string>();

/**
 * Another instance's view of a test database: on PostgreSQL its own connection pool (truly concurrent sessions, as two
 * app instances); on in-memory PGlite the same single session (calls still interleave at every await). Close it before
 * the database.
 */
export async function openAnotherInstance(db: Database): Promise<Database> {
  const url = serverDatabaseUrls.get(db);
  if (!url) return { ...db, close: async () => undefined };
  return createDatabase({ url });
}

export interface TestConnection {
  kind: 'pglite' | 'postgres';
  /** A single session on an empty database (nothing migrated), for exercising the migration runner itself. */
  conn: SqlConnection;
  /** Opens another independent session on the same database (PostgreSQL only; PGlite has one). */
  openAnother?: () => Promise<TestConnection>;
  close(): Promise<void>;
}

export async function createEmptyTestConnection(): Promise<TestConnection> {
  const serverUrl = testServerUrl();
  if (!serverUrl) {
    const pglite = await PGlite.create('memory://');
    return { kind: 'pglite', conn: pglite, close: () => pglite.close() };
  }
  const target = await createServerDatabase(serverUrl);
  const clients: pg.Client[] = [];
  const connect = async (): Promise<TestConnection> => {
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    clients.push(client);
    return { kind: 'postgres', conn: client, openAnother: connect, close: () => client.end() };
  };
  const first = await connect();
  return {
    ...first,
    async close() {
      await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
      await target.drop();
    },
  };
}
