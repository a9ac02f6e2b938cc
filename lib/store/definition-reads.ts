/**
 * Reading definitions: one test at a branch or revision, its metadata, its history, where each revision is live, diffs
 * between revisions or environments, and drift across the three branches. Reads hold the gate shared (gc waits) and
 * answer last-change revisions from the history index, brought up to the branch head first.
 */
import { AppError } from '@/lib/errors';
import type { Revision } from '@/lib/domain/revision';
import type { TestName } from '@/lib/domain/test-name';
import { diffDefinitions } from '@/lib/proctor/diff-definitions';
import { unifiedDiff } from '@/lib/proctor/unified-diff';
import type { BranchListings } from './branch-listings';
import type { BranchSync } from './branch-sync';
import { computeDrift, type TestDrift } from '@/lib/domain/drift';
import type { HistoryEntryRecord } from './history-index';
import { ENVIRONMENTS, shortRevision, type Environment } from './paths';
import { parseOrError, readTestFiles } from './read';
import {
  gitRevision,
  type CommitSummary,
  type DefinitionDiff,
  type DefinitionRead,
  type DiffSide,
  type ListedDefinition,
  type LiveRevision,
  type RevisionSelector,
  type StoreCore,
} from './store-types';

export class DefinitionReads {
  constructor(
    private readonly core: StoreCore,
    private readonly branches: BranchSync,
    private readonly listings: BranchListings,
  ) {}

  private read<T>(fn: () => Promise<T>): Promise<T> {
    return this.core.gate.shared(fn);
  }

  private async indexedHead(env: Environment): Promise<Revision | null> {
    const head = await this.branches.head(env);
    await this.core.index.ensure(env, head);
    return head;
  }

  private lastChangeRevision(env: Environment, testName: string): Revision | null {
    const change = this.core.index.lastChangesOf(env).get(testName);
    return change && !change.deleted ? gitRevision(change.revision) : null;
  }

  /**
   * NOT_FOUND unless `revision` is a commit of the repository. A commit the shared history index lists but this clone
   * has not fetched yet (another instance made it a moment ago) is fetched from the upstream first. Call it outside
   * the read gate: the fetch queues behind writes.
   */
  async assertCommit(revision: Revision): Promise<void> {
    if (await this.read(() => this.hasCommit(revision))) return;
    const branches = this.branches.hasRemote ? await this.core.index.branchesOf(revision) : [];
    if (branches.length > 0) {
      try {
        await this.branches.fetchForRead(revision, branches);
      } catch (error) {
        const reason = error instanceof AppError && error.cause instanceof Error ? error.cause.message : (error as Error).message;
        throw new AppError(
          'UPSTREAM_UNAVAILABLE',
          `Revision ${shortRevision(revision)} is in the history of ${branches.join(', ')} but not yet in this server's copy of the repository, and fetching it from the upstream repository failed (${reason}). Try again when the upstream is reachable.`,
          { cause: error, data: { revision } },
        );
      }
      if (await this.read(() => this.hasCommit(revision))) return;
    }
    throw new AppError('NOT_FOUND', `Revision ${revision} was not found in the repository.`, { data: { revision } });
  }

  private async hasCommit(revision: Revision): Promise<boolean> {
    try {
      await this.core.repo.readCommit(revision);
      return true;
    } catch {
      return false;
    }
  }

  private async readCommit(revision: Revision) {
    try {
      return await this.core.repo.readCommit(revision);
    } catch {
      throw new AppError('NOT_FOUND', `Revision ${revision} was not found in the repository.`, { data: { revision } });
    }
  }

  /** The test's files at `revision` (NOT_FOUND when the commit is unknown; null when the test is not there). */
  async testFilesAt(testName: TestName, revision: Revision): Promise<{ text: string; metadataText: string | null } | null> {
    await this.assertCommit(revision);
    return this.read(() => readTestFiles(this.core.repo, revision, this.core.dirSegments, testName));
  }

