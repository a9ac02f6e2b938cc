/**
 * The git definition store: a bare repository with trunk, qa and production branches in Proctor's layout, read and
 * written through isomorphic-git, with a history index in the database. This class owns the lifecycle and composes
 * the parts, each in its own module:
 *
 * - branch-sync.ts: opening and seeding, branch heads, upstream fetch and push, periodic fetch and gc;
 * - branch-listings.ts: every definition of a branch (snapshots and the listing cache on disk);
 * - definition-reads.ts: one test's definition, metadata, history, live revisions, diffs and drift;
 * - definition-writer.ts: the one commit protocol, given a typed change (definition-changes.ts).
 *
 * Its inputs are typed values parsed where a use case receives them (lib/domain: TestName, Revision, IssueKey,
 * Environment): the store does not check them again. What would corrupt git is still refused at the object level
 * (repository.ts, fsck.ts).
 */
import path from 'node:path';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { AppConfig } from '@/lib/config';
import { AppError } from '@/lib/errors';
import type { Promotion } from '@/lib/domain/environment';
import type { Revision } from '@/lib/domain/revision';
import type { TestName } from '@/lib/domain/test-name';
import type { TestDefinition } from '@/lib/proctor/model';
import { BranchListings } from './branch-listings';
import { BranchSync } from './branch-sync';
import { DefinitionReads } from './definition-reads';
import { DefinitionWriter, type WriteRequest } from './definition-writer';
import type { TestDrift } from '@/lib/domain/drift';
import { HistoryIndex, type HistoryEntryRecord, type IndexProgress } from './history-index';
import { ENVIRONMENTS, assertBranchNames, definitionsDirSegments, shortRevision, type Environment } from './paths';
import { readTestFiles } from './read';
import { GitRepository } from './repository';
import type {
  ChangeMeta,
  CommitSummary,
  DefinitionDiff,
  DefinitionRead,
  DefinitionStoreOptions,
  ListedDefinition,
  LiveRevision,
  RevisionSelector,
  StoreCore,
  WriteResult,
} from './store-types';
import { Mutex, ReadWriteGate } from './write-lock';

export type {
  Author,
  ChangeMeta,
  CommitSummary,
  DefinitionDiff,
  DefinitionRead,
  DefinitionStoreOptions,
  DiffSide,
  ListedDefinition,
  LiveRevision,
  RevisionSelector,
  WriteResult,
} from './store-types';

export const REPOSITORY_FOLDER = 'proctor-data.git';

export function definitionStoreOptionsFromConfig(config: AppConfig, prisma: PrismaClient): DefinitionStoreOptions {
  return {
    gitdir: path.join(config.dataDir, REPOSITORY_FOLDER),
    prisma,
    branches: config.branches,
    testDefinitionsDirectory: config.testDefinitionsDirectory,
    committer: config.committer,
    seedDir: config.seedDir,
    remote: config.gitUrl ? { url: config.gitUrl, username: config.gitUsername, password: config.gitPassword, timeoutMs: config.gitTimeoutSeconds * 1000 } : undefined,
    fetchIntervalSeconds: config.gitFetchIntervalSeconds,
  };
}

export class DefinitionStore {
  readonly index: HistoryIndex;
  readonly layout: StoreCore['layout'];
  readonly #repo: GitRepository;
  readonly #writeMutex = new Mutex();
  readonly #branches: BranchSync;
  readonly #listings: BranchListings;
  readonly #reads: DefinitionReads;
  readonly #writer: DefinitionWriter;

