/**
 * The bare repository on disk and the few primitives the store builds on: object reads through `git cat-file --batch`
 * (isomorphic-git when no git CLI is there, one shared cache), loose object writes done as git does them, and refs
 * (refs.ts, under git's `<ref>.lock` protocol). Object formats are git-objects.ts.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import git, { type TreeEntry } from 'isomorphic-git';
import { commitProblems, treeProblems } from './fsck';
import { inTreeOrder, parseCommit, parseTree, refusal, renderCommit, renderTree, signatureProblems, type CommitInfo, type Signature } from './git-objects';
import { CatFileBatch } from './native-git';
import { RefFiles } from './refs';

export { compareTreeEntries, parseCommit, parseTree, renderCommit, type CommitInfo, type Signature } from './git-objects';

export const ZERO_OID = '0000000000000000000000000000000000000000';
/**
 * Parsed trees kept, counted in entries (a test-definitions tree alone can hold 5,000; ~170 bytes an entry). Enough
 * for the three branch heads' definitions trees plus the one a write just made; each write adds a new one.
 */
const TREE_MEMO_ENTRIES = 24_000;

export class GitRepository {
  /** Shared isomorphic-git cache (parsed pack indexes); replaced after gc rewrites the packs. */
  cache: object = {};
  /** LRU of parsed trees (Map order = recency), bounded by the total number of entries held. */
  private treeMemo = new Map<string, TreeEntry[]>();
  private treeMemoEntries = 0;
  private readonly native: CatFileBatch;
  private readonly refs: RefFiles;

  constructor(readonly gitdir: string) {
    this.native = new CatFileBatch(gitdir);
    this.refs = new RefFiles(gitdir);
  }

  /** Stops the `git cat-file` reader (it restarts on the next read). */
  close(): void {
    this.native.close();
  }

  get fs() {
    return fs;
  }

  static async exists(gitdir: string): Promise<boolean> {
    try {
      await fs.promises.access(path.join(gitdir, 'HEAD'));
      return true;
    } catch {
      return false;
    }
  }

  static async initBare(gitdir: string, defaultBranch: string): Promise<GitRepository> {
    await fs.promises.mkdir(gitdir, { recursive: true });
    await git.init({ fs, dir: gitdir, gitdir, bare: true, defaultBranch });
    return new GitRepository(gitdir);
  }

  resetCache(): void {
    this.cache = {};
    this.treeMemo.clear();
    this.treeMemoEntries = 0;
    this.native.close();
  }

  /** The raw object through `git cat-file --batch`; undefined when native git is not available. */
  private async readNative(oid: string): Promise<{ type: string; data: Buffer } | null | undefined> {
    if (this.native.unavailable) return undefined;
    try {
      return await this.native.read(oid);
    } catch (error) {
      if (this.native.unavailable) return undefined;
      throw error;
    }
  }

  private notFound(oid: string): Error {
    const error = new Error(`Could not find ${oid}.`) as Error & { code: string };
    error.code = 'NotFoundError';
    return error;
  }

  // ─── refs (refs.ts: git's own `<ref>.lock` protocol) ──────────────────────────────────────────────────────────────

  /** Current value of a full ref name (`refs/heads/trunk`): loose file first, then packed-refs, like git. */
  readRef(ref: string): Promise<string | null> {
    return this.refs.read(ref);
  }

  /** How many refs this process has moved (compareAndSwapRef), e.g. to know a head read is still current. */
  get refMoves(): number {
    return this.refs.moves;
  }

  /** Moves `ref` from `expected` (null = must not exist) to `next` under `<ref>.lock`; false when it was not at `expected`. */
  compareAndSwapRef(ref: string, expected: string | null, next: string): Promise<boolean> {
    return this.refs.compareAndSwap(ref, expected, next);
  }

  // ─── objects ───────────────────────────────────────────────────────────────────────────────────────────────────────

