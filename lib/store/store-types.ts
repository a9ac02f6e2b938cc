/**
 * What the parts of the definition store share: its options, the public shapes of its answers, and the core every part
 * works on (the repository, the layout, the history index and the two locks). DefinitionStore builds the core once.
 */
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { Turns } from '@/lib/db/turns';
import type { IssueKey } from '@/lib/domain/issue-key';
import type { Revision } from '@/lib/domain/revision';
import type { TestName } from '@/lib/domain/test-name';
import type { TestDefinition } from '@/lib/proctor/model';
import type { DefinitionChange as SemanticChange } from '@/lib/proctor/diff-definitions';
import type { DamagedCommit, HistoryIndex } from './history-index';
import type { BranchNames, Environment, RepositoryLayout } from './paths';
import type { RemoteOptions } from './remote-sync';
import type { GitRepository } from './repository';
import type { Mutex, ReadWriteGate } from './write-lock';

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
  /**
   * Instances sharing the database and the upstream write a branch in turns (lib/db/turns.ts), so that none is starved
   * by another that keeps knowing the head first. Used only with a remote.
   */
  writeTurns?: Turns;
  /** Folder of the branch listings kept between processes (default `<gitdir>/proctor-studio/listings`). */
  listingCacheDir?: string;
  /** Clock in milliseconds (tests pin it). */
  now?: () => number;
  onError?: (error: unknown, context: string) => void;
  /** A commit of this store was published on `branch` (locally, or pushed upstream): other instances are told. */
  onPublished?: (branch: Environment, revision: Revision) => void;
  /** A commit in the repository that git fsck --strict rejects was found (said once per commit; the store keeps serving). */
  onDamagedCommit?: (commit: DamagedCommit & { branch: Environment }) => void;
}

/** The parts' shared ground (one per store). */
export interface StoreCore {
  readonly options: DefinitionStoreOptions;
  readonly repo: GitRepository;
  readonly layout: RepositoryLayout;
  /** `<testDefinitionsDirectory>` as tree path segments. */
  readonly dirSegments: string[];
  readonly index: HistoryIndex;
  /** Writers (commits, fetches, gc) queue here: isomorphic-git has no concurrent-writer safety. */
  readonly writeMutex: Mutex;
  /** Reads hold it shared; gc holds it exclusive. */
  readonly gate: ReadWriteGate;
  now(): number;
  reportError(error: unknown, context: string): void;
}

export interface Author {
  name: string;
  email: string;
}

/** What every change carries besides the definition: who, for which issue, and why. */
export interface ChangeMeta {
  testName: TestName;
  author: Author;
  issueKey: IssueKey;
  comment?: string;
  /** Replaces the first line of the commit message (a rollback or an emergency stop says so in the history). */
  subject?: string;
}

export type RevisionSelector = { branch: Environment } | { revision: Revision };

export interface DefinitionRead {
  testName: string;
  branch?: Environment;
  /** The commit that last changed the test's definition (as of `commit`). */
  revision: Revision;
  /** The commit read. */
  commit: Revision;
  text: string;
  definition: TestDefinition | null;
  parseError?: string;
}

export interface ListedDefinition {
  testName: string;
  revision: Revision | null;
  text: string;
  definition: TestDefinition | null;
  parseError?: string;
}

export interface WriteResult {
  revision: Revision;
  previousRevision: Revision | null;
}

export interface LiveRevision {
  revision: Revision | null;
  /** qa/production: the trunk revision the definition was promoted from (its `version`). */
  sourceTrunkRevision?: string | null;
}

/** A commit's parent and who made it when (the matrix's audit block). */
export interface CommitSummary {
  revision: Revision;
  parent: Revision | null;
  /** Committer time, epoch milliseconds. */
  committedAt: number;
  author: Author;
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

/** Git output the store reads itself (ref values, commit ids it wrote) is a revision without a check. */
export function gitRevision(oid: string): Revision {
  return oid as Revision;
}
