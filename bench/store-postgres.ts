/**
 * The store bench's PostgreSQL leg (the app's scale-out mode): a throwaway PostgreSQL server in its own process,
 * loaded with the cached initial index, for a server child (store-server-process.ts) to open the store on.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { copyRepo } from './generate-repo';

export interface PostgresTestServer {
  url: string;
  dir: string;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<PostgresTestServer> {
  // The script is plain ESM without typings: import it by a widened specifier and state its shape here.
  const mod = (await import('../scripts/postgres-test-server.mjs' as string)) as { startPostgresTestServer: (options?: { baseDir?: string }) => Promise<PostgresTestServer> };
  return mod.startPostgresTestServer();
}

const CHUNK = 10_000;

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Copies every table of a PGlite data folder (a copy of it: opening writes) into the PostgreSQL database at `url`,
 * whose schema is already migrated: rows travel as JSON in chunks and land with one
 * `INSERT … SELECT * FROM json_populate_recordset(…)` per chunk; serial sequences are moved past the copied ids.
 * Returns the row count per table.
 */
export async function loadPgliteIntoPostgres(pgliteDir: string, url: string, scratchDir: string): Promise<Record<string, number>> {
  const copy = path.join(scratchDir, `pg-load.tmp-${process.pid}.pglite`);
  copyRepo(pgliteDir, copy);
  const source = await PGlite.create(copy);
  const target = new pg.Client({ connectionString: url });
  await target.connect();
  const counts: Record<string, number> = {};
  try {
    const tables = (
      await source.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY tablename`)
    ).rows.map((row) => row.tablename);
    await target.query('BEGIN');
    await target.query(`TRUNCATE ${tables.map(quote).join(', ')} CASCADE`);
    for (const table of tables) {
      let copied = 0;
      for (;;) {
        // ctid order is stable for a table nobody writes to, and needs no knowledge of its key.
        const chunk = await source.query<{ rows: string; n: number }>(
          `SELECT coalesce(json_agg(t), '[]')::text AS rows, count(*)::int AS n FROM (SELECT * FROM ${quote(table)} ORDER BY ctid LIMIT ${CHUNK} OFFSET ${copied}) t`,
        );
        const { rows, n } = chunk.rows[0];
        if (n > 0) await target.query(`INSERT INTO ${quote(table)} SELECT * FROM json_populate_recordset(NULL::${quote(table)}, $1::json)`, [rows]);
        copied += n;
        if (n < CHUNK) break;
      }
      counts[table] = copied;
    }
    const serials = await target.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND column_default LIKE 'nextval(%'`,
    );
    for (const { table_name: table, column_name: column } of serials.rows) {
      if (!tables.includes(table)) continue;
      await target.query(
        `SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT max(${quote(column)}) FROM ${quote(table)}), 0) + 1, false)`,
        [quote(table), column],
      );
    }
    await target.query('COMMIT');
    // VACUUM and a CHECKPOINT too: after 60,000 inserts autovacuum and the checkpointer would otherwise work through
    // them while the server child is measured.
    await target.query('VACUUM ANALYZE');
    await target.query('CHECKPOINT');
  } catch (error) {
    await target.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await target.end();
    await source.close();
    rmSync(copy, { recursive: true, force: true });
  }
  return counts;
}
