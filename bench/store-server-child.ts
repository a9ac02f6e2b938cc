/**
 * Child process of the store bench's server legs (started by runStoreChild, never imported): opens the store on a
 * database that already holds the index — a PostgreSQL server (`url`), or the embedded PGlite (`dataDir`, which runs
 * in a process of its own as in production) — does what a server does (list every branch, one history, saves,
 * promotions, catching up with upstream commits, the tests list) and reports timings and RSS as one JSON line.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { DEFINITIONS_DIR } from './generate-repo';
import { timeMedian, timeOnce } from './report';
import { CHILD_MARK, type StoreChildArgs, type StoreChildResult } from './store-server-process';
import { parseIssueKey } from '@/lib/domain/issue-key';
import { parseRevision } from '@/lib/domain/revision';
import { parseExistingTestName } from '@/lib/domain/test-name';

const BENCH_ISSUE = parseIssueKey('PROTEST-1');

/** The tests list is read as a viewer would. */
const BENCH_READER = { username: 'bench', displayName: 'Bench', email: null, role: 'viewer' as const };
const AUTHOR = { name: 'Bench Runner', email: 'bench@example.com' };
/** How long the child rests before its last RSS reading. */
const IDLE_MS = 20_000;
const mb = (bytes: number): number => bytes / 2 ** 20;
const rss = (): number => mb(process.memoryUsage().rss);
/** RSS after a full GC: the memory the process holds, not garbage it has yet to collect. */
function rssAfterGc(): number {
  global.gc?.();
  return rss();
}
/** heapUsed / heapTotal / external MB at each step, for the log (where the RSS goes). */
const heapSteps: string[] = [];
function noteHeap(step: string): void {
  const m = process.memoryUsage();
  heapSteps.push(`${step} ${mb(m.heapUsed).toFixed(0)}/${mb(m.heapTotal).toFixed(0)}/${mb(m.external).toFixed(0)}`);
}

/** Runs bench/append-upstream.ts in its own process (the generator's memory is not the store's). */
function appendUpstream(gitdir: string, commits: number, seed: number): { from: string; to: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bench/append-upstream.ts', gitdir, String(commits), String(seed)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`append-upstream failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as { from: string; to: string };
}

