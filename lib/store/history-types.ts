/** The shapes of the history index: its entries, per-branch progress, damaged commits and last changes. */
import type { ChangeKind } from './commit-message';
import type { FsckProblem } from './fsck';
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

export interface LastChange {
  revision: string;
  seq: number;
  changeKind: ChangeKind;
  deleted: boolean;
  /** Number of history entries of the test on this branch. */
  count: number;
}

/** The index's state of one process, per branch: what the catch-up reads and replaces. */
export interface IndexState {
  progress: Map<Environment, IndexProgress>;
  lastChanges: Map<Environment, Map<string, LastChange>>;
  damaged: Map<Environment, DamagedCommit[]>;
}