  constructor(readonly options: DefinitionStoreOptions) {
    assertBranchNames(options.branches);
    const layout = { branches: options.branches, testDefinitionsDirectory: options.testDefinitionsDirectory };
    const dirSegments = definitionsDirSegments(layout);
    const repo = new GitRepository(options.gitdir);
    const index = new HistoryIndex(options.prisma, repo, dirSegments, (branch, commit) => options.onDamagedCommit?.({ branch, ...commit }));
    const core: StoreCore = {
      options,
      repo,
      layout,
      dirSegments,
      index,
      writeMutex: this.#writeMutex,
      gate: new ReadWriteGate(),
      now: () => (options.now ? options.now() : Date.now()),
      reportError: (error, context) => options.onError?.(error, context),
    };
    this.layout = layout;
    this.index = index;
    this.#repo = repo;
    this.#branches = new BranchSync(core);
    this.#listings = new BranchListings(core);
    this.#reads = new DefinitionReads(core, this.#branches, this.#listings);
    this.#writer = new DefinitionWriter(core, this.#branches);
  }

  // ─── lifecycle ─────────────────────────────────────────────────────────────────────────────────────────────────────

  /** Opens the repository; creates it (seeded, or cloned from upstream) when missing; brings the index up to date. */
  async init(options: { seed?: boolean; waitForIndex?: boolean } = {}): Promise<void> {
    await this.#branches.open(options.seed ?? true);
    const indexing = Promise.all(ENVIRONMENTS.map(async (env) => this.index.ensure(env, await this.head(env), { wait: true })));
    if (options.waitForIndex ?? true) await indexing;
    else indexing.catch((error) => this.options.onError?.(error, 'indexing'));
    this.#branches.startTimers();
  }

  async close(): Promise<void> {
    this.#branches.stop();
    // Let an in-flight write finish.
    await this.#writeMutex.run(async () => undefined);
    await this.#listings.saveDriftedListings();
    this.#repo.close();
  }

  /** Resolves when background work is done: compaction of listed definitions and listing cache writes. */
  settled(): Promise<void> {
    return this.#listings.settled();
  }

