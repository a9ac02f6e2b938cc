/**
 * Applies prisma/migrations the way `prisma migrate deploy` does, without Prisma's schema engine (which cannot be
 * downloaded here, see docs/ENVIRONMENT.md). Bookkeeping is Prisma's own: the `_prisma_migrations` table with the same
 * columns, the sha256 checksum of each migration.sql, the same advisory lock id. So a machine with the real CLI can run
 * `prisma migrate deploy` / `prisma migrate status` against a database this runner set up, and vice versa.
 *
 * One deliberate difference: each migration runs in a transaction together with its `_prisma_migrations` row, so a
 * failed migration leaves nothing behind (Prisma records a failed row that must be resolved by hand). PostgreSQL DDL is
 * transactional, so this is safe for everything except statements that refuse transactions (CREATE INDEX
 * CONCURRENTLY, ALTER TYPE … ADD VALUE before PostgreSQL 12): don't write those in migrations.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The one connection the runner needs. Satisfied as-is by a PGlite instance and by a connected `pg.Client` (not a
 * `pg.Pool`: the advisory lock and the transactions must stay on one session).
 */
export interface SqlConnection {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  /** PGlite's multi-statement entry point; pg runs multi-statement text through `query` without parameters. */
  exec?(sql: string): Promise<unknown>;
}

export interface MigrationFile {
  /** Folder name, e.g. "20251125090000_init"; also the `migration_name` recorded in the database. */
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationResult {
  /** Migrations applied by this call, in order. */
  applied: string[];
  /** Migrations recorded in the database but absent from the migrations folder (a newer version ran here). */
  unknownInDatabase: string[];
}

export type MigrationErrorKind = 'CHECKSUM_MISMATCH' | 'UNFINISHED_MIGRATION' | 'MIGRATION_FAILED' | 'NO_MIGRATIONS';

export class MigrationError extends Error {
  readonly kind: MigrationErrorKind;
  readonly migration?: string;