/** Resident MB of the embedded database's process serving `dataDir` (lib/db/pglite-server.mjs), or null. */
function databaseProcessRss(dataDir: string): number | null {
  const pid = spawnSync('pgrep', ['-f', `pglite-server.mjs.*${dataDir}`], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
  if (!pid) return null;
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return line ? Number(line.split(/\s+/)[1]) / 1024 : null;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2]) as StoreChildArgs;
  const storeModule = await import('../lib/store');
  const dbModule = await import('../lib/db/client');
  const proctor = await import('../lib/proctor/parse-definition');
  const listTestsModule = await import('../lib/services/list-tests');
  const rssStart = rssAfterGc();
  noteHeap('start');
  const db = await dbModule.createDatabase(args.url ? { url: args.url } : { dataDir: args.dataDir });
  const rssWithDb = rss();
  noteHeap('db');
  const opened = await timeOnce(() =>
    storeModule.openDefinitionStore(
      {
        gitdir: args.gitdir,
        prisma: db.prisma,
        branches: { trunk: 'trunk', qa: 'qa', production: 'production' },
        testDefinitionsDirectory: DEFINITIONS_DIR,
        committer: AUTHOR,
        fetchIntervalSeconds: 0,
        gcIntervalHours: 0,
      },
      { seed: false, waitForIndex: true },
    ),
  );
  const store = opened.result;
  const rssOpen = rss();
  noteHeap('open');
  console.log(`index status: ${JSON.stringify(store.index.status().map((s) => `${s.branch}:${s.status}:${s.indexedCommits}`))}`);

  const listMs: Record<string, number> = {};
  const listed: Record<string, number> = {};
  for (const env of storeModule.ENVIRONMENTS) {
    const list = await timeOnce(() => store.listDefinitions(env));
    listMs[env] = list.ms;
    listed[env] = list.result.length;
  }
  await store.settled();
  const rssListed = rss();
  noteHeap('listed');
  const history = await timeMedian(5, () => store.history(parseExistingTestName(args.hotTest), 'trunk', { limit: 1000 }));

  const trunk = new Map((await store.listDefinitions('trunk')).map((d) => [d.testName, d]));
  const saves: { name: string; revision: string }[] = [];
  const save = await timeMedian(args.saveTargets.length, async () => {
    const name = args.saveTargets[saves.length];
    const current = trunk.get(name)!;
    const definition = proctor.parseDefinition(current.text);
    definition.description = `${definition.description} (bench edit)`;
    const result = await store.updateTest({ testName: parseExistingTestName(name), author: AUTHOR, issueKey: BENCH_ISSUE, comment: 'bench save', definition, baseRevision: current.revision! });
    saves.push({ name, revision: result.revision });
    return result;
  });
  const qa = new Map((await store.listDefinitions('qa')).map((d) => [d.testName, d]));
  let promoted = 0;
  const promote = await timeMedian(saves.length, async () => {
    const target = saves[promoted++];
    return store.promote({
      testName: parseExistingTestName(target.name),
      from: 'trunk',
      to: 'qa',
      sourceRevision: parseRevision(target.revision),
      expectedTargetRevision: qa.get(target.name)?.revision ?? null,
      author: AUTHOR,
      issueKey: BENCH_ISSUE,
    });
  });

  const rssWritten = rss();
  noteHeap('written');

  // Another writer's commits arrive upstream (written by a process of its own); the index and the listings catch up.
  const appended = appendUpstream(args.gitdir, args.upstream, args.seed + 1);
  const catchUp = await timeOnce(() => store.sync());
  if (catchUp.result.heads.trunk !== appended.to) throw new Error('trunk head not caught up');
  noteHeap('caught up');

  // A server holding the repository also holds the tests list's rows: build them before the final RSS.
  // Listings of the new heads first (drift lists all three), so the cold figure is list-tests' own work.
  await store.drift();
  await store.settled();
  noteHeap('drift');
  const deps = { store, prisma: db.prisma };
  const listTestsCold = await timeOnce(() => listTestsModule.listTests(deps, BENCH_READER, {}));
  const listTestsWarm = await timeMedian(5, () => listTestsModule.listTests(deps, BENCH_READER, {}));

  noteHeap('tests list');
  // Steady state: background compaction of the listings is done.
  await store.settled();
  const rssEndBeforeGc = rss();
  const rssEnd = rssAfterGc();
  noteHeap('end');
  // A server at rest: V8's memory reducer shrinks the heap a few seconds into idleness (no forced GC here).
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const rssIdle = rss();
  noteHeap(`idle ${IDLE_MS / 1000} s`);
  console.log(`heap used/total/external MB: ${heapSteps.join(', ')}`);
  // BENCH_HEAP_SNAPSHOT=<file> writes a heap snapshot of the end state (open it in Chrome DevTools → Memory).
  if (process.env.BENCH_HEAP_SNAPSHOT) (await import('node:v8')).writeHeapSnapshot(process.env.BENCH_HEAP_SNAPSHOT);
  // BENCH_SMAPS=<file> copies /proc/self/smaps of the end state (which mappings hold the RSS).
  if (process.env.BENCH_SMAPS) {
    const fs = await import('node:fs');
    fs.writeFileSync(process.env.BENCH_SMAPS, fs.readFileSync('/proc/self/smaps'));
  }
  const result: StoreChildResult = {
    databaseRss: args.dataDir ? databaseProcessRss(args.dataDir) : null,
    catchUpMs: catchUp.ms,
    rssStart,
    rssWithDb,
    rssOpen,
    rssListed,
    rssWritten,
    rssEndBeforeGc,
    rssEnd,
    rssIdle,
    heapUsedEnd: mb(process.memoryUsage().heapUsed),
    openMs: opened.ms,
    listMs,
    listed,
    historyMs: history.ms,
    historyTotal: history.result.total,
    saveMs: save.ms,
    promoteMs: promote.ms,
    listTestsColdMs: listTestsCold.ms,
    listTestsWarmMs: listTestsWarm.ms,
    listTestsTotal: listTestsCold.result.total,
  };
  console.log(CHILD_MARK + JSON.stringify(result));
  await store.close().catch(() => undefined);
  await db.close().catch(() => undefined);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
