/**
 * The definition store against a generated repository (5,000 tests, 50,000 trunk commits; --quick: 500 / 5,000),
 * each figure next to native git doing the same job in the same run: one test's history, listing every definition
 * (cold and warm), a save and a promotion, catching the index up after upstream commits, and resident memory.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PrismaClient } from '../lib/generated/prisma/client';
import type { DefinitionStore } from '../lib/store';
import { appendUpstreamCommits, copyRepo, DEFINITIONS_DIR, ensureBenchRepo, readBlobs, WORK_DIR, type BenchRepoInfo, type BenchRepoOptions } from './generate-repo';
import { timeMedian, timeOnce, type BenchContext, type BenchFigure } from './report';
import { loadPgliteIntoPostgres, startPostgres } from './store-postgres';
import { runStoreChild, type StoreChildResult } from './store-server-process';
import { parseIssueKey } from '@/lib/domain/issue-key';
import { parseRevision } from '@/lib/domain/revision';
import { parseExistingTestName } from '@/lib/domain/test-name';

const BENCH_ISSUE = parseIssueKey('PROTEST-1');

/** The tests list is read as a viewer would. */
const BENCH_READER = { username: 'bench', displayName: 'Bench', email: null, role: 'viewer' as const };
const FULL: BenchRepoOptions & { upstream: number } = { tests: 5000, commits: 50000, seed: 1, upstream: 10000 };
const QUICK: BenchRepoOptions & { upstream: number } = { tests: 500, commits: 5000, seed: 1, upstream: 1000 };
const AUTHOR = { name: 'Bench Runner', email: 'bench@example.com' };