  indexStatus(): { ready: boolean; branches: IndexProgress[]; lastSync: { at: number; error?: string } | null } {
    const branches = this.index.status();
    return { ready: branches.length === ENVIRONMENTS.length && branches.every((b) => b.status === 'ready'), branches, lastSync: this.#branches.lastSync };
  }

  // ─── branches ──────────────────────────────────────────────────────────────────────────────────────────────────────

  head(env: Environment): Promise<Revision | null> {
    return this.#branches.head(env);
  }

  /**
   * How many times this process has moved a branch (its own commits, promotions, adopted upstream heads): a head read
   * stays current while this is unchanged and no other process moved a branch (watchBranches tells of those).
   */
  branchMoves(): number {
    return this.#repo.refMoves;
  }

  /** Fetches upstream (when configured) and brings the history index up to the branch heads. The webhook calls this. */
  sync(): Promise<{ heads: Record<Environment, string | null> }> {
    return this.#branches.sync();
  }

  /** Packs loose objects (isomorphic-git never does). Runs with no isomorphic-git read in flight. */
  gc(): Promise<void> {
    return this.#branches.gc();
  }

  /** Calls `onChange` when a branch may have moved (by this process, another one or the git CLI); null = cannot watch. */
  watchBranches(onChange: () => void): { close(): void } | null {
    return this.#branches.watchRefs(onChange);
  }

  // ─── reads ─────────────────────────────────────────────────────────────────────────────────────────────────────────

  readDefinition(testName: TestName, selector: RevisionSelector): Promise<DefinitionRead | null> {
    return this.#reads.readDefinition(testName, selector);
  }

  readMetadata(testName: TestName, selector: RevisionSelector): Promise<Record<string, unknown> | null> {
    return this.#reads.readMetadata(testName, selector);
  }

  /** Every definition on a branch with its last-change revision. */
  listDefinitions(branch: Environment): Promise<ListedDefinition[]> {
    return this.#reads.listDefinitions(branch);
  }

  /** The definitions of a branch as of one of its earlier commits (for the matrix's last good revision). */
  listDefinitionsAt(branch: Environment, commit: Revision): Promise<Array<Pick<ListedDefinition, 'testName' | 'definition' | 'parseError'>>> {
    return this.#reads.listDefinitionsAt(branch, commit);
  }

  history(testName: TestName, branch: Environment, page: { limit?: number; offset?: number } = {}): Promise<{ entries: HistoryEntryRecord[]; total: number }> {
    return this.#reads.history(testName, branch, page);
  }

  /** Which revision of this test is live on each environment. */
  liveRevisions(testName: TestName): Promise<Record<Environment, LiveRevision>> {
    return this.#reads.liveRevisions(testName);
  }

  drift(): Promise<TestDrift[]> {
    return this.#reads.drift();
  }

  /** Semantic and unified JSON diff between two revisions or environments of a test. */
  diff(testName: TestName, from: RevisionSelector, to: RevisionSelector): Promise<DefinitionDiff> {
    return this.#reads.diff(testName, from, to);
  }

  /** A commit's first parent, time and author (NOT_FOUND when the repository does not hold it). */
  commitSummary(revision: Revision): Promise<CommitSummary> {
    return this.#reads.commitSummary(revision);
  }

  // ─── writes: typed changes handed to the one writer ────────────────────────────────────────────────────────────────

  /** The one write path: `change` on `branch` if the test there is still at `expected`. */
  async write(request: WriteRequest): Promise<WriteResult> {
    const result = await this.#writer.apply(request);
    this.options.onPublished?.(request.branch, result.revision);
    return result;
  }

  createTest(input: ChangeMeta & { definition: TestDefinition }): Promise<WriteResult> {
    return this.write({ branch: 'trunk', expected: null, change: { kind: 'create', definition: input.definition }, meta: input });
  }

  updateTest(input: ChangeMeta & { definition: TestDefinition; baseRevision: Revision }): Promise<WriteResult> {
    return this.write({ branch: 'trunk', expected: input.baseRevision, change: { kind: 'update', definition: input.definition }, meta: input });
  }

  deleteTest(input: ChangeMeta & { baseRevision: Revision }): Promise<WriteResult> {
    return this.write({ branch: 'trunk', expected: input.baseRevision, change: { kind: 'delete' }, meta: input });
  }

  /** Restores the definition as it was at `toRevision`, as a new commit (also brings back a deleted test). */
  async revertTest(input: ChangeMeta & { baseRevision: Revision; toRevision: Revision }): Promise<WriteResult> {
    const target = await this.#reads.testFilesAt(input.testName, input.toRevision);
    if (!target) throw new AppError('NOT_FOUND', `Test ${input.testName} does not exist at revision ${shortRevision(input.toRevision)}.`);
    return this.write({ branch: 'trunk', expected: input.baseRevision, change: { kind: 'revert', toRevision: input.toRevision, target }, meta: input });
  }

  /**
   * Copies the whole definition at `sourceRevision` to the target branch as one commit (never a merge or cherry-pick),
   * with `version` = the trunk revision it came from (FACTS §6.4).
   */
  async promote(
    input: ChangeMeta &
      // A rollback copies an earlier revision of qa or production back onto the same branch.
      (Promotion | { from: 'qa' | 'production'; to: 'qa' | 'production' }) & {
        sourceRevision: Revision;
        /** Last-change revision of the test on the target branch the caller saw; null when absent there. */
        expectedTargetRevision: Revision | null;
      },
  ): Promise<{ revision: Revision; sourceRevision: Revision; previousRevision: Revision | null }> {
    const { from, to, sourceRevision } = input;
    const result = await this.write({ branch: to, expected: input.expectedTargetRevision, change: { kind: 'promote', from, sourceRevision }, meta: input });
    return { revision: result.revision, sourceRevision, previousRevision: result.previousRevision };
  }
}

export async function openDefinitionStore(options: DefinitionStoreOptions, init: { seed?: boolean; waitForIndex?: boolean } = {}): Promise<DefinitionStore> {
  const store = new DefinitionStore(options);
  await store.init(init);
  return store;
}
