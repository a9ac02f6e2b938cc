/**
 * The git definition store: a bare repository with trunk, qa and production branches in Proctor's layout, read and
 * written through isomorphic-git, with a history index in the database. Every write is one commit on one branch,
 * checked against the revision the user edited (optimistic lock) and published with a ref compare-and-swap under git's
 * `<ref>.lock` (local) or a non-fast-forward-refusing push (upstream); when someone else moved the branch but did not
 * touch the test, the commit is rebuilt on the new head and tried again.
 */
import { isPromotion } from '@/lib/domain/environment';
import { isIssueKey } from '@/lib/domain/issue-key';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { AppConfig } from '@/lib/config';
import { AppError } from '@/lib/errors';
import type { TestDefinition } from '@/lib/proctor/model';
import { serializeDefinition, serializeJson } from '@/lib/proctor/serialize-definition';
import { diffDefinitions, type DefinitionChange as SemanticChange } from '@/lib/proctor/diff-definitions';
import { unifiedDiff } from '@/lib/proctor/unified-diff';
import { buildCommitMessage, buildPromotionMessage, type ChangeKind } from './commit-message';
import { computeDrift, type TestDrift } from '@/lib/domain/drift';
import { HistoryIndex, type DamagedCommit, type HistoryEntryRecord, type IndexProgress } from './history-index';
import { ListingCache, type CachedTest } from './listing-cache';
import { Foreground } from './foreground';
import { BlobCompactor, blobText, buildSnapshot, parseOrError, readTestFiles, type BranchSnapshot, type SnapshotEntry } from './read';
import { RemoteSync, type RemoteOptions } from './remote-sync';
import { gitEnvironment } from './native-git';
import { GitRepository, type Signature } from './repository';
import { loadSeedTests, publishSeed, seedRepository } from './seed';
import {
  DEFINITION_FILE,
  ENVIRONMENTS,
  METADATA_FILE,
  assertBranchNames,
  assertEnvironment,
  assertExistingTestName,
  assertRevision,
  assertTestName,
  branchRef,
  definitionsDirSegments,
  shortRevision,
  type BranchNames,
  type Environment,
  type RepositoryLayout,
} from './paths';
import { Mutex, ReadWriteGate } from './write-lock';

const execFileAsync = promisify(execFile);

export interface DefinitionStoreOptions {
  /** Bare repository folder (e.g. `<dataDir>/proctor-data.git`). */
  gitdir: string;
  prisma: PrismaClient;
  branches: BranchNames;
  testDefinitionsDirectory: string;
  committer: { name: string; email: string };
  /** Folder with `<testDefinitionsDirectory>/<test>/definition.json` to seed a new repository from. */
  seedDir?: string;
  remote?: RemoteOptions;
  /** Seconds between upstream fetches; 0 = never (default 15 when a remote is set). */
  fetchIntervalSeconds?: number;
  /** Hours between `git gc` runs; 0 = never (default 24). */
  gcIntervalHours?: number;
  /** Attempts to land one write when others keep moving the branch (default 12). */
  maxWriteAttempts?: number;
  /** Folder of the branch listings kept between processes (default `<gitdir>/proctor-studio/listings`). */
  listingCacheDir?: string;
  /** Clock in milliseconds (tests pin it). */
  now?: () => number;
  onError?: (error: unknown, context: string) => void;
  /** A commit in the repository that git fsck --strict rejects was found (said once per commit; the store keeps serving). */
  onDamagedCommit?: (commit: DamagedCommit & { branch: Environment }) => void;
}

export const REPOSITORY_FOLDER = 'proctor-data.git';

export function definitionStoreOptionsFromConfig(config: AppConfig, prisma: PrismaClient): DefinitionStoreOptions {
  return {
    gitdir: path.join(config.dataDir, REPOSITORY_FOLDER),
    prisma,
    branches: config.branches,
    testDefinitionsDirectory: config.testDefinitionsDirectory,
    committer: config.committer,
    seedDir: config.seedDir,
    remote: config.gitUrl ? { url: config.gitUrl, username: config.gitUsername, password: config.gitPassword } : undefined,
    fetchIntervalSeconds: config.gitFetchIntervalSeconds,
  };
}

export interface Author {
  name: string;
  email: string;
}

export type RevisionSelector = { branch: Environment } | { revision: string };

export interface DefinitionRead {
  testName: string;
  branch?: Environment;
  /** The commit that last changed the test's definition (as of `commit`). */
  revision: string;
  /** The commit read. */
  commit: string;
  text: string;
  definition: TestDefinition | null;
  parseError?: string;
}

export interface ListedDefinition {
  testName: string;
  revision: string | null;
  text: string;
  definition: TestDefinition | null;
  parseError?: string;
}