  async readCommit(oid: string): Promise<CommitInfo> {
    const raw = await this.readNative(oid);
    if (raw === null || (raw && raw.type !== 'commit')) throw this.notFound(oid);
    if (raw) return parseCommit(oid, raw.data);
    const { commit } = await git.readCommit({ fs, gitdir: this.gitdir, oid, cache: this.cache });
    return { oid, tree: commit.tree, parents: commit.parent, message: commit.message, author: commit.author, committer: commit.committer };
  }

  /** Entries of a tree; trees are immutable, so parsed trees are memoised by oid (bounded). */
  async readTree(oid: string): Promise<TreeEntry[]> {
    const memo = this.treeMemo.get(oid);
    if (memo) {
      this.treeMemo.delete(oid);
      this.treeMemo.set(oid, memo);
      return memo;
    }
    const raw = await this.readNative(oid);
    if (raw === null || (raw && raw.type !== 'tree')) throw this.notFound(oid);
    const tree = raw ? parseTree(raw.data) : (await git.readTree({ fs, gitdir: this.gitdir, oid, cache: this.cache })).tree;
    if (tree.length > TREE_MEMO_ENTRIES / 3 || this.treeMemo.has(oid)) return tree;
    this.treeMemo.set(oid, tree);
    this.treeMemoEntries += tree.length + 1;
    for (const [old, entries] of this.treeMemo) {
      if (this.treeMemoEntries <= TREE_MEMO_ENTRIES) break;
      this.treeMemo.delete(old);
      this.treeMemoEntries -= entries.length + 1;
    }
    return tree;
  }

  async readBlobText(oid: string): Promise<string> {
    const raw = await this.readNative(oid);
    if (raw === null || (raw && raw.type !== 'blob')) throw this.notFound(oid);
    if (raw) return raw.data.toString('utf8');
    const { blob } = await git.readBlob({ fs, gitdir: this.gitdir, oid, cache: this.cache });
    return Buffer.from(blob).toString('utf8');
  }

  /** The blob at `name` directly in a tree, with its oid, through isomorphic-git (readBlobsIn without a git CLI). */
  private async readBlobInTree(treeOid: string, name: string): Promise<{ oid: string; text: string } | null> {
    const entry = (await this.readTree(treeOid)).find((e) => e.path === name);
    return entry && entry.type === 'blob' ? { oid: entry.oid, text: await this.readBlobText(entry.oid) } : null;
  }

  /**
   * The blob at `name` directly in each of many trees (a cold listing): one pipelined `cat-file` run, and `each` is
   * called in order as the answers arrive, with null where a tree has no blob of that name.
   */
  async readBlobsIn(trees: readonly string[], name: string, each: (index: number, found: { oid: string; text: string } | null) => void): Promise<void> {
    let answered = 0;
    if (!this.native.unavailable) {
      try {
        await this.native.readPaths(trees, name, (index, raw) => {
          answered = index + 1;
          each(index, raw && raw.type === 'blob' ? raw : null);
        });
        return;
      } catch (error) {
        if (!this.native.unavailable) throw error;
      }
    }
    // isomorphic-git: the trees not answered yet, a few at a time.
    for (let start = answered; start < trees.length; start += 64) {
      const found = await Promise.all(trees.slice(start, start + 64).map((tree) => this.readBlobInTree(tree, name)));
      found.forEach((blob, offset) => each(start + offset, blob));
    }
  }

  /** Follows `segments` from a tree; returns the entry (tree or blob) or null. */
  async lookup(treeOid: string, segments: string[]): Promise<TreeEntry | null> {
    let current: TreeEntry = { mode: '040000', path: '', oid: treeOid, type: 'tree' };
    for (const segment of segments) {
      if (current.type !== 'tree') return null;
      const entries = await this.readTree(current.oid);
      const next = entries.find((e) => e.path === segment);
      if (!next) return null;
      current = next;
    }
    return current;
  }

