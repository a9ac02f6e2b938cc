/**
 * Every SQL statement of the history index (tables HistoryEntry, IndexedCommit, BranchIndexState): the index's build
 * loop and its readers go through here, and nothing else in the store touches those tables.
 */
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { ChangeKind } from './commit-message';
import type { Environment } from './paths';
import type { DamagedCommit, HistoryEntryRecord, IndexProgress } from './history-types';

export interface LastChangeRow {
  testName: string;
  revision: string;
  seq: number;
  changeKind: ChangeKind;
  count: number;
}

export interface IndexedCommitRow {
  branch: string;
  revision: string;
  seq: number;
  parents: string[];
}

export interface StoredBranchState {
  headRevision: string | null;
  status: string;
  indexedCommits: number;
  totalCommits: number;
  damagedCommits: DamagedCommit[];
}

type BranchProgress = Pick<IndexProgress, 'headRevision' | 'indexedCommits' | 'totalCommits'> & { status: 'building' | 'ready' };

function stripId<T extends { id: number; branch: string; changeKind: string }>(row: T): HistoryEntryRecord {
  const { id: _id, ...rest } = row;
  return rest as unknown as HistoryEntryRecord;
}

export class HistoryQueries {
  constructor(private readonly prisma: PrismaClient) {}

  async branchState(branch: Environment): Promise<StoredBranchState | null> {
    const state = await this.prisma.branchIndexState.findUnique({ where: { branch } });
    if (!state) return null;
    return {
      headRevision: state.headRevision,
      status: state.status,
      indexedCommits: state.indexedCommits,
      totalCommits: state.totalCommits,
      damagedCommits: (state.damagedCommits ?? []) as unknown as DamagedCommit[],
    };
  }

  /** One row per test: its last change and how many changes it has (the history page's total). */
  async lastChanges(branch: Environment): Promise<LastChangeRow[]> {
    const rows = await this.prisma.$queryRaw<Array<{ testName: string; revision: string; seq: number; changeKind: ChangeKind; count: bigint | number }>>`
      SELECT "testName", "revision", "seq", "changeKind"::text AS "changeKind", "count" FROM (
        SELECT "testName", "revision", "seq", "changeKind",
               count(*) OVER (PARTITION BY "testName") AS "count",
               row_number() OVER (PARTITION BY "testName" ORDER BY "seq" DESC) AS "rank"
        FROM "HistoryEntry" WHERE "branch" = ${branch}
      ) AS last WHERE "rank" = 1`;
    return rows.map((row) => ({ ...row, seq: Number(row.seq), count: Number(row.count) }));
  }

  /** Forgets the branch's index (its history was rewritten) and marks it building. */
  async reset(branch: Environment, totalCommits: number): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.historyEntry.deleteMany({ where: { branch } }),
      this.prisma.indexedCommit.deleteMany({ where: { branch } }),
      this.prisma.branchIndexState.upsert({
        where: { branch },
        create: { branch, headRevision: null, indexedCommits: 0, totalCommits, status: 'building' },
        update: { headRevision: null, indexedCommits: 0, totalCommits, status: 'building', error: null },
      }),
    ]);
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

  private insertIndexedCommits(commits: IndexedCommitRow[]) {
    return this.prisma.$executeRaw`
      INSERT INTO "IndexedCommit" ("branch", "revision", "seq", "parents")
      SELECT "branch", "revision", "seq", "parents" FROM json_populate_recordset(NULL::"IndexedCommit", ${JSON.stringify(commits)}::json)
      ON CONFLICT DO NOTHING`;
  }

  private upsertState(branch: Environment, progress: BranchProgress) {
    const data = { headRevision: progress.headRevision, indexedCommits: progress.indexedCommits, totalCommits: progress.totalCommits, status: progress.status };
    return this.prisma.branchIndexState.upsert({ where: { branch }, create: { branch, ...data }, update: { ...data, error: null } });
  }

  /** One batch of the walk and the branch's progress, in one transaction (one round trip for a save's catch-up). */
  async saveBatch(branch: Environment, entries: HistoryEntryRecord[], commits: IndexedCommitRow[], progress: BranchProgress): Promise<void> {
    await this.prisma.$transaction([
      ...(entries.length > 0 ? [this.insertHistoryEntries(entries)] : []),
      this.insertIndexedCommits(commits),
      this.upsertState(branch, progress),
    ]);
  }

  async saveProgress(branch: Environment, progress: BranchProgress): Promise<void> {
    await this.upsertState(branch, progress);
  }

  async saveDamaged(branch: Environment, damaged: DamagedCommit[]): Promise<void> {
    await this.prisma.branchIndexState.update({ where: { branch }, data: { damagedCommits: damaged as unknown as object[] } });
  }

  /** A page of a test's history on a branch, newest first. */
  async history(branch: Environment, testName: string, page: { limit: number; offset: number }): Promise<HistoryEntryRecord[]> {
    const rows = await this.prisma.historyEntry.findMany({ where: { branch, testName }, orderBy: { seq: 'desc' }, skip: page.offset, take: page.limit });
    return rows.map(stripId);
  }

  count(branch: Environment, testName: string): Promise<number> {
    return this.prisma.historyEntry.count({ where: { branch, testName } });
  }

  async entry(branch: Environment, testName: string, revision: string): Promise<HistoryEntryRecord | null> {
    const row = await this.prisma.historyEntry.findUnique({ where: { branch_testName_revision: { branch, testName, revision } } });
    return row ? stripId(row) : null;
  }

  /** The branches whose indexed history holds `commit` (empty when no branch indexed it). */
  async branchesOf(commit: string): Promise<string[]> {
    const rows = await this.prisma.indexedCommit.findMany({ where: { revision: commit }, select: { branch: true }, take: 3 });
    return rows.map((row) => row.branch);
  }

  /** The commit that last changed the test as of `commit`, on any branch that indexed `commit`; null when none did. */
  async revisionAsOf(testName: string, commit: string): Promise<string | null> {
    const indexed = await this.prisma.indexedCommit.findMany({ where: { revision: commit }, take: 3 });
    for (const row of indexed) {
      const entry = await this.prisma.historyEntry.findFirst({
        where: { branch: row.branch, testName, seq: { lte: row.seq } },
        orderBy: { seq: 'desc' },
        select: { revision: true },
      });
      if (entry) return entry.revision;
    }
    return null;
  }
}
