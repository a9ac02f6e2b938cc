/**
 * Opens the application database: PostgreSQL when a URL is configured, otherwise PGlite (PostgreSQL compiled to WASM)
 * in a data folder — run in a process of its own (lib/db/pglite-server.mjs) and reached like a PostgreSQL server — or
 * in memory, in-process (tests). All run the same migrations and the same Prisma client, through driver adapters
 * (Prisma 7 has no query engine binary).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { getConfig } from '@/lib/config';
import { PrismaClient } from '@/lib/generated/prisma/client';
import { DataDirClosingError, lockDataDir, recordDatabaseProcess } from './data-dir-lock';
import { noticeChannel, type NoticeChannel } from './notices';
import { PgliteProcess } from './pglite-process';
import { advisoryTurns, type Turns } from './turns';
import { applyMigrations, type MigrationResult } from './migrate';

export interface Database {
  prisma: PrismaClient;
  kind: 'pglite' | 'postgres';
  /** What the migration runner did when the database was opened. */
  migrations: MigrationResult;
  /**
   * The connection pool behind `prisma` (absent for in-memory PGlite): for the few hot paths where Prisma's per-query
   * cost is most of the time, e.g. storing event batches (lib/events/record-events.ts).
   */
  pool?: pg.Pool;
  /**
   * LISTEN/NOTIFY channels of the shared database (PostgreSQL only: the embedded database has one opener, so there is
   * no other instance to tell). Channel names are scoped to the schema, as the tables are.
   */
  notices?: (channel: string) => NoticeChannel;
  /** Work of one key taken in turns by every instance of the shared database (PostgreSQL only, as notices). */
  turns?: Turns;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres://… of a PostgreSQL server; takes precedence over dataDir/memory. */
  url?: string;
  /** PGlite data folder (created if missing). One opener at a time: a second gets DataDirInUseError. */
  dataDir?: string;
  /** In-memory PGlite: isolated and gone on close (tests). */
  memory?: boolean;
  /** Defaults to <cwd>/prisma/migrations. */
  migrationsDir?: string;
}

export async function createDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) return openPostgres(options.url, options.migrationsDir);
  if (options.dataDir) {
    const dataDir = path.resolve(options.dataDir);
    mkdirSync(path.dirname(dataDir), { recursive: true });
    const release = await lockDataDirWhenFree(dataDir);
    try {
      mkdirSync(dataDir, { recursive: true });
      return await openPgliteProcess(dataDir, options.migrationsDir, release);
    } catch (error) {
      release();
      throw error;
    }
  }
  if (options.memory) return openMemoryPglite(options.migrationsDir);
  throw new Error('createDatabase needs a PostgreSQL url, a PGlite dataDir, or memory: true.');
}

/**
 * The folder's lock, waiting while the database process of a stopped server is still closing the folder (it exits
 * within PGLITE_STOP_MS of losing its server).
 */
async function lockDataDirWhenFree(dataDir: string): Promise<() => void> {
  const deadline = Date.now() + PGLITE_STOP_MS + 5_000;
  for (;;) {
    try {
      return lockDataDir(dataDir);
    } catch (error) {
      if (!(error instanceof DataDirClosingError) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Prisma's `?schema=name` URL parameter (default: the server's search_path, normally `public`). */
function schemaOf(url: string): string | undefined {
  try {
    return new URL(url).searchParams.get('schema') || undefined;
  } catch {
    return undefined;
  }
}

async function openPostgres(url: string, migrationsDir: string | undefined): Promise<Database> {
  const schema = schemaOf(url);
  // As Prisma does: every session searches the schema first, so migrations and raw queries land in it too.
  const sessionOptions = schema ? { options: `-c search_path="${schema.replace(/"/g, '""')}"` } : {};
  const connection = { connectionString: url, ...sessionOptions };
  const { prisma, migrations, pool } = await connectAndMigrate(connection, {}, migrationsDir, schema);
  return {
    prisma,
    kind: 'postgres',
    migrations,
    pool,
    notices: (channel) =>
      noticeChannel(pool, connection, `${schema ?? 'public'}.${channel}`, (error) => console.error(`[proctor-studio] database notices: ${error.message}`)),
    turns: advisoryTurns(pool, (error) => console.error(`[proctor-studio] database turns: ${error.message}; going on without a turn`)),
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

async function connectAndMigrate(
  connection: pg.ClientConfig,
  poolOptions: pg.PoolConfig,
  migrationsDir: string | undefined,
  schema?: string,
): Promise<{ prisma: PrismaClient; migrations: MigrationResult; pool: pg.Pool }> {
  // Migrations need a single session (advisory lock, transactions), so they get their own short-lived client.
  const migrationClient = new pg.Client(connection);
  await migrationClient.connect();
  let migrations: MigrationResult;
  try {
    if (schema) await migrationClient.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, '""')}"`);
    migrations = await applyMigrations(migrationClient, { migrationsDir });
  } finally {
    await migrationClient.end();
  }
  const pool = new pg.Pool({ ...connection, ...poolOptions });
  // An idle connection the server closes (a restart, an administrator, the embedded database process going away)
  // emits 'error' on the pool, which would otherwise crash the process; the next query connects again.
  pool.on('error', (error) => console.error(`[proctor-studio] database connection lost: ${error.message}`));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, schema ? { schema } : undefined) });
  return { prisma, migrations, pool };
}

