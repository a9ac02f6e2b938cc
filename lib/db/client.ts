/**
 * Opens the application database: PostgreSQL when a URL is configured, otherwise PGlite (PostgreSQL compiled to WASM,
 * in-process) in a data folder or in memory. Both run the same migrations and the same Prisma client, through driver
 * adapters (Prisma 7 has no query engine binary).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { getConfig } from '@/lib/config';
import { PrismaClient } from '@/lib/generated/prisma/client';
import { lockDataDir } from './data-dir-lock';
import { applyMigrations, type MigrationResult } from './migrate';

export interface Database {
  prisma: PrismaClient;
  kind: 'pglite' | 'postgres';
  /** What the migration runner did when the database was opened. */
  migrations: MigrationResult;
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
    const release = lockDataDir(dataDir);
    try {
      mkdirSync(dataDir, { recursive: true });
      return await openPglite(dataDir, options.migrationsDir, release);
    } catch (error) {
      release();
      throw error;
    }
  }
  if (options.memory) return openPglite('memory://', options.migrationsDir, () => undefined);
  throw new Error('createDatabase needs a PostgreSQL url, a PGlite dataDir, or memory: true.');
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
  // Migrations need a single session (advisory lock, transactions), so they get their own short-lived client.
  const migrationClient = new pg.Client({ connectionString: url, ...sessionOptions });
  await migrationClient.connect();
  let migrations: MigrationResult;
  try {
    if (schema) await migrationClient.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, '""')}"`);
    migrations = await applyMigrations(migrationClient, { migrationsDir });
  } finally {
    await migrationClient.end();
  }
  const pool = new pg.Pool({ connectionString: url, ...sessionOptions });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, schema ? { schema } : undefined) });
  return {
    prisma,
    kind: 'postgres',
    migrations,
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

async function openPglite(dataDir: string, migrationsDir: string | undefined, release: () => void): Promise<Database> {
  const pglite = await PGlite.create(dataDir);
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
      release();
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
