/**
 * The history index: per branch and test, every revision that touched the test, kept in the database so history pages
 * and "what is live where" are one indexed query instead of a log walk. Catch-up walks only commits that are new since
 * the last indexed head (first-parent chain, each commit diffed against its first parent with equal subtrees skipped);
 * when the old head is no longer in the branch's history the branch was rewritten and its index is rebuilt.
 */
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { AppError } from '@/lib/errors';
import { parseCommitMessage, type ChangeKind } from './commit-message';
import type { FsckProblem } from './fsck';
import type { GitRepository, CommitInfo } from './repository';
import { diffDefinitionTrees, type DefinitionChange } from './tree-diff';
import { EMPTY_TREE, diffTreePairs } from './native-git';
import { DEFINITION_FILE } from './paths';
import type { Environment } from './paths';

export interface HistoryEntryRecord {
  branch: Environment;
  testName: string;
  revision: string;
  parentRevision: string | null;
  authorName: string;
  authorEmail: string;
  authoredAt: Date;
  committedAt: Date;
  message: string;
  issueKey: string | null;
  changeKind: ChangeKind;
  sourceRevision: string | null;
  sourceBranch: string | null;
  seq: number;
}

export interface IndexProgress {
  branch: Environment;
  status: 'pending' | 'building' | 'ready' | 'failed';
  headRevision: string | null;
  indexedCommits: number;
  totalCommits: number;
  error?: string;
  /** Commits of the branch `git fsck --strict` rejects, found while indexing (see damagedCommitNotice). */
  damaged?: DamagedCommit[];
}

export interface DamagedCommit {
  revision: string;
  problems: FsckProblem[];
  /** What is wrong and how to repair it, in plain words (also logged once when found). */
  notice: string;
}

/**
 * A commit fsck rejects (an older version let a NUL or a malformed author line through, or another tool wrote it) is
 * not a reason to stop serving the branch: the index reads it as well as it can (NUL becomes U+FFFD, which PostgreSQL
 * can store) and names it here. Removing it means rewriting the branch history from that commit, which only a person
 * can decide (everyone's clones change), so the app says how instead of doing it.
 */
export function damagedCommitNotice(branch: string, revision: string, problems: FsckProblem[]): string {
  return (
    `Commit ${revision} on ${branch} would fail git fsck --strict (${problems.map((p) => `${p.id}: ${p.message}`).join('; ')}). ` +
    'Proctor Studio keeps serving the branch, but an upstream that checks objects refuses pushes that contain it. ' +
    `Repair: rewrite ${branch} from that commit with git (a cleaned copy of ${revision.slice(0, 12)} via git replace, then git filter-branch), ` +
    'as described in docs/repairing-history.md.'
  );
}

/** Text going to the database: PostgreSQL text cannot hold NUL. */
function storable(text: string): string {
  return text.includes('\0') ? text.replaceAll('\0', '\uFFFD') : text;
}

export interface LastChange {
  revision: string;
  seq: number;
  changeKind: ChangeKind;
  deleted: boolean;
  /** Number of history entries of the test on this branch. */
  count: number;
}

interface WalkedCommit {
  oid: string;
  tree: string;
  parents: string[];
}

const BATCH = 2_000;
/** From this many new commits on, the definition changes come from one `git diff-tree --stdin` (see native-git.ts). */
const NATIVE_DIFF_FROM = 16;
const HISTORY_TEST_NAME = /^\w+$/;
/** A catch-up longer than this many commits is reported as "building" and readers get NOT_READY instead of waiting. */
const WAIT_LIMIT = 2_000;

function toDate(seconds: number): Date {
  return new Date(seconds * 1000);
}

