/**
 * The store bench's PostgreSQL leg (the app's scale-out mode): a throwaway PostgreSQL server in its own process,
 * loaded with the cached initial index, and a fresh child process that opens the store on it. The child's RSS is then
 * the store's own footprint, without PGlite's ~200 MB of in-process WASM PostgreSQL.
 */
import { spawn } from 'node:child_process';
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
    await target.query('ANALYZE');
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

export interface StoreChildArgs {
  gitdir: string;
  /** The database: a PostgreSQL server's URL, or an embedded PGlite data folder. */
  url?: string;
  dataDir?: string;
  hotTest: string;
  saveTargets: string[];
  /** Upstream commits to append and catch up with (generator seed). */
  upstream: number;
  seed: number;
}

/** What the child reports (one JSON line after CHILD_MARK). */
export interface StoreChildResult {
  /** RSS of the embedded database's own process at the end (PGlite leg). */
  databaseRss: number | null;
  catchUpMs: number;
  rssStart: number;
  rssWithDb: number;
  rssOpen: number;
  rssListed: number;
  rssWritten: number;
  rssEnd: number;
  /** RSS after 20 s at rest, no forced GC (V8's memory reducer has run). */
  rssIdle: number;
  heapUsedEnd: number;
  openMs: number;
  listMs: Record<string, number>;
  listed: Record<string, number>;
  historyMs: number;
  historyTotal: number;
  /** RSS at the end before the full GC that rssEnd is measured after. */
  rssEndBeforeGc: number;
  saveMs: number;
  promoteMs: number;
  listTestsColdMs: number;
  listTestsWarmMs: number;
  listTestsTotal: number;
}

export const CHILD_MARK = '@@store-postgres ';

/**
 * bench/store-postgres-child.ts bundled to plain JavaScript (packages stay in node_modules): the child runs under plain
 * node, as the production server does, so its RSS carries no TypeScript loader (tsx adds about 40 MB).
 */
async function bundleChild(): Promise<string> {
  const { build } = await import('esbuild');
  const outfile = path.join(__dirname, '.work', 'store-postgres-child.mjs');
  await build({
    entryPoints: [path.join(__dirname, 'store-postgres-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    tsconfig: path.join(__dirname, '..', 'tsconfig.json'),
    outfile,
    logLevel: 'error',
    // CommonJS names some bundled modules use.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url); const __dirname = import.meta.dirname; const __filename = import.meta.filename;" },
  });
  return outfile;
}

/**
 * Runs the bundled child in a fresh node (--expose-gc), in the environment `npm start` gives the server, and returns
 * its result; its log lines go to `log`.
 */
export async function runStoreChild(args: StoreChildArgs, log: (line: string) => void): Promise<StoreChildResult> {
  const script = await bundleChild();
  const { serverEnvironment } = (await import('../scripts/server-env.mjs' as string)) as { serverEnvironment: () => NodeJS.ProcessEnv };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', script, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'], env: serverEnvironment() });
    let result: StoreChildResult | null = null;
    let partial = '';
    let tail = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith(CHILD_MARK)) result = JSON.parse(line.slice(CHILD_MARK.length)) as StoreChildResult;
        else if (line.trim()) log(line);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-2000)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 && result ? resolve(result) : reject(new Error(`store child exited with ${code}: ${tail.trim().split('\n').slice(-6).join(' | ')}`))));
  });
}