/** How long a stopping database process may take to write its files before it is killed. */
const PGLITE_STOP_MS = 10_000;

/**
 * PGlite on a data folder, in its own process (lib/db/pglite-server.mjs: why there) on a Unix socket in a private
 * temporary folder, reached through node-postgres with one connection (PGlite has one session). The process is
 * restarted on the same socket when it dies (lib/db/pglite-process.ts), and the pool reconnects to it.
 */
async function openPgliteProcess(dataDir: string, migrationsDir: string | undefined, release: () => void): Promise<Database> {
  const script = path.join(/*turbopackIgnore: true*/ process.cwd(), 'lib', 'db', 'pglite-server.mjs');
  if (!existsSync(path.join(/*turbopackIgnore: true*/ dataDir, 'PG_VERSION'))) await createPgliteDatabase(script, dataDir);
  const socketDir = mkdtempSync(path.join(os.tmpdir(), 'proctor-db-'));
  const server = new PgliteProcess({ script, dataDir, socketPath: path.join(socketDir, '.s.PGSQL.5432'), stopMs: PGLITE_STOP_MS });
  const stop = async () => {
    await server.stop();
    rmSync(socketDir, { recursive: true, force: true });
  };
  try {
    await server.start();
    const { prisma, migrations, pool } = await connectAndMigrate(
      { host: socketDir, port: 5432, user: 'postgres', database: 'postgres' },
      { max: 1, idleTimeoutMillis: 0 },
      migrationsDir,
    );
    return {
      prisma,
      kind: 'pglite',
      migrations,
      pool,
      async close() {
        try {
          await prisma.$disconnect();
          await pool.end();
        } finally {
          await stop();
          release();
        }
      },
    };
  } catch (error) {
    // The caller releases the lock.
    await stop();
    throw error;
  }
}

/** Runs initdb for a new folder in a short-lived process (pglite-server.mjs says why). */
async function createPgliteDatabase(script: string, dataDir: string): Promise<void> {
  const child = spawn(process.execPath, [script, JSON.stringify({ dataDir, initOnly: true })], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (child.pid !== undefined) recordDatabaseProcess(dataDir, child.pid);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0) throw new Error(`Creating the embedded database in ${dataDir} failed (${code}): ${stderr.trim().split('\n').slice(-4).join(' | ') || 'no output'}`);
}

/** PGlite in memory, in this process (tests): nothing on disk to lock or to keep away from the server's heap. */
async function openMemoryPglite(migrationsDir: string | undefined): Promise<Database> {
  const pglite = await PGlite.create('memory://');
  let migrations: MigrationResult;
  try {
    migrations = await applyMigrations(pglite, { migrationsDir });
  } catch (error) {
    await pglite.close();
    throw error;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    prisma,
    kind: 'pglite',
    migrations,
    async close() {
      await prisma.$disconnect();
      if (!pglite.closed) await pglite.close();
    },
  };
}

/** Where the configured database lives: DATABASE_URL, else PGlite in `<PROCTOR_DATA_DIR>/db`. */
export function configuredDatabaseOptions(): DatabaseOptions {
  const config = getConfig();
  return config.databaseUrl ? { url: config.databaseUrl } : { dataDir: path.join(config.dataDir, 'db') };
}

// On globalThis so Next.js dev reloads and separately bundled route chunks share one client: PGlite allows one opener
// per data folder, and a PostgreSQL pool per module copy would multiply connections.
const holder = globalThis as typeof globalThis & { __proctorDatabase?: Promise<Database> };

/** The process-wide database, opened (and migrated) on first use. A failed open is retried on the next call. */
export function getDatabase(): Promise<Database> {
  holder.__proctorDatabase ??= createDatabase(configuredDatabaseOptions()).catch((error: unknown) => {
    holder.__proctorDatabase = undefined;
    throw error;
  });
  return holder.__proctorDatabase;
}

/** Closes the process-wide database (graceful shutdown, CLI exit). The next getDatabase() opens it again. */
export async function closeDatabase(): Promise<void> {
  const pending = holder.__proctorDatabase;
  holder.__proctorDatabase = undefined;
  if (pending) await (await pending).close();
}