export class HistoryIndex {
  private progress = new Map<Environment, IndexProgress>();
  private lastChanges = new Map<Environment, Map<string, LastChange>>();
  private running = new Map<Environment, Promise<void>>();
  private loaded = new Map<Environment, Promise<void>>();
  private damaged = new Map<Environment, DamagedCommit[]>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly repo: GitRepository,
    private readonly dirSegments: string[],
    /** Told once about each damaged commit found while indexing (the store logs it). */
    private readonly onDamaged?: (branch: Environment, commit: DamagedCommit) => void,
  ) {}

  status(): IndexProgress[] {
    return [...this.progress.values()].map((p) => {
      const damaged = this.damaged.get(p.branch);
      return damaged?.length ? { ...p, damaged: [...damaged] } : { ...p };
    });
  }

  statusOf(branch: Environment): IndexProgress | undefined {
    return this.progress.get(branch);
  }

  /** Last change of every test on a branch, as of the last indexed head. */
  lastChangesOf(branch: Environment): Map<string, LastChange> {
    return this.lastChanges.get(branch) ?? new Map();
  }

  /**
   * Brings the branch's index up to `head`. Small catch-ups are awaited; a long build (initial indexing of a large
   * upstream, or a rebuild) runs in the background and callers get NOT_READY with the progress until it is done.
   */
  async ensure(branch: Environment, head: string | null, options: { wait?: boolean } = {}): Promise<void> {
    await this.load(branch);
    for (;;) {
      const current = this.progress.get(branch);
      if (current?.status === 'ready' && current.headRevision === head) return;
      const inFlight = this.running.get(branch);
      if (inFlight) {
        const p = this.progress.get(branch);
        if (!options.wait && p && p.status === 'building' && p.totalCommits - p.indexedCommits > WAIT_LIMIT) throw notReady(p);
        await inFlight.catch(() => undefined);
        continue;
      }
      const run = this.catchUp(branch, head).finally(() => this.running.delete(branch));
      this.running.set(branch, run);
      if (!options.wait) {
        // Give the walk a moment to size the work, then decide whether to wait.
        await Promise.race([run, new Promise((resolve) => setTimeout(resolve, 50))]);
        const p = this.progress.get(branch);
        if (p && p.status === 'building' && p.totalCommits - p.indexedCommits > WAIT_LIMIT) {
          run.catch(() => undefined);
          throw notReady(p);
        }
      }
      await run;
      if (this.progress.get(branch)?.status === 'failed') throw new AppError('INTERNAL', `History index of ${branch} failed: ${this.progress.get(branch)?.error}`);
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
    const state = await this.prisma.branchIndexState.findUnique({ where: { branch } });
    const map = new Map<string, LastChange>();
    if (state?.headRevision) {
      // One row per test: its last change and how many changes it has (the history page's total).
      const rows = await this.prisma.$queryRaw<Array<{ testName: string; revision: string; seq: number; changeKind: ChangeKind; count: bigint | number }>>`
        SELECT "testName", "revision", "seq", "changeKind"::text AS "changeKind", "count" FROM (
          SELECT "testName", "revision", "seq", "changeKind",
                 count(*) OVER (PARTITION BY "testName") AS "count",
                 row_number() OVER (PARTITION BY "testName" ORDER BY "seq" DESC) AS "rank"
          FROM "HistoryEntry" WHERE "branch" = ${branch}
        ) AS last WHERE "rank" = 1`;
      for (const row of rows) {
        map.set(row.testName, { revision: row.revision, seq: Number(row.seq), changeKind: row.changeKind, deleted: row.changeKind === 'delete', count: Number(row.count) });
      }
    }
    this.lastChanges.set(branch, map);
    // Damaged commits found by an earlier run are named again at every start, until someone repairs the history.
    const damaged = state?.headRevision ? ((state.damagedCommits ?? []) as unknown as DamagedCommit[]) : [];
    this.damaged.set(branch, damaged);
    for (const commit of damaged) this.onDamaged?.(branch, commit);
    this.progress.set(branch, {
      branch,
      status: state?.headRevision && state.status !== 'failed' ? 'ready' : 'pending',
      headRevision: state?.headRevision ?? null,
      indexedCommits: state?.indexedCommits ?? 0,
      totalCommits: state?.totalCommits ?? 0,
    });
  }

  // Batches go in as one JSON parameter each. Prisma's createMany compiles a query plan per row count and caches it:
  // after a 10,000-commit catch-up in batches of thousands of rows (tens of thousands of parameters each), those plans
  // held 110 MB of the heap for good. Existing rows are skipped (skipDuplicates).
  private insertHistoryEntries(entries: HistoryEntryRecord[]) {
    return this.prisma.$executeRaw`
      INSERT INTO "HistoryEntry" ("branch", "testName", "revision", "parentRevision", "authorName", "authorEmail", "authoredAt",
                                  "committedAt", "message", "issueKey", "changeKind", "sourceRevision", "sourceBranch", "seq")
      SELECT "branch", "testName", "revision", "parentRevision", "authorName", "authorEmail", "authoredAt",
             "committedAt", "message", "issueKey", "changeKind", "sourceRevision", "sourceBranch", "seq"
      FROM json_populate_recordset(NULL::"HistoryEntry", ${JSON.stringify(entries)}::json)
      ON CONFLICT DO NOTHING`;
  }

  private insertIndexedCommits(commits: Array<{ branch: string; revision: string; seq: number; parents: string[] }>) {
    return this.prisma.$executeRaw`
      INSERT INTO "IndexedCommit" ("branch", "revision", "seq", "parents")
      SELECT "branch", "revision", "seq", "parents" FROM json_populate_recordset(NULL::"IndexedCommit", ${JSON.stringify(commits)}::json)
      ON CONFLICT DO NOTHING`;
  }

  private async catchUp(branch: Environment, head: string | null): Promise<void> {
    const before = this.progress.get(branch)!;
    const previousHead = before.status === 'ready' || before.status === 'building' ? before.headRevision : null;
    try {
      // Walk the first-parent chain back to the last indexed head.
      // Only oids are kept during the walk; each batch re-reads its commits (pipelined) for messages and authors.
      const fresh: WalkedCommit[] = [];
      const found: DamagedCommit[] = [];
      let cursor = head;
      let reachedPrevious = previousHead === null;
      while (cursor) {
        if (cursor === previousHead) {
          reachedPrevious = true;
          break;
        }
        const commit = await this.repo.readCommit(cursor);
        if (commit.problems) found.push({ revision: commit.oid, problems: commit.problems, notice: damagedCommitNotice(branch, commit.oid, commit.problems) });
        fresh.push({ oid: commit.oid, tree: commit.tree, parents: commit.parents });
        cursor = commit.parents[0] ?? null;
      }
      const rebuild = !reachedPrevious || previousHead === null;
      found.reverse();
      const known = new Set((rebuild ? [] : (this.damaged.get(branch) ?? [])).map((d) => d.revision));
      this.damaged.set(branch, [...(rebuild ? [] : (this.damaged.get(branch) ?? [])), ...found.filter((d) => !known.has(d.revision))]);
      for (const commit of found) if (!known.has(commit.revision)) this.onDamaged?.(branch, commit);
      let seq = rebuild ? 0 : before.indexedCommits;
      const total = seq + fresh.length;
      const map = rebuild ? new Map<string, LastChange>() : new Map(this.lastChangesOf(branch));
      this.progress.set(branch, { branch, status: 'building', headRevision: rebuild ? null : previousHead, indexedCommits: seq, totalCommits: total });
      if (rebuild) {
        await this.prisma.$transaction([
          this.prisma.historyEntry.deleteMany({ where: { branch } }),
          this.prisma.indexedCommit.deleteMany({ where: { branch } }),
          this.prisma.branchIndexState.upsert({
            where: { branch },
            create: { branch, headRevision: null, indexedCommits: 0, totalCommits: total, status: 'building' },
            update: { headRevision: null, indexedCommits: 0, totalCommits: total, status: 'building', error: null },
          }),
        ]);
      }
      fresh.reverse();
      for (let start = 0; start < fresh.length; start += BATCH) {
        const batch = fresh.slice(start, start + BATCH);
        const entries: HistoryEntryRecord[] = [];
        const commits: { branch: string; revision: string; seq: number; parents: string[] }[] = [];
        const changes = await this.changesOf(batch, start > 0 ? fresh[start - 1] : null, fresh.length);
        const infos = await Promise.all(batch.map((c, i) => (changes[i].length > 0 ? this.repo.readCommit(c.oid) : null)));
        for (let i = 0; i < batch.length; i++) {
          const commit = batch[i];
          seq++;
          commits.push({ branch, revision: commit.oid, seq, parents: commit.parents });
          const info = infos[i];
          if (!info) continue;
          for (const entry of this.entriesFor(branch, info, seq, changes[i])) {
            entries.push(entry);
            const count = (map.get(entry.testName)?.count ?? 0) + 1;
            map.set(entry.testName, { revision: entry.revision, seq, changeKind: entry.changeKind, deleted: entry.changeKind === 'delete', count });
          }
        }
        const last = batch[batch.length - 1].oid;
        // The last batch marks the branch ready in the same transaction (one round trip for a save's catch-up).
        const status = start + BATCH >= fresh.length ? 'ready' : 'building';
        await this.prisma.$transaction([
          ...(entries.length > 0 ? [this.insertHistoryEntries(entries)] : []),
          this.insertIndexedCommits(commits),
          this.prisma.branchIndexState.upsert({
            where: { branch },
            create: { branch, headRevision: last, indexedCommits: seq, totalCommits: total, status },
            update: { headRevision: last, indexedCommits: seq, totalCommits: total, status, error: null },
          }),
        ]);
        this.progress.set(branch, { branch, status: 'building', headRevision: last, indexedCommits: seq, totalCommits: total });
      }
      if (fresh.length === 0) {
        await this.prisma.branchIndexState.upsert({
          where: { branch },
          create: { branch, headRevision: head, indexedCommits: seq, totalCommits: seq, status: 'ready' },
          update: { headRevision: head, indexedCommits: seq, totalCommits: seq, status: 'ready', error: null },
        });
      }
      if (rebuild || found.length > 0) {
        await this.prisma.branchIndexState.update({ where: { branch }, data: { damagedCommits: (this.damaged.get(branch) ?? []) as unknown as object[] } });
      }
      this.lastChanges.set(branch, map);
      this.progress.set(branch, { branch, status: 'ready', headRevision: head, indexedCommits: seq, totalCommits: seq });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const p = this.progress.get(branch)!;
      this.progress.set(branch, { ...p, status: 'failed', error: message });
      // Next ensure() retries from what the database holds.
      this.loaded.delete(branch);
      throw error;
    }
  }

  /**
   * Definition changes of each commit against its first parent. `previous` is the commit before `batch[0]` in the walk
   * (its first parent), when known. Many commits go through one native diff-tree; a few (a save) are diffed in JS.
   */
  private async changesOf(batch: WalkedCommit[], previous: WalkedCommit | null, walked: number): Promise<DefinitionChange[][]> {
    const parentTree = async (i: number): Promise<string | null> => {
      const parent = batch[i].parents[0];
      if (!parent) return null;
      const known = i > 0 ? batch[i - 1] : previous;
      return known && known.oid === parent ? known.tree : (await this.repo.readCommit(parent)).tree;
    };
    const parents = await Promise.all(batch.map((_, i) => parentTree(i)));
    if (walked >= NATIVE_DIFF_FROM) {
      const prefix = this.dirSegments.join('/');
      const raw = await diffTreePairs(
        this.repo.gitdir,
        batch.map((c, i) => [parents[i] ?? EMPTY_TREE, c.tree]),
        prefix,
      );
      if (raw) {
        const isBlob = (mode: string) => mode === '100644' || mode === '100755' || mode === '120000';
        const start = prefix ? `${prefix}/` : '';
        const suffix = `/${DEFINITION_FILE}`;
        return raw.map((files) => {
          const changes: DefinitionChange[] = [];
          for (const file of files) {
            if (!file.path.startsWith(start) || !file.path.endsWith(suffix)) continue;
            const testName = file.path.slice(start.length, file.path.length - suffix.length);
            if (!HISTORY_TEST_NAME.test(testName)) continue;
            const before = file.before && isBlob(file.beforeMode) ? file.before : null;
            const after = file.after && isBlob(file.afterMode) ? file.after : null;
            if (before !== after) changes.push({ testName, before, after });
          }
          return changes.sort((a, b) => (a.testName < b.testName ? -1 : a.testName > b.testName ? 1 : 0));
        });
      }
    }
    const result: DefinitionChange[][] = [];
    for (let i = 0; i < batch.length; i++) result.push(await diffDefinitionTrees(this.repo, parents[i], batch[i].tree, this.dirSegments));
    return result;
  }

  private entriesFor(branch: Environment, commit: CommitInfo, seq: number, changes: DefinitionChange[]): HistoryEntryRecord[] {
    const parent = commit.parents[0] ?? null;
    if (changes.length === 0) return [];
    const parsed = parseCommitMessage(commit.message);
    return changes.map((change) => {
      let kind: ChangeKind;
      if (change.after === null) kind = 'delete';
      else if (parsed.kind && parsed.kind !== 'delete' && (!parsed.testName || parsed.testName === change.testName)) kind = parsed.kind;
      else kind = change.before === null ? 'create' : 'update';
      const ours = !parsed.testName || parsed.testName === change.testName;
      return {
        branch,
        testName: change.testName,
        revision: commit.oid,
        parentRevision: parent,
        authorName: storable(commit.author.name),
        authorEmail: storable(commit.author.email),
        authoredAt: toDate(commit.author.timestamp),
        committedAt: toDate(commit.committer.timestamp),
        message: storable(commit.message),
        issueKey: parsed.issueKey ?? null,
        changeKind: kind,
        sourceRevision: ours && (kind === 'promote' || kind === 'revert') ? (parsed.sourceRevision ?? null) : null,
        sourceBranch: ours && kind === 'promote' ? (parsed.sourceBranch ?? null) : null,
        seq,
      };
    });
  }

  async history(branch: Environment, testName: string, page: { limit: number; offset: number }) {
    const where = { branch, testName };
    const entries = await this.prisma.historyEntry.findMany({ where, orderBy: { seq: 'desc' }, skip: page.offset, take: page.limit });
    // The count is kept with the last change of each test (the index is current: callers ensure() first).
    const known = this.lastChanges.get(branch)?.get(testName)?.count;
    const total = known ?? (await this.prisma.historyEntry.count({ where }));
    return { entries: entries.map(stripId), total };
  }

  async entry(branch: Environment, testName: string, revision: string): Promise<HistoryEntryRecord | null> {
    const row = await this.prisma.historyEntry.findUnique({ where: { branch_testName_revision: { branch, testName, revision } } });
    return row ? stripId(row) : null;
  }

  /** Any branch's entry for this test at this revision (a revision id is the same commit whatever the branch). */
  async entryAnyBranch(testName: string, revision: string): Promise<HistoryEntryRecord | null> {
    const row = await this.prisma.historyEntry.findFirst({ where: { testName, revision } });
    return row ? stripId(row) : null;
  }
}

function stripId<T extends { id: number; branch: string; changeKind: string }>(row: T): HistoryEntryRecord {
  const { id: _id, ...rest } = row;
  return rest as unknown as HistoryEntryRecord;
}

function notReady(p: IndexProgress): AppError {
  return new AppError(
    'NOT_READY',
    `History of ${p.branch} is being indexed: ${p.indexedCommits.toLocaleString('en-US')} / ${p.totalCommits.toLocaleString('en-US')} commits.`,
    { data: { branch: p.branch, indexedCommits: p.indexedCommits, totalCommits: p.totalCommits } },
  );
}