function git(dir: string, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const result = spawnSync('git', args, { cwd: dir, encoding: 'utf8', input: options.input, env: options.env ?? process.env, maxBuffer: 1 << 30 });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

function rssMB(): number {
  return process.memoryUsage().rss / (1024 * 1024);
}

/** Native listing: every definition blob of a branch read with ls-tree + one cat-file --batch. */
function nativeList(dir: string, branch: string): number {
  const listing = git(dir, ['ls-tree', '-r', branch, DEFINITIONS_DIR]);
  const oids = listing
    .split('\n')
    .filter((line) => line.endsWith('/definition.json'))
    .map((line) => line.split(/\s+/)[2]);
  return readBlobs(dir, oids).length;
}

/**
 * Native write of one file as one commit, the way a careful script would do it: a private index, hash-object,
 * update-index, write-tree, commit-tree, update-ref with the old value (compare-and-swap).
 */
function nativeCommit(dir: string, branch: string, filePath: string, content: string, message: string): string {
  const tmp = mkdtempSync(path.join(WORK_DIR, 'native-index-'));
  try {
    const env = {
      ...process.env,
      GIT_INDEX_FILE: path.join(tmp, 'index'),
      GIT_AUTHOR_NAME: AUTHOR.name,
      GIT_AUTHOR_EMAIL: AUTHOR.email,
      GIT_COMMITTER_NAME: AUTHOR.name,
      GIT_COMMITTER_EMAIL: AUTHOR.email,
    };
    const old = git(dir, ['rev-parse', `refs/heads/${branch}`]).trim();
    git(dir, ['read-tree', old], { env });
    const blob = git(dir, ['hash-object', '-w', '--stdin'], { input: content, env }).trim();
    git(dir, ['update-index', '--add', '--cacheinfo', `100644,${blob},${filePath}`], { env });
    const tree = git(dir, ['write-tree'], { env }).trim();
    const commit = git(dir, ['commit-tree', tree, '-p', old, '-F', '-'], { input: message, env }).trim();
    git(dir, ['update-ref', `refs/heads/${branch}`, commit, old], { env });
    return commit;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Work folders left by runs that crashed (e.g. out of memory) are named after their pid; remove the dead ones. */
function removeStaleRuns(): void {
  for (const name of readdirSync(WORK_DIR)) {
    const m = /(?:^store-run-|\.tmp-)(\d+)(?:\.git|\.pglite)?(?:\.lock)?$/.exec(name);
    if (m && Number(m[1]) !== process.pid && !isAlive(Number(m[1]))) rmSync(path.join(WORK_DIR, name), { recursive: true, force: true });
  }
}

type AddFigure = (figure: BenchFigure) => void;

/**
 * The machine's floor for a first-ever listing in a fresh process (bench/listing-floor.mjs: cat-file + JSON.parse,
 * nothing else), median of `runs` fresh node processes on plain node.
 */
function listingFloor(gitdir: string, branch: string, runs = 3): { ms: number; runs: number[] } {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const result = spawnSync(process.execPath, [path.join(__dirname, 'listing-floor.mjs'), gitdir, branch, DEFINITIONS_DIR], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`listing-floor failed: ${result.stderr}`);
    times.push((JSON.parse(result.stdout.trim()) as { ms: number }).ms);
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { ms: sorted[Math.floor(sorted.length / 2)], runs: times };
}

/**
 * lib/services/list-tests listTests() on the generated repository: the first call builds the rows for the current
 * heads (three listings, drift, last changes from HistoryEntry); later calls filter the cached rows.
 */
async function benchListTests(context: BenchContext, add: AddFigure, store: DefinitionStore, prisma: PrismaClient, dir: string): Promise<void> {
  const { listTests } = await import('../lib/services/list-tests');
  const deps = { store, prisma };
  const branches = ['trunk', 'qa', 'production'] as const;
  const nativeAll = await timeMedian(3, () => branches.reduce((n, branch) => n + nativeList(dir, branch), 0));
  const texts = (await store.listDefinitions('trunk')).map((d) => d.text);
  const parseAll = await timeMedian(5, () => texts.map((text) => JSON.parse(text) as unknown).length);
  const parseLabel = `JSON.parse of the ${texts.length} trunk definitions`;

  // Warm the store's listings of the current heads (drift lists all three), so "cold" is list-tests' own row building.
  await store.drift();
  await store.settled();
  const cold = await timeOnce(() => listTests(deps, BENCH_READER, {}));
  add({
    name: `tests list first page, cold (${cold.result.total} tests)`,
    ours: cold.ms,
    baseline: nativeAll.ms,
    baselineLabel: 'git ls-tree -r + cat-file --batch of the three branches',
    unit: 'ms',
    note: 'builds the rows for the current heads (last changes query, drift, summaries); store listings already warm',
  });
  const cases: { name: string; query: Parameters<typeof listTests>[2] }[] = [
    { name: 'first page, warm', query: {} },
    { name: "search q='apply button'", query: { q: 'apply button' } },
    { name: "filter env='!production'", query: { env: '!production' } },
    { name: "filter drift='production-behind'", query: { drift: 'production-behind' } },
    { name: "sort='updated'", query: { sort: 'updated' } },
    { name: 'page 50', query: { page: 50 } },
  ];
  for (const { name, query } of cases) {
    const measured = await timeMedian(7, () => listTests(deps, BENCH_READER, query));
    const r = measured.result;
    add({ name: `tests list ${name}`, ours: measured.ms, baseline: parseAll.ms, baselineLabel: parseLabel, unit: 'ms', note: `${r.matching} matching, page ${r.page}/${r.pages}, ${r.tests.length} rows` });
  }
  context.log(`tests list: native listing of the three branches ${nativeAll.ms.toFixed(0)} ms (${nativeAll.result} definitions)`);
}

/** The two process legs' figures for one database mode. */
function addChildFigures(context: BenchContext, add: AddFigure, mode: string, r: StoreChildResult, upstream: number, floorMs: number): void {
  context.log(`[${mode}] listings: ${Object.entries(r.listMs).map(([env, ms]) => `${env} ${r.listed[env]} in ${ms.toFixed(0)} ms`).join(', ')}; history ${r.historyTotal} revisions`);
  context.log(
    `[${mode}] RSS ${r.rssStart.toFixed(0)} MB before, ${r.rssWithDb.toFixed(0)} MB with the database open, ${r.rssOpen.toFixed(0)} MB with the store open, ` +
      `${r.rssListed.toFixed(0)} MB after listing the three branches, ${r.rssWritten.toFixed(0)} MB after saves and promotions, ` +
      `${r.rssEndBeforeGc.toFixed(0)} MB at end, ${r.rssEnd.toFixed(0)} MB after a full GC (heapUsed ${r.heapUsedEnd.toFixed(0)} MB), ` +
      `${r.rssIdle.toFixed(0)} MB after 20 s at rest` +
      (r.databaseRss !== null ? `; the database process ${r.databaseRss.toFixed(0)} MB` : ''),
  );
  add({ name: `open store on an indexed repository (${mode})`, ours: r.openMs, unit: 'ms' });
  add({
    name: `list ${r.listed.trunk} definitions, cold, first ever (${mode})`,
    ours: r.listMs.trunk,
    baseline: floorMs,
    baselineLabel: 'the floor: a fresh node doing only cat-file + JSON.parse (bench/listing-floor.mjs)',
    unit: 'ms',
    goal: 300,
    note: 'a fresh process on plain node, right after opening the store on a repository without a listing cache',
  });
  add({ name: `history of one test (${mode})`, ours: r.historyMs, unit: 'ms', goal: 50 });
  add({ name: `save one definition (${mode})`, ours: r.saveMs, unit: 'ms', goal: 100 });
  add({ name: `promote one definition trunk → qa (${mode})`, ours: r.promoteMs, unit: 'ms', goal: 100 });
  add({ name: `index catch-up after ${upstream} upstream commits (${mode})`, ours: r.catchUpMs, unit: 'ms', goal: 20_000 });
  add({ name: `tests list first page, cold (${mode})`, ours: r.listTestsColdMs, unit: 'ms', note: `${r.listTestsTotal} tests; store listings already warm; warm ${r.listTestsWarmMs.toFixed(2)} ms` });
  add({
    name: `process RSS holding the repository (${mode})`,
    ours: r.rssEnd,
    baseline: r.rssStart,
    baselineLabel: 'RSS of that process before opening store and database',
    unit: 'MB',
    goal: 300,
    note:
      `plain node on the bundled child in npm start's environment, after a full GC (${r.rssEndBeforeGc.toFixed(0)} MB before it, ` +
      `${r.rssIdle.toFixed(0)} MB after 20 s at rest); ` +
      `after listing, history, saves, promotions, catch-up, tests list; ` +
      (r.databaseRss !== null ? `the database process (PGlite) ${r.databaseRss.toFixed(0)} MB besides` : 'database in another process'),
  });
}

/**
 * The store as the server runs it, in a fresh child process each (so its RSS is the store's own): with the embedded
 * database (PGlite, in its own process as in production) on a copy of the cached initial index, then with a
 * throwaway PostgreSQL server that gets the same index copied in.
 */
async function benchStoreProcesses(context: BenchContext, add: AddFigure, info: BenchRepoInfo, indexCache: string, upstream: number): Promise<void> {
  const childArgs = { hotTest: info.testNames[0], saveTargets: info.testNames.slice(1, 6), upstream, seed: info.seed };
  const gitdir = path.join(WORK_DIR, `child-repo.tmp-${process.pid}.git`);
  const dataDir = path.join(WORK_DIR, `child-db.tmp-${process.pid}.pglite`);
  // Measured once, on the same repository, in the minutes the two legs run in.
  const floor = listingFloor(info.dir, 'trunk');
  context.log(`listing floor (fresh node: cat-file + JSON.parse of every trunk definition): ${floor.runs.map((ms) => ms.toFixed(0)).join(', ')} ms`);
  add({
    name: `list ${info.tests} definitions, floor (fresh node, cat-file + JSON.parse)`,
    ours: floor.ms,
    unit: 'ms',
    note: `median of ${floor.runs.length} fresh processes (bench/listing-floor.mjs: text and value kept, no checks, no revisions); the least a first-ever listing costs on this machine, beside the 300 ms goal`,
  });
  try {
    copyRepo(info.dir, gitdir);
    copyRepo(indexCache, dataDir);
    const r = await runStoreChild({ ...childArgs, gitdir, dataDir }, (line) => context.log(`[embedded] ${line}`));
    addChildFigures(context, add, 'embedded PGlite', r, upstream, floor.ms);
  } catch (error) {
    context.log(`embedded leg failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    rmSync(gitdir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}.lock`, { force: true });
  }

  let server: Awaited<ReturnType<typeof startPostgres>>;
  try {
    server = await startPostgres();
  } catch (error) {
    context.log(`PostgreSQL leg skipped: no test server (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
    return;
  }
  try {
    const { createDatabase } = await import('../lib/db/client');
    const migrated = await createDatabase({ url: server.url });
    await migrated.close();
    const loaded = await timeOnce(() => loadPgliteIntoPostgres(indexCache, server.url, WORK_DIR));
    context.log(`PostgreSQL: server started, cached index copied in ${(loaded.ms / 1000).toFixed(1)} s (${Object.entries(loaded.result).filter(([, n]) => n > 0).map(([table, n]) => `${table} ${n}`).join(', ')})`);
    copyRepo(info.dir, gitdir);
    const r = await runStoreChild({ ...childArgs, gitdir, url: server.url }, (line) => context.log(`[postgres] ${line}`));
    addChildFigures(context, add, 'PostgreSQL', r, upstream, floor.ms);
  } catch (error) {
    context.log(`PostgreSQL leg failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await server.stop().catch(() => undefined);
    rmSync(gitdir, { recursive: true, force: true });
  }
}

export async function benchStore(context: BenchContext): Promise<BenchFigure[]> {
  const params = context.quick ? QUICK : FULL;
  const figures: BenchFigure[] = [];
  const add = (figure: BenchFigure): void => {
    figures.push(figure);
    context.report?.(figure);
  };

  // Import the store first so a missing store skips before the (long) generation.
  let storeModule: typeof import('../lib/store');
  let dbModule: typeof import('../lib/db/client');
  let proctor: typeof import('../lib/proctor/parse-definition');
  try {
    storeModule = await import('../lib/store');
    dbModule = await import('../lib/db/client');
    proctor = await import('../lib/proctor/parse-definition');
  } catch (error) {
    context.log(`skipped: store not available (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
    return figures;
  }

  const gen = await timeOnce(() => ensureBenchRepo(params));
  const info = gen.result;
  context.log(
    `repository: ${info.tests} tests, ${info.trunkCommits} trunk / ${info.qaCommits} qa / ${info.productionCommits} production commits — ` +
      (info.cached ? `cached (generated in ${(info.generationMs / 1000).toFixed(1)} s)` : `generated in ${(gen.ms / 1000).toFixed(1)} s`),
  );

  removeStaleRuns();
  // Work on a copy: the bench writes (saves, promotions, upstream commits) and the cache must stay pristine.
  const dir = path.join(WORK_DIR, `store-run-${process.pid}.git`);
  copyRepo(info.dir, dir);
  git(dir, ['branch', '-f', 'bench-native', 'trunk']);
  git(dir, ['branch', '-f', 'bench-native-qa', 'qa']);
  // This (tsx) process's RSS is logged for reference; the RSS figures come from the bundled child processes below.
  const rssBefore = rssMB();
  const storeOptions = (gitdir: string, prisma: import('../lib/generated/prisma/client').PrismaClient) => ({
    gitdir,
    prisma,
    branches: { trunk: 'trunk', qa: 'qa', production: 'production' },
    testDefinitionsDirectory: DEFINITIONS_DIR,
    committer: AUTHOR,
    fetchIntervalSeconds: 0,
    gcIntervalHours: 0,
  });

  // The initial index of the generated history is built once and cached (a PGlite folder next to the repository):
  // the figures that matter are the catch-up and the reads, and a full initial build would dominate the run.
  const indexCache = path.join(WORK_DIR, `${path.basename(info.dir, '.git')}.index.pglite`);
  if (!existsSync(path.join(indexCache, 'bench-complete'))) {
    context.log(`building the initial index of ${info.trunkCommits + info.qaCommits + info.productionCommits} commits (once; cached afterwards)...`);
    const building = `${indexCache}.tmp-${process.pid}`;
    rmSync(building, { recursive: true, force: true });
    const buildDb = await dbModule.createDatabase({ dataDir: building });
    const built = await timeOnce(() => storeModule.openDefinitionStore(storeOptions(dir, buildDb.prisma), { seed: false, waitForIndex: true }));
    await built.result.close();
    await buildDb.close();
    const nativeFullLog = await timeOnce(() => git(dir, ['log', '--name-only', '--format=%H', 'trunk', 'qa', 'production']));
    add({
      name: `initial index (${info.trunkCommits + info.qaCommits + info.productionCommits} commits)`,
      ours: built.ms,
      baseline: nativeFullLog.ms,
      baselineLabel: 'git log --name-only of all branches',
      unit: 'ms',
      note: 'built once, then cached',
    });
    writeFileSync(path.join(building, 'bench-complete'), new Date().toISOString());
    rmSync(indexCache, { recursive: true, force: true });
    renameSync(building, indexCache);
  } else {
    context.log('initial index: cached (delete bench/.work/*.index.pglite to rebuild and measure it)');
  }
  const dbDir = path.join(WORK_DIR, `store-run-${process.pid}.pglite`);
  copyRepo(indexCache, dbDir);
  const db = await dbModule.createDatabase({ dataDir: dbDir });
  const rssWithDb = rssMB();
  let store: Awaited<ReturnType<typeof storeModule.openDefinitionStore>> | null = null;
  try {
    const opened = await timeOnce(() => storeModule.openDefinitionStore(storeOptions(dir, db.prisma), { seed: false, waitForIndex: true }));
    store = opened.result;
    add({ name: 'open store on an indexed repository', ours: opened.ms, unit: 'ms' });
    context.log(`RSS of the bench process: ${rssBefore.toFixed(0)} MB before, ${rssWithDb.toFixed(0)} MB with the database open, ${rssMB().toFixed(0)} MB with the store open`);
    context.log(`index status: ${JSON.stringify(store.index.status().map((s) => `${s.branch}:${s.status}:${s.indexedCommits}`))}`);

    // History of the most edited test (index 0: the generator's edits are skewed towards low indexes).
    const hot = info.testNames[0];
    const hotPath = `${DEFINITIONS_DIR}/${hot}/definition.json`;
    const nativeHistory = await timeMedian(5, () => git(dir, ['log', '--format=%H', 'trunk', '--', hotPath]).trim().split('\n').length);
    const ourHistory = await timeMedian(5, () => store!.history(parseExistingTestName(hot), 'trunk', { limit: 1000 }));
    add({
      name: `history of one test (${nativeHistory.result} revisions)`,
      ours: ourHistory.ms,
      baseline: nativeHistory.ms,
      baselineLabel: 'git log --format=%H -- <path>',
      unit: 'ms',
      goal: 50,
      note: ourHistory.result.total === nativeHistory.result ? undefined : `count differs: ours ${ourHistory.result.total}`,
    });

    // Listing every definition with its last-change revision: first ever (from git), then in a new store that finds
    // the listing cache the first one wrote (lib/store/listing-cache.ts) — what a restarted server does.
    const nativeListing = await timeMedian(3, () => nativeList(dir, 'trunk'));
    // Counts only: rows of the first store would keep its whole listing alive into the RSS figure.
    const firstList = await timeOnce(async () => {
      const rows = await store!.listDefinitions('trunk');
      return { length: rows.length, withRevision: rows.filter((d) => d.revision).length };
    });
    const withRevision = firstList.result.withRevision;
    const countNote = (n: number) => (n === nativeListing.result ? `${withRevision} with revisions` : `count differs: native ${nativeListing.result}`);
    add({
      name: `list ${firstList.result.length} definitions, cold, first ever (from git)`,
      ours: firstList.ms,
      baseline: nativeListing.ms,
      baselineLabel: 'git ls-tree -r + cat-file --batch',
      unit: 'ms',
      goal: 300,
      note: `${countNote(firstList.result.length)}; compaction and the listing cache write follow in the background`,
    });
    await store.settled();
    await store.close();
    store = (await timeOnce(() => storeModule.openDefinitionStore(storeOptions(dir, db.prisma), { seed: false, waitForIndex: true }))).result;
    const coldList = await timeOnce(() => store!.listDefinitions('trunk'));
    add({
      name: `list ${coldList.result.length} definitions, cold (new store, listing cache on disk)`,
      ours: coldList.ms,
      baseline: nativeListing.ms,
      baselineLabel: 'git ls-tree -r + cat-file --batch',
      unit: 'ms',
      goal: 300,
      note: countNote(coldList.result.length),
    });
    // Warm = after the background compaction of the cold listing (a request during it waits behind 4 ms slices).
    await store.settled();
    const warmList = await timeMedian(5, () => store!.listDefinitions('trunk'));
    add({ name: `list ${warmList.result.length} definitions, warm`, ours: warmList.ms, baseline: nativeListing.ms, unit: 'ms', goal: 50 });

    // Saves: an allocation edit of five different tests, one commit each.
    const listed = new Map(warmList.result.map((d) => [d.testName, d]));
    const saveTargets = info.testNames.slice(1, 6);
    const saves: { name: string; revision: string }[] = [];
    const ourSave = await timeMedian(saveTargets.length, async () => {
      const name = saveTargets[saves.length];
      const current = listed.get(name)!;
      const definition = proctor.parseDefinition(current.text);
      definition.description = `${definition.description} (bench edit)`;
      const result = await store!.updateTest({ testName: parseExistingTestName(name), author: AUTHOR, issueKey: BENCH_ISSUE, comment: 'bench save', definition, baseRevision: current.revision! });
      saves.push({ name, revision: result.revision });
      return result;
    });
    let nativeSaves = 0;
    const nativeSave = await timeMedian(saveTargets.length, () => {
      const name = saveTargets[nativeSaves++];
      const text = listed.get(name)!.text.replace(/"description" : "([^"]*)"/, '"description" : "$1 (native edit)"');
      return nativeCommit(dir, 'bench-native', `${DEFINITIONS_DIR}/${name}/definition.json`, text, 'PROTEST-1: native save\n');
    });
    add({ name: 'save one definition (trunk commit)', ours: ourSave.ms, baseline: nativeSave.ms, baselineLabel: 'hash-object + commit-tree + update-ref', unit: 'ms', goal: 100 });

    // Promotions of the saved revisions to qa.
    const qaListed = new Map((await store.listDefinitions('qa')).map((d) => [d.testName, d]));
    let promoted = 0;
    const ourPromote = await timeMedian(saves.length, async () => {
      const save = saves[promoted++];
      return store!.promote({
        testName: parseExistingTestName(save.name),
        from: 'trunk',
        to: 'qa',
        sourceRevision: parseRevision(save.revision),
        expectedTargetRevision: qaListed.get(save.name)?.revision ?? null,
        author: AUTHOR,
        issueKey: BENCH_ISSUE,
      });
    });
    let nativePromotions = 0;
    const nativePromote = await timeMedian(saves.length, () => {
      const save = saves[nativePromotions++];
      const text = git(dir, ['show', `${save.revision}:${DEFINITIONS_DIR}/${save.name}/definition.json`]).replace(/"version" : "[^"]*"/, `"version" : "${save.revision}"`);
      return nativeCommit(dir, 'bench-native-qa', `${DEFINITIONS_DIR}/${save.name}/definition.json`, text, `Promoting ${save.name} (trunk r${save.revision}) to qa\n`);
    });
    add({ name: 'promote one definition trunk → qa', ours: ourPromote.ms, baseline: nativePromote.ms, baselineLabel: 'git show + commit-tree + update-ref', unit: 'ms', goal: 100 });

    // Upstream commits arrive (another writer); the index catches up.
    const appended = await appendUpstreamCommits(dir, params.upstream, params.seed + 1);
    context.log(`appended ${params.upstream} upstream commits in ${(appended.ms / 1000).toFixed(1)} s`);
    const nativeCatchUp = await timeOnce(() => git(dir, ['log', '--name-only', '--format=%H', `${appended.from}..${appended.to}`]));
    const ourCatchUp = await timeOnce(() => store!.sync());
    add({
      name: `index catch-up after ${params.upstream} upstream commits`,
      ours: ourCatchUp.ms,
      baseline: nativeCatchUp.ms,
      baselineLabel: 'git log --name-only over them',
      unit: 'ms',
      goal: 20_000,
      note: ourCatchUp.result.heads.trunk === appended.to ? undefined : 'trunk head not caught up',
    });
    const afterList = await timeOnce(() => store!.listDefinitions('trunk'));
    add({ name: 'list definitions after catch-up (new head)', ours: afterList.ms, baseline: nativeListing.ms, unit: 'ms', goal: 300 });

    // Steady state: background compaction of the listings read above is done.
    await store.settled();
    if (global.gc) global.gc();
    const heap = process.memoryUsage();
    context.log(`memory at end: heapUsed ${(heap.heapUsed / 2 ** 20).toFixed(0)} MB, external ${(heap.external / 2 ** 20).toFixed(0)} MB, arrayBuffers ${(heap.arrayBuffers / 2 ** 20).toFixed(0)} MB`);
    context.log(`RSS of the bench process at end: ${rssMB().toFixed(0)} MB (tsx and the bench's own data included; the database in its own process)`);

    // The tests list (lib/services/list-tests) on the same store, after the RSS figure so its rows do not count there.
    await benchListTests(context, add, store, db.prisma, dir);
  } finally {
    await store?.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    rmSync(dbDir, { recursive: true, force: true });
  }
  // After this leg is closed: the children open copies of the cached index.
  await benchStoreProcesses(context, add, info, indexCache, params.upstream);
  writeFileSync(path.join(WORK_DIR, 'last-store-bench.json'), JSON.stringify(figures, null, 2));
  return figures;
}