/**
 * A listing row. Its text is re-serialised only when read (most callers use the definition; see read.ts), by a getter
 * on the prototype: an object literal with a getter cost a closure and an accessor per row (15-25 ms for 5,000).
 */
class ListedRow implements ListedDefinition {
  readonly #entry: SnapshotEntry;
  testName: string;
  revision: string | null;
  definition: TestDefinition | null;
  parseError?: string;

  constructor(entry: SnapshotEntry, revision: string | null) {
    this.#entry = entry;
    this.testName = entry.testName;
    this.revision = revision;
    this.definition = entry.definition;
    if (entry.parseError) this.parseError = entry.parseError;
  }

  get text(): string {
    return blobText(this.#entry.blob);
  }
}

export interface WriteResult {
  revision: string;
  previousRevision: string | null;
}

interface ChangeInput {
  testName: string;
  author: Author;
  issueKey: string;
  comment?: string;
}

export interface LiveRevision {
  revision: string | null;
  /** qa/production: the trunk revision the definition was promoted from (its `version`). */
  sourceTrunkRevision?: string | null;
}

export interface DiffSide {
  label: string;
  commit: string | null;
  revision: string | null;
  text: string | null;
  definition: TestDefinition | null;
}

export interface DefinitionDiff {
  testName: string;
  before: DiffSide;
  after: DiffSide;
  changes: SemanticChange[];
  unified: string;
}

/** A listing is written to the cache when this many of its definitions had to be read out of git. */
const LISTING_SAVE_THRESHOLD = 64;
/** Time slice of background work that yields to requests in between. */
const BACKGROUND_SLICE_MS = 4;

/** The message of a trunk change: `<ISSUE-KEY>: <comment>` and trailers; the comment defaults to Proctor's wording. */
function trunkMessage(kind: ChangeKind, input: ChangeInput, defaultComment: string, sourceRevision?: string): string {
  return buildCommitMessage({ kind, testName: input.testName, issueKey: input.issueKey, comment: input.comment?.trim() || defaultComment, sourceRevision });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function staleError(testName: string, expected: string | null, actual: string | null): AppError {
  return new AppError(
    'STALE_REVISION',
    `Test '${testName}' was updated since revision ${shortRevision(expected)}; it is now at ${shortRevision(actual)}. Reload and re-apply your change.`,
    { data: { testName, expected, actual } },
  );
}

export class DefinitionStore {
  readonly repo: GitRepository;
  readonly layout: RepositoryLayout;
  readonly index: HistoryIndex;
  private readonly remote?: RemoteSync;
  private readonly writeMutex = new Mutex();
  private readonly gate = new ReadWriteGate();
  private readonly dirSegments: string[];
  private snapshots = new Map<Environment, BranchSnapshot>();
  private snapshotBuilds = new Map<string, Promise<BranchSnapshot>>();
  /** Snapshot builds are foreground work: compaction and listing cache writes wait for them. */
  private readonly foreground = new Foreground();
  /** Interns the strings of listed definitions across tests and branches, and drops texts it can rebuild (read.ts). */
  private readonly compactor = new BlobCompactor(undefined, this.foreground);
  private readonly listingCache: ListingCache;
  /** Per branch, the tree oid of every test as the listing cache on disk has it (to know when it is worth rewriting). */
  private cachedTrees = new Map<Environment, Map<string, string>>();
  private listingSaves = new Set<Promise<void>>();
  private listings = new Map<Environment, { snapshot: BranchSnapshot; changes: ReadonlyMap<string, unknown>; rows: ListedDefinition[] }>();
  private timers: NodeJS.Timeout[] = [];
  private closed = false;
  private lastSync: { at: number; error?: string } | null = null;

  constructor(readonly options: DefinitionStoreOptions) {
    assertBranchNames(options.branches);
    this.layout = { branches: options.branches, testDefinitionsDirectory: options.testDefinitionsDirectory };
    this.dirSegments = definitionsDirSegments(this.layout);
    this.repo = new GitRepository(options.gitdir);
    this.listingCache = new ListingCache(options.listingCacheDir ?? path.join(options.gitdir, 'proctor-studio', 'listings'));
    this.index = new HistoryIndex(options.prisma, this.repo, this.dirSegments, (branch, commit) => options.onDamagedCommit?.({ branch, ...commit }));
    if (options.remote) this.remote = new RemoteSync(this.repo, this.layout, options.remote);
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  private reportError(error: unknown, context: string): void {
    if (this.options.onError) this.options.onError(error, context);
  }

  // ─── lifecycle ─────────────────────────────────────────────────────────────────────────────────────────────────────

  /** Opens the repository; creates it (seeded, or cloned from upstream) when missing; brings the index up to date. */
  async init(options: { seed?: boolean; waitForIndex?: boolean } = {}): Promise<void> {
    const seed = options.seed ?? true;
    await this.writeMutex.run(async () => {
      const existed = await GitRepository.exists(this.repo.gitdir);
      if (!existed) await GitRepository.initBare(this.repo.gitdir, this.layout.branches.trunk);
      if (this.remote) {
        await this.remote.configure();
        try {
          const heads = await this.fetchAndAdopt(ENVIRONMENTS);
          if (!heads.get('trunk') && seed && this.options.seedDir) await this.seedUpstream();
        } catch (error) {
          // Without upstream we still serve what we have; writes will report the outage.
          if (!existed) throw error;
          this.lastSync = { at: this.now(), error: error instanceof Error ? error.message : String(error) };
          this.reportError(error, 'initial fetch');
        }
      } else if (seed && this.options.seedDir && !(await this.repo.readRef(branchRef(this.layout, 'trunk')))) {
        const heads = await this.buildSeed();
        await publishSeed(this.repo, this.layout, heads);
      }
    });
    const indexing = Promise.all(ENVIRONMENTS.map(async (env) => this.index.ensure(env, await this.head(env), { wait: true })));
    if (options.waitForIndex ?? true) await indexing;
    else indexing.catch((error) => this.reportError(error, 'indexing'));
    this.startTimers();
  }

  private async buildSeed() {
    const tests = await loadSeedTests(this.options.seedDir!, this.layout.testDefinitionsDirectory);
    return seedRepository(this.repo, this.layout, this.options.committer, tests);
  }

  /** An empty upstream gets the seeded history pushed to it (so a fresh shared repository starts like a local one). */
  private async seedUpstream(): Promise<void> {
    const heads = await this.buildSeed();
    for (const env of ENVIRONMENTS) {
      const head = heads[env];
      if (!head) continue;
      const pushed = await this.remote!.push(head, env);
      if (!pushed.ok) {
        // Someone else seeded or wrote first: take theirs.
        await this.fetchAndAdopt(ENVIRONMENTS);
        return;
      }
      await this.setLocalRef(env, head);
    }
  }

  private startTimers(): void {
    const fetchSeconds = this.options.fetchIntervalSeconds ?? 15;
    if (this.remote && fetchSeconds > 0) {
      const timer = setInterval(() => {
        this.sync().catch((error) => this.reportError(error, 'periodic fetch'));
      }, fetchSeconds * 1000);
      timer.unref();
      this.timers.push(timer);
    }
    const gcHours = this.options.gcIntervalHours ?? 24;
    if (gcHours > 0) {
      const timer = setInterval(() => {
        this.gc().catch((error) => this.reportError(error, 'git gc'));
      }, gcHours * 3_600_000);
      timer.unref();
      this.timers.push(timer);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    // Let an in-flight write finish.
    await this.writeMutex.run(async () => undefined);
    await this.saveDriftedListings();
    this.repo.close();
  }

  /** Resolves when background work is done: compaction of listed definitions and listing cache writes. */
  async settled(): Promise<void> {
    await Promise.all([this.compactor.idle(), ...this.listingSaves]);
  }

  // ─── refs and sync ─────────────────────────────────────────────────────────────────────────────────────────────────

  async head(env: Environment): Promise<string | null> {
    return this.repo.readRef(branchRef(this.layout, assertEnvironment(env)));
  }

  /** Moves the local branch to `oid` whatever it was (the upstream is the truth). */
  private async setLocalRef(env: Environment, oid: string): Promise<void> {
    const ref = branchRef(this.layout, env);
    for (;;) {
      const current = await this.repo.readRef(ref);
      if (current === oid) return;
      if (await this.repo.compareAndSwapRef(ref, current, oid)) return;
    }
  }

  private async fetchAndAdopt(envs: readonly Environment[]): Promise<Map<Environment, string | null>> {
    const heads = await this.remote!.fetch(envs);
    for (const [env, oid] of heads) if (oid) await this.setLocalRef(env, oid);
    this.lastSync = { at: this.now() };
    return heads;
  }

  /** Fetches upstream (when configured) and brings the history index up to the branch heads. The webhook calls this. */
  async sync(): Promise<{ heads: Record<Environment, string | null> }> {
    if (this.remote && !this.closed) {
      await this.writeMutex.run(() =>
        this.gate.shared(async () => {
          try {
            await this.fetchAndAdopt(ENVIRONMENTS);
          } catch (error) {
            this.lastSync = { at: this.now(), error: error instanceof Error ? error.message : String(error) };
            throw error;
          }
        }),
      );
    }
    const heads = {} as Record<Environment, string | null>;
    for (const env of ENVIRONMENTS) {
      heads[env] = await this.head(env);
      await this.index.ensure(env, heads[env], { wait: true });
    }
    return { heads };
  }

  /** Packs loose objects (isomorphic-git never does). Runs with no isomorphic-git read in flight. */
  async gc(): Promise<void> {
    await this.writeMutex.run(() =>
      this.gate.exclusiveRun(async () => {
        await execFileAsync('git', ['--git-dir', this.repo.gitdir, 'gc', '--quiet'], { timeout: 10 * 60_000, env: gitEnvironment() });
        this.repo.resetCache();
      }),
    );
  }

  indexStatus(): { ready: boolean; branches: IndexProgress[]; lastSync: { at: number; error?: string } | null } {
    const branches = this.index.status();
    return { ready: branches.length === ENVIRONMENTS.length && branches.every((b) => b.status === 'ready'), branches, lastSync: this.lastSync };
  }

  // ─── reads ─────────────────────────────────────────────────────────────────────────────────────────────────────────

  private read<T>(fn: () => Promise<T>): Promise<T> {
    return this.gate.shared(fn);
  }

  private async indexedHead(env: Environment): Promise<string | null> {
    const head = await this.head(env);
    await this.index.ensure(env, head);
    return head;
  }

  private lastChangeRevision(env: Environment, testName: string, includeDeleted = false): string | null {
    const change = this.index.lastChangesOf(env).get(testName);
    if (!change) return null;
    return change.deleted && !includeDeleted ? null : change.revision;
  }

  /** The commit that last changed the test as of `commit`, from the index (falls back to `commit` itself). */
  private async revisionAsOf(testName: string, commit: string): Promise<string> {
    const indexed = await this.options.prisma.indexedCommit.findMany({ where: { revision: commit }, take: 3 });
    for (const row of indexed) {
      const entry = await this.options.prisma.historyEntry.findFirst({
        where: { branch: row.branch, testName, seq: { lte: row.seq } },
        orderBy: { seq: 'desc' },
        select: { revision: true },
      });
      if (entry) return entry.revision;
    }
    return commit;
  }

  private async assertCommit(revision: string): Promise<void> {
    try {
      await this.repo.readCommit(revision);
    } catch {
      throw new AppError('NOT_FOUND', `Revision ${revision} was not found in the repository.`, { data: { revision } });
    }
  }

  async readDefinition(testName: string, selector: RevisionSelector): Promise<DefinitionRead | null> {
    assertExistingTestName(testName);
    return this.read(async () => {
      if ('branch' in selector) {
        const env = assertEnvironment(selector.branch);
        const head = await this.indexedHead(env);
        if (!head) return null;
        const files = await readTestFiles(this.repo, head, this.dirSegments, testName);
        if (!files) return null;
        const revision = this.lastChangeRevision(env, testName) ?? (await this.revisionAsOf(testName, head));
        return { testName, branch: env, revision, commit: head, text: files.text, ...parseOrError(files.text) };
      }
      const commit = assertRevision(selector.revision);
      await this.assertCommit(commit);
      const files = await readTestFiles(this.repo, commit, this.dirSegments, testName);
      if (!files) return null;
      return { testName, revision: await this.revisionAsOf(testName, commit), commit, text: files.text, ...parseOrError(files.text) };
    });
  }

  async readMetadata(testName: string, selector: RevisionSelector): Promise<Record<string, unknown> | null> {
    assertExistingTestName(testName);
    return this.read(async () => {
      const commit = 'branch' in selector ? await this.head(assertEnvironment(selector.branch)) : assertRevision(selector.revision);
      if (!commit) return null;
      if ('revision' in selector) await this.assertCommit(commit);
      const files = await readTestFiles(this.repo, commit, this.dirSegments, testName);
      if (!files) return null;
      if (files.metadataText === null) return {};
      try {
        return JSON.parse(files.metadataText) as Record<string, unknown>;
      } catch {
        return {};
      }
    });
  }

  private async snapshot(env: Environment, head: string | null): Promise<BranchSnapshot> {
    const current = this.snapshots.get(env);
    if (current && current.head === head) return current;
    const key = `${env}:${head}`;
    let build = this.snapshotBuilds.get(key);
    if (!build) {
      const byBlob = new Map<string, SnapshotEntry>();
      for (const [other, snapshot] of this.snapshots) {
        if (other !== env) for (const entry of snapshot.tests.values()) byBlob.set(entry.blobOid, entry);
      }
      const leave = this.foreground.enter();
      build = (async () => {
        // A fresh process starts from the listing cache on disk; later builds from the branch's previous snapshot.
        const cached = current ? null : await this.listingCache.load(this.layout.branches[env]);
        if (cached) this.cachedTrees.set(env, new Map([...cached.tests].map(([testName, test]) => [testName, test.treeOid])));
        const built = await buildSnapshot(this.repo, head, this.dirSegments, { previous: current, byBlob, cached, compactor: this.compactor });
        if (built.blobsRead > LISTING_SAVE_THRESHOLD) this.saveListing(env, built);
        return built;
      })().finally(() => {
        this.snapshotBuilds.delete(key);
        leave();
      });
      this.snapshotBuilds.set(key, build);
    }
    const snapshot = await build;
    // The previous snapshot of the branch is dropped here (entries it shares with the new one live on).
    this.snapshots.set(env, snapshot);
    return snapshot;
  }

  /** Writes a branch listing to the cache in the background, gathering texts a few milliseconds at a time. */
  private saveListing(env: Environment, snapshot: BranchSnapshot): Promise<void> {
    const head = snapshot.head;
    if (!head) return Promise.resolve();
    const task = (async () => {
      const tests: Array<[string, CachedTest]> = [];
      let until = performance.now() + BACKGROUND_SLICE_MS;
      for (const entry of snapshot.tests.values()) {
        if (performance.now() > until) {
          await this.foreground.turn();
          until = performance.now() + BACKGROUND_SLICE_MS;
        }
        // Re-serialises a compacted definition (see read.ts); a fresh one still has its text.
        tests.push([entry.testName, { treeOid: entry.treeOid, blobOid: entry.blobOid, text: entry.text }]);
      }
      await this.listingCache.save(this.layout.branches[env], { head, tests });
      this.cachedTrees.set(env, new Map(tests.map(([testName, test]) => [testName, test.treeOid])));
    })()
      .catch((error) => this.reportError(error, `listing cache (${env})`))
      .finally(() => this.listingSaves.delete(task));
    this.listingSaves.add(task);
    return task;
  }

  /** On close: rewrites the cached listings that many tests have moved away from since they were written. */
  private async saveDriftedListings(): Promise<void> {
    await Promise.all(this.listingSaves);
    const saves: Promise<void>[] = [];
    for (const [env, snapshot] of this.snapshots) {
      const cached = this.cachedTrees.get(env);
      let drifted = 0;
      for (const entry of snapshot.tests.values()) if (cached?.get(entry.testName) !== entry.treeOid) drifted++;
      if (drifted > LISTING_SAVE_THRESHOLD) saves.push(this.saveListing(env, snapshot));
    }
    await Promise.all(saves);
  }

  /** Every definition on a branch with its last-change revision. */
  async listDefinitions(branch: Environment): Promise<ListedDefinition[]> {
    const env = assertEnvironment(branch);
    return this.read(async () => {
      const head = await this.indexedHead(env);
      const snapshot = await this.snapshot(env, head);
      const changes = this.index.lastChangesOf(env);
      // The rows only change with the snapshot or the index's map (both replaced when the branch moves): a warm listing
      // hands out the same rows in a new array instead of 5,000 new objects with a text getter each.
      const cached = this.listings.get(env);
      if (cached && cached.snapshot === snapshot && cached.changes === changes) return [...cached.rows];
      const rows: ListedDefinition[] = [];
      for (const entry of snapshot.tests.values()) {
        const change = changes.get(entry.testName);
        rows.push(new ListedRow(entry, change && !change.deleted ? change.revision : null));
      }
      this.listings.set(env, { snapshot, changes, rows });
      return [...rows];
    });
  }

  /**
   * The definitions of a branch as of one of its earlier commits (for the matrix's last good revision). Tests whose tree
   * is unchanged since the branch's current listing are reused, so a step back reads only what changed.
   */
  async listDefinitionsAt(branch: Environment, commit: string): Promise<Array<Pick<ListedDefinition, 'testName' | 'definition' | 'parseError'>>> {
    const env = assertEnvironment(branch);
    return this.read(async () => {
      const snapshot = await buildSnapshot(this.repo, commit, this.dirSegments, { previous: this.snapshots.get(env), compactor: this.compactor });
      return [...snapshot.tests.values()].map((entry) => ({ testName: entry.testName, definition: entry.definition, parseError: entry.parseError }));
    });
  }

  async history(testName: string, branch: Environment, page: { limit?: number; offset?: number } = {}): Promise<{ entries: HistoryEntryRecord[]; total: number }> {
    assertExistingTestName(testName);
    const env = assertEnvironment(branch);
    const limit = Math.max(1, Math.min(page.limit ?? 32, 1000));
    const offset = Math.max(0, page.offset ?? 0);
    await this.indexedHead(env);
    return this.index.history(env, testName, { limit, offset });
  }

  /** Which revision of this test is live on each environment (from the index; one blob read per environment). */
  async liveRevisions(testName: string): Promise<Record<Environment, LiveRevision>> {
    assertExistingTestName(testName);
    return this.read(async () => {
      const result = {} as Record<Environment, LiveRevision>;
      for (const env of ENVIRONMENTS) {
        const head = await this.indexedHead(env);
        const revision = this.lastChangeRevision(env, testName);
        if (env === 'trunk') {
          result.trunk = { revision };
          continue;
        }
        let sourceTrunkRevision: string | null = null;
        if (revision && head) {
          const files = await readTestFiles(this.repo, head, this.dirSegments, testName);
          if (files) sourceTrunkRevision = parseOrError(files.text).definition?.version ?? null;
        }
        result[env] = { revision, sourceTrunkRevision };
      }
      return result;
    });
  }

  async drift(): Promise<TestDrift[]> {
    const listings = await Promise.all(ENVIRONMENTS.map((env) => this.listDefinitions(env)));
    const toEntries = (list: ListedDefinition[]) => list.map((d) => ({ testName: d.testName, revision: d.revision, version: d.definition?.version ?? null }));
    return computeDrift(toEntries(listings[0]), toEntries(listings[1]), toEntries(listings[2]));
  }

  private async diffSide(testName: string, selector: RevisionSelector): Promise<DiffSide> {
    const read = await this.readDefinition(testName, selector);
    const label = 'branch' in selector ? `${selector.branch}${read ? `@${shortRevision(read.revision)}` : ''}` : `r${shortRevision(selector.revision)}`;
    return {
      label,
      commit: read?.commit ?? null,
      revision: read?.revision ?? null,
      text: read?.text ?? null,
      definition: read?.definition ?? null,
    };
  }

  /** Semantic and unified JSON diff between two revisions or environments of a test. */
  async diff(testName: string, from: RevisionSelector, to: RevisionSelector): Promise<DefinitionDiff> {
    const [before, after] = await Promise.all([this.diffSide(testName, from), this.diffSide(testName, to)]);
    if (before.text === null && after.text === null) {
      throw new AppError('NOT_FOUND', `Test ${testName} does not exist in either ${before.label} or ${after.label}.`);
    }
    return {
      testName,
      before,
      after,
      changes: diffDefinitions(before.definition, after.definition),
      unified: unifiedDiff(before.text ?? '', after.text ?? '', { aLabel: before.label, bLabel: after.label }),
    };
  }

  // ─── writes ────────────────────────────────────────────────────────────────────────────────────────────────────────

  private checkChangeInput(input: ChangeInput): void {
    if (!input.author || !input.author.name?.trim() || !input.author.email?.trim()) {
      throw new AppError('BAD_REQUEST', 'The author of a change needs a name and an e-mail address.');
    }
    if (!isIssueKey(input.issueKey)) {
      throw new AppError('BAD_REQUEST', `'${input.issueKey ?? ''}' is not an issue key (like PROTEST-12).`, {
        details: [{ path: 'issueKey', message: 'Expected an issue key like PROTEST-12.' }],
      });
    }
  }

  async createTest(input: ChangeInput & { definition: TestDefinition }): Promise<WriteResult> {
    assertTestName(input.testName);
    this.checkChangeInput(input);
    const text = serializeDefinition({ ...input.definition, version: '-1' });
    return this.commitChange({
      env: 'trunk',
      testName: input.testName,
      kind: 'create',
      expected: null,
      message: trunkMessage('create', input, `Creating A/B test ${input.testName}`),
      author: input.author,
      build: async () => ({ definitionText: text, metadataText: serializeJson({}) }),
    });
  }

  async updateTest(input: ChangeInput & { definition: TestDefinition; baseRevision: string }): Promise<WriteResult> {
    assertExistingTestName(input.testName);
    assertRevision(input.baseRevision, 'baseRevision');
    this.checkChangeInput(input);
    return this.commitChange({
      env: 'trunk',
      testName: input.testName,
      kind: 'update',
      expected: input.baseRevision,
      message: trunkMessage('update', input, `Updating A/B test ${input.testName}`),
      author: input.author,
      build: async (current) => {
        // Proctor keeps the existing version on edit (FACTS §2.4 step 6).
        const version = current ? (parseOrError(current.text).definition?.version ?? '-1') : '-1';
        return { definitionText: serializeDefinition({ ...input.definition, version }), metadataText: current?.metadataText ?? serializeJson({}) };
      },
    });
  }

  async deleteTest(input: ChangeInput & { baseRevision: string }): Promise<WriteResult> {
    assertExistingTestName(input.testName);
    assertRevision(input.baseRevision, 'baseRevision');
    this.checkChangeInput(input);
    return this.commitChange({
      env: 'trunk',
      testName: input.testName,
      kind: 'delete',
      expected: input.baseRevision,
      message: trunkMessage('delete', input, `Deleting A/B test ${input.testName}`),
      author: input.author,
      build: async () => null,
    });
  }

  /** Restores the definition as it was at `toRevision`, as a new commit (also brings back a deleted test). */
  async revertTest(input: ChangeInput & { baseRevision: string; toRevision: string }): Promise<WriteResult> {
    assertExistingTestName(input.testName);
    assertRevision(input.baseRevision, 'baseRevision');
    assertRevision(input.toRevision, 'toRevision');
    this.checkChangeInput(input);
    const target = await this.read(async () => {
      await this.assertCommit(input.toRevision);
      return readTestFiles(this.repo, input.toRevision, this.dirSegments, input.testName);
    });
    if (!target) throw new AppError('NOT_FOUND', `Test ${input.testName} does not exist at revision ${shortRevision(input.toRevision)}.`);
    return this.commitChange({
      env: 'trunk',
      testName: input.testName,
      kind: 'revert',
      expected: input.baseRevision,
      message: trunkMessage('revert', input, `Reverting ${input.testName} to r${shortRevision(input.toRevision)}`, input.toRevision),
      author: input.author,
      build: async (current) => ({ definitionText: target.text, metadataText: target.metadataText ?? current?.metadataText ?? serializeJson({}) }),
    });
  }

  /**
   * Copies the whole definition at `sourceRevision` to the target branch as one commit (never a merge or cherry-pick),
   * with `version` = the trunk revision it came from (FACTS §6.4).
   */
  async promote(input: {
    testName: string;
    from: Environment;
    to: Environment;
    sourceRevision: string;
    /** Last-change revision of the test on the target branch the caller saw; null when absent there. */
    expectedTargetRevision: string | null;
    author: Author;
    issueKey: string;
    comment?: string;
  }): Promise<{ revision: string; sourceRevision: string; previousRevision: string | null }> {
    assertExistingTestName(input.testName);
    const from = assertEnvironment(input.from);
    const to = assertEnvironment(input.to);
    assertRevision(input.sourceRevision, 'sourceRevision');
    if (input.expectedTargetRevision !== null) assertRevision(input.expectedTargetRevision, 'expectedTargetRevision');
    this.checkChangeInput({ ...input });
    if (!isPromotion(from, to)) {
      throw new AppError('PROMOTION_NOT_ALLOWED', `Invalid combination of source and destination: source=${from} dest=${to}`, { data: { from, to } });
    }
    let source: { text: string; metadataText: string | null; message: string } | null = null;
    const result = await this.commitChange({
      env: to,
      alsoFetch: [from],
      testName: input.testName,
      kind: 'promote',
      expected: input.expectedTargetRevision,
      author: input.author,
      message: async () => {
        await this.index.ensure(from, await this.head(from), { wait: true });
        const entry = await this.index.entry(from, input.testName, input.sourceRevision);
        if (!entry || entry.changeKind === 'delete') {
          throw new AppError('NOT_FOUND', `Could not find history for ${input.testName} at revision ${shortRevision(input.sourceRevision)} on ${from}.`, {
            data: { testName: input.testName, revision: input.sourceRevision, branch: from },
          });
        }
        const files = await readTestFiles(this.repo, input.sourceRevision, this.dirSegments, input.testName);
        if (!files) throw new AppError('NOT_FOUND', `Test ${input.testName} does not exist at revision ${shortRevision(input.sourceRevision)}.`);
        source = { text: files.text, metadataText: files.metadataText, message: entry.message };
        return buildPromotionMessage(
          { kind: 'promote', testName: input.testName, issueKey: input.issueKey, comment: input.comment ?? '', sourceRevision: input.sourceRevision, sourceBranch: from, targetBranch: to },
          entry.message,
        );
      },
      build: async () => {
        const { definition, parseError } = parseOrError(source!.text);
        if (!definition) throw new AppError('VALIDATION_FAILED', `Test ${input.testName} at ${shortRevision(input.sourceRevision)} cannot be read: ${parseError}`);
        const version = from === 'trunk' ? input.sourceRevision : (definition.version ?? input.sourceRevision);
        return { definitionText: serializeDefinition({ ...definition, version }), metadataText: source!.metadataText ?? serializeJson({}) };
      },
    });
    return { revision: result.revision, sourceRevision: input.sourceRevision, previousRevision: result.previousRevision };
  }

  /**
   * One commit on one branch. Under the in-process write lock, each attempt: fetch (upstream), bring the index to the
   * head, check the test's last-change revision against `expected`, build the tree, commit, publish (push or ref CAS).
   * If publishing loses a race, the next attempt starts over on the new head — and fails as stale if the test itself
   * changed.
   */
  private async commitChange(args: {
    env: Environment;
    alsoFetch?: Environment[];
    testName: string;
    kind: ChangeKind;
    expected: string | null;
    message: string | (() => Promise<string>);
    author: Author;
    build: (current: { text: string; metadataText: string | null } | null) => Promise<{ definitionText: string; metadataText: string } | null>;
  }): Promise<WriteResult> {
    if (this.closed) throw new AppError('NOT_READY', 'The definition store is closed.');
    const maxAttempts = this.options.maxWriteAttempts ?? 12;
    const ref = branchRef(this.layout, args.env);
    return this.writeMutex.run(() =>
      this.gate.shared(async () => {
        for (let attempt = 1; attempt <= maxAttempts; attempt++) {
          let head: string | null;
          if (this.remote) {
            const heads = await this.fetchAndAdopt([args.env, ...(args.alsoFetch ?? [])]);
            head = heads.get(args.env) ?? null;
          } else {
            head = await this.repo.readRef(ref);
          }
          await this.index.ensure(args.env, head, { wait: true });
          const message = typeof args.message === 'string' ? args.message : await args.message();
          const change = this.index.lastChangesOf(args.env).get(args.testName);
          const actual = change && !change.deleted ? change.revision : null;
          // A revert may bring back a deleted test: it is checked against the delete commit.
          const compared = args.kind === 'revert' && change?.deleted ? change.revision : actual;
          if (args.kind === 'create') {
            if (actual !== null) {
              throw new AppError('ALREADY_EXISTS', `Current tests exists with name : '${args.testName}'`, { data: { testName: args.testName, revision: actual } });
            }
          } else if (compared !== args.expected) {
            if (compared === null && args.kind !== 'promote' && !change) {
              throw new AppError('NOT_FOUND', `Test ${args.testName} does not exist in ${args.env}.`, { data: { testName: args.testName } });
            }
            throw staleError(args.testName, args.expected, compared);
          }

          const rootTree = head ? (await this.repo.readCommit(head)).tree : null;
          const current = head && actual ? await readTestFiles(this.repo, head, this.dirSegments, args.testName) : null;
          const next = await args.build(current ? { text: current.text, metadataText: current.metadataText } : null);
          if (next === null && !current) throw new AppError('NOT_FOUND', `Unable to delete non-existent test ${args.testName}`);
          if (next && current && next.definitionText === current.text && next.metadataText === (current.metadataText ?? next.metadataText)) {
            throw new AppError(
              'NO_CHANGES',
              args.kind === 'promote'
                ? `Test ${args.testName} on ${args.env} already holds this definition.`
                : `Attempting to save test definition without changes for test ${args.testName}`,
              { data: { testName: args.testName } },
            );
          }
          const tree = await this.repo.replaceSubtree(rootTree, [...this.dirSegments, args.testName], async (entries) => {
            if (next === null) return null;
            const [definitionBlob, metadataBlob] = await Promise.all([this.repo.writeBlobText(next.definitionText), this.repo.writeBlobText(next.metadataText)]);
            const rest = entries.filter((e) => e.path !== DEFINITION_FILE && e.path !== METADATA_FILE);
            return [
              ...rest,
              { mode: '100644', path: DEFINITION_FILE, oid: definitionBlob, type: 'blob' },
              { mode: '100644', path: METADATA_FILE, oid: metadataBlob, type: 'blob' },
            ];
          });
          const seconds = Math.floor(this.now() / 1000);
          const author: Signature = { name: args.author.name, email: args.author.email, timestamp: seconds, timezoneOffset: 0 };
          const committer: Signature = { ...this.options.committer, timestamp: seconds, timezoneOffset: 0 };
          const commit = await this.repo.writeCommit({ tree, parents: head ? [head] : [], message, author, committer });

          let published: boolean;
          if (this.remote) {
            const pushed = await this.remote.push(commit, args.env);
            published = pushed.ok;
            if (published) await this.setLocalRef(args.env, commit);
          } else {
            published = await this.repo.compareAndSwapRef(ref, head, commit);
          }
          if (published) {
            // The commit is saved from here on: a history index that cannot be updated now (the database is
            // restarting) must not turn it into a failed save. The next read or write catches the index up from git.
            await this.index.ensure(args.env, commit, { wait: true }).catch((error: unknown) => this.reportError(error, `indexing ${args.env} after saving ${commit}`));
            return { revision: commit, previousRevision: compared };
          }
          // Lost the race: someone moved the branch. Back off a little (jitter) and rebuild on the new head.
          await sleep(Math.floor(Math.random() * 10 * attempt));
        }
        throw new AppError(
          this.remote ? 'UPSTREAM_REJECTED' : 'INTERNAL',
          `Could not save ${args.testName}: ${args.env} kept moving during ${maxAttempts} attempts. Try again.`,
        );
      }),
    );
  }
}

export async function openDefinitionStore(options: DefinitionStoreOptions, init: { seed?: boolean; waitForIndex?: boolean } = {}): Promise<DefinitionStore> {
  const store = new DefinitionStore(options);
  await store.init(init);
  return store;
}