  async readDefinition(testName: TestName, selector: RevisionSelector): Promise<DefinitionRead | null> {
    const { repo, dirSegments, index } = this.core;
    if ('revision' in selector) await this.assertCommit(selector.revision);
    return this.read(async () => {
      if ('branch' in selector) {
        const env = selector.branch;
        const head = await this.indexedHead(env);
        if (!head) return null;
        const files = await readTestFiles(repo, head, dirSegments, testName);
        if (!files) return null;
        const revision = this.lastChangeRevision(env, testName) ?? gitRevision(await index.revisionAsOf(testName, head));
        return { testName, branch: env, revision, commit: head, text: files.text, ...parseOrError(files.text) };
      }
      const commit = selector.revision;
      const files = await readTestFiles(repo, commit, dirSegments, testName);
      if (!files) return null;
      return { testName, revision: gitRevision(await index.revisionAsOf(testName, commit)), commit, text: files.text, ...parseOrError(files.text) };
    });
  }

  async readMetadata(testName: TestName, selector: RevisionSelector): Promise<Record<string, unknown> | null> {
    if ('revision' in selector) await this.assertCommit(selector.revision);
    return this.read(async () => {
      const commit = 'branch' in selector ? await this.branches.head(selector.branch) : selector.revision;
      if (!commit) return null;
      const files = await readTestFiles(this.core.repo, commit, this.core.dirSegments, testName);
      if (!files) return null;
      if (files.metadataText === null) return {};
      try {
        return JSON.parse(files.metadataText) as Record<string, unknown>;
      } catch {
        return {};
      }
    });
  }

  /** Every definition on a branch with its last-change revision. */
  async listDefinitions(env: Environment): Promise<ListedDefinition[]> {
    return this.read(async () => this.listings.list(env, await this.indexedHead(env)));
  }

  async listDefinitionsAt(env: Environment, commit: Revision): Promise<Array<Pick<ListedDefinition, 'testName' | 'definition' | 'parseError'>>> {
    return this.read(() => this.listings.listAt(env, commit));
  }

  async history(testName: TestName, env: Environment, page: { limit?: number; offset?: number } = {}): Promise<{ entries: HistoryEntryRecord[]; total: number }> {
    const limit = Math.max(1, Math.min(page.limit ?? 32, 1000));
    const offset = Math.max(0, page.offset ?? 0);
    await this.indexedHead(env);
    return this.core.index.history(env, testName, { limit, offset });
  }

  /** Which revision of this test is live on each environment (from the index; one blob read per environment). */
  async liveRevisions(testName: TestName): Promise<Record<Environment, LiveRevision>> {
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
          const files = await readTestFiles(this.core.repo, head, this.core.dirSegments, testName);
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

  private async diffSide(testName: TestName, selector: RevisionSelector): Promise<DiffSide> {
    const read = await this.readDefinition(testName, selector);
    const label = 'branch' in selector ? `${selector.branch}${read ? `@${shortRevision(read.revision)}` : ''}` : `r${shortRevision(selector.revision)}`;
    return { label, commit: read?.commit ?? null, revision: read?.revision ?? null, text: read?.text ?? null, definition: read?.definition ?? null };
  }

  /** Semantic and unified JSON diff between two revisions or environments of a test. */
  async diff(testName: TestName, from: RevisionSelector, to: RevisionSelector): Promise<DefinitionDiff> {
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

  /** A commit's first parent, committer time and author (NOT_FOUND when it is not in the repository). */
  async commitSummary(revision: Revision): Promise<CommitSummary> {
    let commit = await this.read(() => this.core.repo.readCommit(revision).catch(() => null));
    if (!commit) {
      await this.assertCommit(revision);
      commit = await this.read(() => this.readCommit(revision));
    }
    const parent = commit.parents[0];
    return {
      revision,
      parent: parent ? gitRevision(parent) : null,
      committedAt: commit.committer.timestamp * 1000,
      author: { name: commit.author.name, email: commit.author.email },
    };
  }
}
