/**
 * The store bench's server processes: bench/store-server-child.ts bundled and run in a fresh node, as `npm start` runs
 * the server, on either database — the embedded PGlite (in a process of its own, as in production) or a PostgreSQL
 * server. Its RSS is then the store's own footprint, without tsx or the bench's data.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

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

export const CHILD_MARK = '@@store-server ';

/**
 * bench/store-server-child.ts bundled to plain JavaScript (packages stay in node_modules): the child runs under plain
 * node, as the production server does, so its RSS carries no TypeScript loader (tsx adds about 40 MB).
 */
async function bundleChild(): Promise<string> {
  const { build } = await import('esbuild');
  const outfile = path.join(__dirname, '.work', 'store-server-child.mjs');
  await build({
    entryPoints: [path.join(__dirname, 'store-server-child.ts')],
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
