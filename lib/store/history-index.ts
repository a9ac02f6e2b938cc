/**
 * The history index: per branch and test, every revision that touched the test, kept in the database so history pages
 * and "what is live where" are one indexed query instead of a log walk. This class keeps each branch's progress and the
 * last change of every test in memory and answers the queries; the build loop is history-catch-up.ts and every SQL
 * statement is history-queries.ts.
 */
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { AppError } from '@/lib/errors';
import { HistoryCatchUp } from './history-catch-up';
import { HistoryQueries } from './history-queries';
import type { DamagedCommit, HistoryEntryRecord, IndexProgress, IndexState, LastChange } from './history-types';
import type { Environment } from './paths';
import type { GitRepository } from './repository';

export { damagedCommitNotice } from './history-catch-up';
export type { DamagedCommit, HistoryEntryRecord, IndexProgress, LastChange } from './history-types';

/** A catch-up longer than this many commits is reported as "building" and readers get NOT_READY instead of waiting. */
const WAIT_LIMIT = 2_000;

export class HistoryIndex {
  private readonly state: IndexState = { progress: new Map(), lastChanges: new Map(), damaged: new Map() };
  private running = new Map<Environment, Promise<void>>();
  private loaded = new Map<Environment, Promise<void>>();
  private readonly queries: HistoryQueries;
  private readonly catchUp: HistoryCatchUp;

  constructor(
    prisma: PrismaClient,
    repo: GitRepository,
    dirSegments: string[],
    /** Told once about each damaged commit found while indexing (the store logs it). */
    private readonly onDamaged?: (branch: Environment, commit: DamagedCommit) => void,
  ) {
    this.queries = new HistoryQueries(prisma);
    this.catchUp = new HistoryCatchUp(repo, dirSegments, this.queries, this.state, onDamaged);
  }

  status(): IndexProgress[] {
    return [...this.state.progress.values()].map((p) => {
      const damaged = this.state.damaged.get(p.branch);
      return damaged?.length ? { ...p, damaged: [...damaged] } : { ...p };
    });
  }

  /** Last change of every test on a branch, as of the last indexed head. */
  lastChangesOf(branch: Environment): Map<string, LastChange> {
    return this.state.lastChanges.get(branch) ?? new Map();
  }

  /**
   * Brings the branch's index up to `head`. Small catch-ups are awaited; a long build (initial indexing of a large
   * upstream, or a rebuild) runs in the background and callers get NOT_READY with the progress until it is done.
   */
  async ensure(branch: Environment, head: string | null, options: { wait?: boolean } = {}): Promise<void> {
    const { progress } = this.state;
    await this.load(branch);
    for (;;) {
      const current = progress.get(branch);
      if (current?.status === 'ready' && current.headRevision === head) return;
      const inFlight = this.running.get(branch);
      if (inFlight) {
        const p = progress.get(branch);
        if (!options.wait && p && p.status === 'building' && p.totalCommits - p.indexedCommits > WAIT_LIMIT) throw notReady(p);
        await inFlight.catch(() => undefined);
        continue;
      }
      const run = this.run(branch, head).finally(() => this.running.delete(branch));
      this.running.set(branch, run);
      if (!options.wait) {
        // Give the walk a moment to size the work, then decide whether to wait.
        await Promise.race([run, new Promise((resolve) => setTimeout(resolve, 50))]);
        const p = progress.get(branch);
        if (p && p.status === 'building' && p.totalCommits - p.indexedCommits > WAIT_LIMIT) {
          run.catch(() => undefined);
          throw notReady(p);
        }
      }
      await run;
      if (progress.get(branch)?.status === 'failed') throw new AppError('INTERNAL', `History index of ${branch} failed: ${progress.get(branch)?.error}`);
    }
  }

  private async run(branch: Environment, head: string | null): Promise<void> {
    try {
      await this.catchUp.run(branch, head);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const p = this.state.progress.get(branch)!;
      this.state.progress.set(branch, { ...p, status: 'failed', error: message });
      // Next ensure() retries from what the database holds.
      this.loaded.delete(branch);
      throw error;
    }
  }

  private load(branch: Environment): Promise<void> {
    let promise = this.loaded.get(branch);
    if (!promise) {
      promise = this.loadFromDatabase(branch);
      this.loaded.set(branch, promise);
      promise.catch(() => this.loaded.delete(branch));
    }
    return promise;
  }

  private async loadFromDatabase(branch: Environment): Promise<void> {
    const state = await this.queries.branchState(branch);
    const map = new Map<string, LastChange>();
    if (state?.headRevision) {
      for (const row of await this.queries.lastChanges(branch)) {
        map.set(row.testName, { revision: row.revision, seq: row.seq, changeKind: row.changeKind, deleted: row.changeKind === 'delete', count: row.count });
      }
    }
    this.state.lastChanges.set(branch, map);
    // Damaged commits found by an earlier run are named again at every start, until someone repairs the history.
    const damaged = state?.headRevision ? state.damagedCommits : [];
    this.state.damaged.set(branch, damaged);
    for (const commit of damaged) this.onDamaged?.(branch, commit);
    this.state.progress.set(branch, {
      branch,
      status: state?.headRevision && state.status !== 'failed' ? 'ready' : 'pending',
      headRevision: state?.headRevision ?? null,
      indexedCommits: state?.indexedCommits ?? 0,
      totalCommits: state?.totalCommits ?? 0,
    });
  }

  async history(branch: Environment, testName: string, page: { limit: number; offset: number }) {
    const entries = await this.queries.history(branch, testName, page);
    // The count is kept with the last change of each test, as of this process's indexed head. The entries come from the
    // shared database, where another instance may already have indexed newer commits, so the total must come from what
    // the page shows (never "1–6 of 5"): a last page gives it exactly; a first page whose newest entry is the last change
    // this process knows confirms the kept count; otherwise it is counted in the database.
    const last = this.state.lastChanges.get(branch)?.get(testName);
    if (entries.length > 0 && entries.length < page.limit) return { entries, total: page.offset + entries.length };
    const confirmed = last !== undefined && page.offset === 0 && entries[0]?.revision === last.revision;
    return { entries, total: confirmed ? last.count : await this.queries.count(branch, testName) };
  }

  /** The branches whose indexed history (in the shared database) holds `commit`. */
  async branchesOf(commit: string): Promise<Environment[]> {
    return (await this.queries.branchesOf(commit)) as Environment[];
  }

  entry(branch: Environment, testName: string, revision: string): Promise<HistoryEntryRecord | null> {
    return this.queries.entry(branch, testName, revision);
  }

  /** The commit that last changed the test as of `commit` (falls back to `commit` itself when no branch indexed it). */
  async revisionAsOf(testName: string, commit: string): Promise<string> {
    return (await this.queries.revisionAsOf(testName, commit)) ?? commit;
  }
}

function notReady(p: IndexProgress): AppError {
  return new AppError(
    'NOT_READY',
    `History of ${p.branch} is being indexed: ${p.indexedCommits.toLocaleString('en-US')} / ${p.totalCommits.toLocaleString('en-US')} commits.`,
    { data: { branch: p.branch, indexedCommits: p.indexedCommits, totalCommits: p.totalCommits } },
  );
}
