/**
 * The history index's build loop. Catch-up walks only commits that are new since the last indexed head (first-parent
 * chain, each commit diffed against its first parent with equal subtrees skipped); when the old head is no longer in
 * the branch's history the branch was rewritten and its index is rebuilt. Batches go to the database with the
 * branch's progress in one transaction.
 */
import { parseCommitMessage, type ChangeKind } from './commit-message';
import type { FsckProblem } from './fsck';
import type { HistoryQueries, IndexedCommitRow } from './history-queries';
import type { DamagedCommit, HistoryEntryRecord, IndexState, LastChange } from './history-types';
import { EMPTY_TREE, diffTreePairs } from './native-git';
import { DEFINITION_FILE, type Environment } from './paths';
import type { CommitInfo, GitRepository } from './repository';
import { diffDefinitionTrees, type DefinitionChange } from './tree-diff';

interface WalkedCommit {
  oid: string;
  tree: string;
  parents: string[];
}

const BATCH = 2_000;
/** From this many new commits on, the definition changes come from one `git diff-tree --stdin` (see native-git.ts). */
const NATIVE_DIFF_FROM = 16;
const HISTORY_TEST_NAME = /^\w+$/;

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

function toDate(seconds: number): Date {
  return new Date(seconds * 1000);
}

export class HistoryCatchUp {
  constructor(
    private readonly repo: GitRepository,
    private readonly dirSegments: string[],
    private readonly queries: HistoryQueries,
    private readonly state: IndexState,
    private readonly onDamaged?: (branch: Environment, commit: DamagedCommit) => void,
  ) {}

  /** Indexes `branch` up to `head`; the state's progress says how far it got (the caller handles failure). */
  async run(branch: Environment, head: string | null): Promise<void> {
    const { progress, damaged, lastChanges } = this.state;
    const before = progress.get(branch)!;
    const previousHead = before.status === 'ready' || before.status === 'building' ? before.headRevision : null;
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
    const kept = rebuild ? [] : (damaged.get(branch) ?? []);
    const known = new Set(kept.map((d) => d.revision));
    damaged.set(branch, [...kept, ...found.filter((d) => !known.has(d.revision))]);
    for (const commit of found) if (!known.has(commit.revision)) this.onDamaged?.(branch, commit);
    let seq = rebuild ? 0 : before.indexedCommits;
    const total = seq + fresh.length;
    const map = rebuild ? new Map<string, LastChange>() : new Map(lastChanges.get(branch) ?? []);
    progress.set(branch, { branch, status: 'building', headRevision: rebuild ? null : previousHead, indexedCommits: seq, totalCommits: total });
    if (rebuild) await this.queries.reset(branch, total);
    fresh.reverse();
    for (let start = 0; start < fresh.length; start += BATCH) {
      const batch = fresh.slice(start, start + BATCH);
      const entries: HistoryEntryRecord[] = [];
      const commits: IndexedCommitRow[] = [];
      const changes = await this.changesOf(batch, start > 0 ? fresh[start - 1] : null, fresh.length);
      const infos = await Promise.all(batch.map((c, i) => (changes[i].length > 0 ? this.repo.readCommit(c.oid) : null)));
      for (let i = 0; i < batch.length; i++) {
        const commit = batch[i];
        seq++;
        commits.push({ branch, revision: commit.oid, seq, parents: commit.parents });
        const info = infos[i];
        if (!info) continue;
        for (const entry of entriesFor(branch, info, seq, changes[i])) {
          entries.push(entry);
          const count = (map.get(entry.testName)?.count ?? 0) + 1;
          map.set(entry.testName, { revision: entry.revision, seq, changeKind: entry.changeKind, deleted: entry.changeKind === 'delete', count });
        }
      }
      const last = batch[batch.length - 1].oid;
      // The last batch marks the branch ready in the same transaction.
      const status = start + BATCH >= fresh.length ? 'ready' : 'building';
      await this.queries.saveBatch(branch, entries, commits, { headRevision: last, indexedCommits: seq, totalCommits: total, status });
      progress.set(branch, { branch, status: 'building', headRevision: last, indexedCommits: seq, totalCommits: total });
    }
    if (fresh.length === 0) await this.queries.saveProgress(branch, { headRevision: head, indexedCommits: seq, totalCommits: seq, status: 'ready' });
    if (rebuild || found.length > 0) await this.queries.saveDamaged(branch, damaged.get(branch) ?? []);
    lastChanges.set(branch, map);
    progress.set(branch, { branch, status: 'ready', headRevision: head, indexedCommits: seq, totalCommits: seq });
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
}

function entriesFor(branch: Environment, commit: CommitInfo, seq: number, changes: DefinitionChange[]): HistoryEntryRecord[] {
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