  constructor(kind: MigrationErrorKind, message: string, options: { migration?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MigrationError';
    this.kind = kind;
    this.migration = options.migration;
  }
}

/** Prisma's advisory lock key for migrations (schema-engine's postgres connector), so we also exclude its CLI. */
export const PRISMA_MIGRATION_LOCK_ID = 72707369;

/** `_prisma_migrations` exactly as Prisma's schema engine creates it on PostgreSQL. */
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export function defaultMigrationsDir(): string {
  return path.join(process.cwd(), 'prisma', 'migrations');
}

/** sha256 hex of the migration script, as Prisma stores in `_prisma_migrations.checksum`. */
export function migrationChecksum(sql: string | Buffer): string {
  return createHash('sha256').update(sql).digest('hex');
}

/** Prisma accepts a checksum computed before git converted line endings (autocrlf); so do we. */
function checksumMatches(sql: string, checksum: string): boolean {
  const lf = sql.replace(/\r\n/g, '\n');
  return [sql, lf, lf.replace(/\n/g, '\r\n')].some((variant) => migrationChecksum(variant) === checksum);
}

/** The migration folders in the order Prisma applies them (lexicographic by folder name). */
// The turbopackIgnore comments keep Next.js from tracing the whole project into the server bundle because of these
// run-time paths; the app reads prisma/migrations from the project folder it runs in.
export function readMigrations(migrationsDir: string = defaultMigrationsDir()): MigrationFile[] {
  if (!existsSync(/*turbopackIgnore: true*/ migrationsDir)) {
    throw new MigrationError('NO_MIGRATIONS', `Migrations folder ${migrationsDir} does not exist. Run the server from the project root or set the migrations folder.`);
  }
  return readdirSync(/*turbopackIgnore: true*/ migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const file = path.join(/*turbopackIgnore: true*/ migrationsDir, name, 'migration.sql');
      if (!existsSync(/*turbopackIgnore: true*/ file)) throw new MigrationError('NO_MIGRATIONS', `Migration folder ${name} has no migration.sql.`, { migration: name });
      const bytes = readFileSync(/*turbopackIgnore: true*/ file);
      return { name, sql: bytes.toString('utf8'), checksum: migrationChecksum(bytes) };
    });
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | string | null;
  rolled_back_at: Date | string | null;
}

async function runScript(conn: SqlConnection, sql: string): Promise<void> {
  if (conn.exec) await conn.exec(sql);
  else await conn.query(sql);
}

/**
 * Applies every pending migration in order and returns what it did. Idempotent. Refuses (MigrationError) when an
 * applied migration's file changed since, or when Prisma's CLI left a failed migration unresolved.
 */
export async function applyMigrations(conn: SqlConnection, options: { migrationsDir?: string } = {}): Promise<MigrationResult> {
  const migrations = readMigrations(options.migrationsDir);
  // Session-level lock: a second process starting at the same time waits here, then finds everything applied.
  await conn.query(`SELECT pg_advisory_lock(${PRISMA_MIGRATION_LOCK_ID})`);
  try {
    await conn.query(CREATE_MIGRATIONS_TABLE);
    const { rows } = await conn.query(
      'SELECT "migration_name", "checksum", "finished_at", "rolled_back_at" FROM "_prisma_migrations" ORDER BY "started_at" ASC',
    );
    const records = rows as MigrationRow[];

    const unfinished = records.find((row) => row.finished_at === null && row.rolled_back_at === null);
    if (unfinished) {
      throw new MigrationError(
        'UNFINISHED_MIGRATION',
        `Migration ${unfinished.migration_name} was started but never finished (a failed \`prisma migrate deploy\`?). ` +
          `Inspect the database, then run \`prisma migrate resolve --rolled-back ${unfinished.migration_name}\` or \`--applied\`.`,
        { migration: unfinished.migration_name },
      );
    }

    const applied = new Map(records.filter((row) => row.finished_at !== null && row.rolled_back_at === null).map((row) => [row.migration_name, row]));
    for (const migration of migrations) {
      const record = applied.get(migration.name);
      if (record && !checksumMatches(migration.sql, record.checksum)) {
        throw new MigrationError(
          'CHECKSUM_MISMATCH',
          `Migration ${migration.name} was modified after it was applied to this database (recorded checksum ${record.checksum}, ` +
            `file checksum ${migration.checksum}). Restore the original migration.sql and put the change in a new migration.`,
          { migration: migration.name },
        );
      }
    }

    const result: MigrationResult = {
      applied: [],
      unknownInDatabase: [...applied.keys()].filter((name) => !migrations.some((migration) => migration.name === name)),
    };
    for (const migration of migrations) {
      if (applied.has(migration.name)) continue;
      const id = randomUUID();
      await conn.query('BEGIN');
      try {
        await conn.query(
          'INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "started_at", "applied_steps_count") VALUES ($1, $2, $3, now(), 0)',
          [id, migration.checksum, migration.name],
        );
        await runScript(conn, migration.sql);
        // Prisma counts a PostgreSQL migration script as one step.
        await conn.query('UPDATE "_prisma_migrations" SET "finished_at" = clock_timestamp(), "applied_steps_count" = 1 WHERE "id" = $1', [id]);
        await conn.query('COMMIT');
      } catch (error) {
        await conn.query('ROLLBACK').catch(() => undefined);
        const reason = error instanceof Error ? error.message : String(error);
        throw new MigrationError('MIGRATION_FAILED', `Migration ${migration.name} failed and was rolled back: ${reason}`, {
          migration: migration.name,
          cause: error,
        });
      }
      result.applied.push(migration.name);
    }
    return result;
  } finally {
    await conn.query(`SELECT pg_advisory_unlock(${PRISMA_MIGRATION_LOCK_ID})`).catch(() => undefined);
  }
}