  /**
   * Writes a loose object the way git does (zlib, temp file renamed into place, skipped when present). Done here
   * rather than through isomorphic-git, whose JS deflate made rewriting a 5,000-entry tree the bulk of a save.
   */
  private async writeObject(type: 'blob' | 'tree' | 'commit', data: Buffer): Promise<string> {
    const header = Buffer.from(`${type} ${data.length}\0`, 'latin1');
    const oid = createHash('sha1').update(header).update(data).digest('hex');
    const dir = path.join(this.gitdir, 'objects', oid.slice(0, 2));
    const file = path.join(dir, oid.slice(2));
    try {
      await fs.promises.access(file);
      return oid;
    } catch {
      // Not there yet.
    }
    await fs.promises.mkdir(dir, { recursive: true });
    const tmp = path.join(dir, `tmp_obj_${process.pid}_${Math.random().toString(36).slice(2)}`);
    await fs.promises.writeFile(tmp, deflateSync(Buffer.concat([header, data]), { level: 1 }), { mode: 0o444 });
    await fs.promises.rename(tmp, file);
    return oid;
  }

  async writeBlobText(text: string): Promise<string> {
    return this.writeObject('blob', Buffer.from(text, 'utf8'));
  }

  async writeTree(entries: TreeEntry[]): Promise<string> {
    const sorted = inTreeOrder(entries);
    // In git's order by construction, so the order is not checked again.
    const problems = treeProblems(sorted);
    if (problems.length > 0) throw refusal('tree', problems);
    const oid = await this.writeObject('tree', renderTree(sorted));
    // A tree just written is usually read next (the index diffs the new commit): keep it parsed.
    if (!this.treeMemo.has(oid) && entries.length <= TREE_MEMO_ENTRIES / 3) {
      this.treeMemo.set(oid, sorted === entries ? [...entries] : sorted);
      this.treeMemoEntries += entries.length + 1;
    }
    return oid;
  }

  /**
   * Writes a commit object, refused (nothing written) when its values or its bytes would not pass `git fsck --strict`:
   * the second line behind the checks where values enter (git-text.ts), so a failed write leaves no commit behind.
   */
  async writeCommit(args: { tree: string; parents: string[]; message: string; author: Signature; committer: Signature }): Promise<string> {
    const problems = [...signatureProblems('author', args.author), ...signatureProblems('committer', args.committer)];
    if (problems.length > 0) throw refusal('commit', problems);
    const data = renderCommit(args);
    const rendered = commitProblems(data).map((p) => ({ ...p, path: p.id.startsWith('nul') ? 'message' : '' }));
    if (rendered.length > 0) throw refusal('commit', rendered);
    return this.writeObject('commit', data);
  }

  /**
   * Returns a new root tree in which the tree at `dirSegments` is replaced by `replace(entries)` (null = remove the
   * directory). Only the trees on the path are rewritten; everything else keeps its oid.
   */
  async replaceSubtree(
    rootTree: string | null,
    dirSegments: string[],
    replace: (entries: TreeEntry[]) => Promise<TreeEntry[] | null>,
  ): Promise<string> {
    const rewrite = async (treeOid: string | null, depth: number): Promise<string | null> => {
      const entries = treeOid ? [...(await this.readTree(treeOid))] : [];
      if (depth === dirSegments.length) {
        const replaced = await replace(entries);
        if (replaced === null || replaced.length === 0) return null;
        return this.writeTree(replaced);
      }
      const name = dirSegments[depth];
      const index = entries.findIndex((e) => e.path === name);
      const child = index >= 0 && entries[index].type === 'tree' ? entries[index].oid : null;
      const childOid = await rewrite(child, depth + 1);
      // Replaced in place, so the tree stays in git's order and needs no sort.
      if (index >= 0 && childOid) entries[index] = { mode: '040000', path: name, oid: childOid, type: 'tree' };
      else if (index >= 0) entries.splice(index, 1);
      else if (childOid) entries.push({ mode: '040000', path: name, oid: childOid, type: 'tree' });
      if (entries.length === 0 && depth > 0) return null;
      return this.writeTree(entries);
    };
    return (await rewrite(rootTree, 0)) ?? (await this.writeTree([]));
  }
}
