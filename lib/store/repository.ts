/**
 * The bare repository on disk and the few primitives the store builds on: object reads/writes through isomorphic-git
 * (one shared cache), and ref reads/updates done by hand so that they follow git's own `<ref>.lock` protocol. isomorphic-git
 * writes refs in place without a lock; a compare-and-swap under the lock file is what lets a second process or the
 * native git CLI work on the same repository without losing commits.
 */
import fs from 'node:fs';
import path from 'node:path';
import git, { type TreeEntry } from 'isomorphic-git';
import { AppError } from '@/lib/errors';

export interface Signature {
  name: string;
  email: string;
  /** Seconds since the epoch. */
  timestamp: number;
  /** Minutes, git's sign convention as isomorphic-git uses it (0 = UTC). */
  timezoneOffset: number;
}

export interface CommitInfo {
  oid: string;
  tree: string;
  parents: string[];
  message: string;
  author: Signature;
  committer: Signature;
}

export const ZERO_OID = '0000000000000000000000000000000000000000';
const LOCK_WAIT_MS = 5_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class GitRepository {
  /** Shared isomorphic-git cache (parsed pack indexes); replaced after gc rewrites the packs. */
  cache: object = {};
  private treeMemo = new Map<string, TreeEntry[]>();

  constructor(readonly gitdir: string) {}

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
  }

  // ─── refs ──────────────────────────────────────────────────────────────────────────────────────────────────────────

  /** Current value of a full ref name (`refs/heads/trunk`): loose file first, then packed-refs, like git. */
  async readRef(ref: string): Promise<string | null> {
    try {
      const text = (await fs.promises.readFile(path.join(this.gitdir, ref), 'utf8')).trim();
      if (text.startsWith('ref: ')) return this.readRef(text.slice(5).trim());
      if (/^[0-9a-f]{40}$/.test(text)) return text;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && (error as NodeJS.ErrnoException).code !== 'EISDIR') throw error;
    }
    return this.readPackedRef(ref);
  }

  private async readPackedRef(ref: string): Promise<string | null> {
    let text: string;
    try {
      text = await fs.promises.readFile(path.join(this.gitdir, 'packed-refs'), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    for (const line of text.split('\n')) {
      if (line.length > 41 && line[40] === ' ' && line.slice(41) === ref) return line.slice(0, 40);
    }
    return null;
  }

  /**
   * Moves `ref` from `expected` (null = must not exist) to `next`, under `<ref>.lock` created exclusively, exactly as
   * git does. Returns false when the ref was not at `expected` (someone else moved it): the caller decides what to do.
   */
  async compareAndSwapRef(ref: string, expected: string | null, next: string): Promise<boolean> {
    const refPath = path.join(this.gitdir, ref);
    const lockPath = `${refPath}.lock`;
    await fs.promises.mkdir(path.dirname(refPath), { recursive: true });
    const handle = await this.acquireLock(lockPath, ref);
    let renamed = false;
    try {
      const current = await this.readRef(ref);
      if (current !== expected) return false;
      await handle.writeFile(`${next}\n`);
      await handle.sync();
      await handle.close();
      await fs.promises.rename(lockPath, refPath);
      renamed = true;
      return true;
    } finally {
      if (!renamed) {
        await handle.close().catch(() => undefined);
        await fs.promises.unlink(lockPath).catch(() => undefined);
      }
    }
  }

  private async acquireLock(lockPath: string, ref: string): Promise<fs.promises.FileHandle> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        return await fs.promises.open(lockPath, 'wx');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        if (Date.now() > deadline) {
          throw new AppError('INTERNAL', `Unable to lock ${ref}: ${lockPath} exists. Another git process may be running; if not, remove the stale lock file.`);
        }
        await sleep(Math.min(2 + attempt * 2, 25) + Math.random() * 5);
      }
    }
  }

  // ─── objects ───────────────────────────────────────────────────────────────────────────────────────────────────────

  async readCommit(oid: string): Promise<CommitInfo> {
    const { commit } = await git.readCommit({ fs, gitdir: this.gitdir, oid, cache: this.cache });
    return { oid, tree: commit.tree, parents: commit.parent, message: commit.message, author: commit.author, committer: commit.committer };
  }

  /** Entries of a tree; trees are immutable, so parsed trees are memoised by oid (bounded). */
  async readTree(oid: string): Promise<TreeEntry[]> {
    const memo = this.treeMemo.get(oid);
    if (memo) return memo;
    const { tree } = await git.readTree({ fs, gitdir: this.gitdir, oid, cache: this.cache });
    if (this.treeMemo.size > 50_000) this.treeMemo.clear();
    this.treeMemo.set(oid, tree);
    return tree;
  }

  async readBlobText(oid: string): Promise<string> {
    const { blob } = await git.readBlob({ fs, gitdir: this.gitdir, oid, cache: this.cache });
    return Buffer.from(blob).toString('utf8');
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

  async writeBlobText(text: string): Promise<string> {
    return git.writeBlob({ fs, gitdir: this.gitdir, blob: Buffer.from(text, 'utf8') });
  }

  async writeTree(entries: TreeEntry[]): Promise<string> {
    return git.writeTree({ fs, gitdir: this.gitdir, tree: entries });
  }

  async writeCommit(args: { tree: string; parents: string[]; message: string; author: Signature; committer: Signature }): Promise<string> {
    return git.writeCommit({
      fs,
      gitdir: this.gitdir,
      commit: { tree: args.tree, parent: args.parents, message: args.message, author: args.author, committer: args.committer },
    });
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
      if (index >= 0) entries.splice(index, 1);
      if (childOid) entries.push({ mode: '040000', path: name, oid: childOid, type: 'tree' });
      if (entries.length === 0 && depth > 0) return null;
      return this.writeTree(entries);
    };
    return (await rewrite(rootTree, 0)) ?? (await this.writeTree([]));
  }
}
