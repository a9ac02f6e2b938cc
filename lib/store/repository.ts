/**
 * The bare repository on disk and the few primitives the store builds on: object reads/writes through isomorphic-git
 * (one shared cache), and ref reads/updates done by hand so that they follow git's own `<ref>.lock` protocol. isomorphic-git
 * writes refs in place without a lock; a compare-and-swap under the lock file is what lets a second process or the
 * native git CLI work on the same repository without losing commits.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import git, { type TreeEntry } from 'isomorphic-git';
import { AppError } from '@/lib/errors';
import { commitProblems, treeProblems, type FsckProblem } from './fsck';
import { gitTextProblem } from '@/lib/domain/git-text';
import { CatFileBatch } from './native-git';

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
  /**
   * What `git fsck --strict` would report on this commit (NUL bytes, malformed author or committer lines), set only
   * when there is something: such a commit is still read (the fields are best effort) so a repository holding one keeps
   * working, and the history index names it with the repair.
   */
  problems?: FsckProblem[];
}

export const ZERO_OID = '0000000000000000000000000000000000000000';
const LOCK_WAIT_MS = 5_000;
/**
 * Parsed trees kept, counted in entries (a test-definitions tree alone can hold 5,000; ~170 bytes an entry). Enough
 * for the three branch heads' definitions trees plus the one a write just made; each write adds a new one.
 */
const TREE_MEMO_ENTRIES = 24_000;

function modeType(mode: string): TreeEntry['type'] {
  switch (mode) {
    case '040000':
      return 'tree';
    case '100644':
    case '100755':
    case '120000':
      return 'blob';
    case '160000':
      return 'commit';
  }
  throw new AppError('INTERNAL', `Unexpected git tree entry mode: ${mode}`);
}

/** A raw tree object → entries in git's order (isomorphic-git's shape: mode `040000` for trees, hex oids). */
export function parseTree(data: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let cursor = 0;
  while (cursor < data.length) {
    const space = data.indexOf(32, cursor);
    const nul = data.indexOf(0, space + 1);
    if (space < 0 || nul < 0 || nul + 21 > data.length) throw new AppError('INTERNAL', 'Malformed git tree object.');
    // The usual modes as shared literals rather than a new string per entry.
    let mode = data.toString('latin1', cursor, space);
    if (mode === '40000') mode = '040000';
    else if (mode === '100644') mode = '100644';
    entries.push({ mode, path: data.toString('utf8', space + 1, nul), oid: data.toString('hex', nul + 1, nul + 21), type: modeType(mode) });
    cursor = nul + 21;
  }
  return entries;
}

/** A well-formed ident (what fsck accepts); anything else gets the full check. */
const WELL_FORMED_IDENT = /^[^<>\n]* <[^<>\n]*> (?:0|[1-9][0-9]{0,15}) [+-][0-9]{4}$/;

/** A malformed ident is read as well as it can be (name = the raw text, epoch 0): reading must not fail on old data. */
function parseSignature(value: string): Signature {
  const m = /^(.*) <(.*)> (.*) (.*)$/.exec(value);
  if (!m) return { name: value, email: '', timestamp: 0, timezoneOffset: 0 };
  const tz = /(\+|-)(\d\d)(\d\d)/.exec(m[4]);
  const minutes = tz ? (tz[1] === '+' ? 1 : -1) * (Number(tz[2]) * 60 + Number(tz[3])) : 0;
  // isomorphic-git's convention: the sign is inverted (0 stays 0).
  const timestamp = Number(m[3]);
  return { name: m[1], email: m[2], timestamp: Number.isSafeInteger(timestamp) ? timestamp : 0, timezoneOffset: minutes === 0 ? 0 : -minutes };
}

/** The UTF-8 bytes of an entry's name as git sorts it: a tree's name as if it ended with `/`. */
function sortKey(entry: TreeEntry): Buffer {
  return Buffer.from(entry.type === 'tree' ? `${entry.path}/` : entry.path, 'utf8');
}

/**
 * git's tree order: byte order of the UTF-8 names, a tree's name compared as if it ended with `/`. Compared code unit
 * by code unit without building strings (a 5,000-entry tree is checked on every save); UTF-16 order is UTF-8 byte
 * order below the surrogates, so from U+D800 up the bytes decide.
 */
export function compareTreeEntries(a: TreeEntry, b: TreeEntry): number {
  const x = a.path;
  const y = b.path;
  const length = Math.min(x.length, y.length);
  for (let i = 0; i <= length; i++) {
    // Past a name's end comes `/` for a tree (never inside a name), nothing (-1) for a file.
    const cx = i < x.length ? x.charCodeAt(i) : a.type === 'tree' ? 0x2f : -1;
    const cy = i < y.length ? y.charCodeAt(i) : b.type === 'tree' ? 0x2f : -1;
    if (cx === cy) continue;
    if (cx >= 0xd800 || cy >= 0xd800) return Buffer.compare(sortKey(a), sortKey(b));
    return cx < cy ? -1 : 1;
  }
  return 0;
}

/** Entries in git's tree order: the same array when it already is (the usual case), else a sorted copy. */
function inTreeOrder(entries: TreeEntry[]): TreeEntry[] {
  for (let i = 1; i < entries.length; i++) {
    if (compareTreeEntries(entries[i - 1], entries[i]) >= 0) return [...entries].sort(compareTreeEntries);
  }
  return entries;
}

/** Entries already in git's tree order → tree object bytes (mode `40000` for trees, as git writes it). */
function renderTree(sorted: TreeEntry[]): Buffer {
  // One buffer sized up front: a 5,000-test tree was 10,000 small buffers concatenated on every save.
  let size = 0;
  for (const entry of sorted) size += (entry.mode === '040000' ? 5 : entry.mode.length) + 1 + Buffer.byteLength(entry.path, 'utf8') + 1 + 20;
  const out = Buffer.allocUnsafe(size);
  let offset = 0;
  for (const entry of sorted) {
    offset += out.write(`${entry.mode === '040000' ? '40000' : entry.mode} ${entry.path}\0`, offset, 'utf8');
    offset += out.write(entry.oid, offset, 'hex');
  }
  return out;
}

/** A raw commit object, read exactly as isomorphic-git's readCommit does (same message normalisation). */
export function parseCommit(oid: string, data: Buffer): CommitInfo {
  const text = data.toString('utf8');
  const split = text.indexOf('\n\n');
  const headerText = split < 0 ? text : text.slice(0, split);
  const headers: string[] = [];
  for (const line of headerText.split('\n')) {
    if (line[0] === ' ' && headers.length > 0) headers[headers.length - 1] += `\n${line.slice(1)}`;
    else headers.push(line);
  }
  const key = (h: string) => h.slice(0, h.indexOf(' '));
  const value = (h: string) => h.slice(h.indexOf(' ') + 1);
  if (headers.length === 0 || key(headers[0]) !== 'tree') throw new AppError('INTERNAL', `Commit ${oid} does not start with a tree.`);
  const parents: string[] = [];
  let index = 1;
  while (index < headers.length && key(headers[index]) === 'parent') parents.push(value(headers[index++]));
  const rest = new Map<string, string>();
  for (; index < headers.length; index++) if (!rest.has(key(headers[index]))) rest.set(key(headers[index]), value(headers[index]));
  const message = `${text.slice(split + 2).replace(/\r/g, '').replace(/^\n+/, '').replace(/\n+$/, '')}\n`;
  const author = rest.get('author') ?? '';
  const committer = rest.get('committer') ?? '';
  const info: CommitInfo = { oid, tree: value(headers[0]), parents, message, author: parseSignature(author), committer: parseSignature(committer) };
  // The full fsck check only when a cheap look finds something odd (the history walk reads every commit).
  if (data.indexOf(0) >= 0 || !WELL_FORMED_IDENT.test(author) || !WELL_FORMED_IDENT.test(committer)) {
    const problems = commitProblems(data);
    if (problems.length > 0) info.problems = problems;
  }
  return info;
}

/** Renders a commit object byte for byte as isomorphic-git's writeCommit did (so seeded histories keep their ids). */
export function renderCommit(args: { tree: string; parents: string[]; message: string; author: Signature; committer: Signature }): Buffer {
  const ident = (s: Signature) => {
    const minutes = Math.abs(s.timezoneOffset);
    // isomorphic-git's convention: the sign is inverted (0 is +0000).
    const sign = s.timezoneOffset > 0 ? '-' : '+';
    const zone = `${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}${String(minutes % 60).padStart(2, '0')}`;
    return `${s.name} <${s.email}> ${s.timestamp} ${zone}`;
  };
  const message = `${args.message.replace(/\r/g, '').replace(/^\n+/, '').replace(/\n+$/, '')}\n`;
  const parents = args.parents.map((parent) => `parent ${parent}\n`).join('');
  return Buffer.from(`tree ${args.tree}\n${parents}author ${ident(args.author)}\ncommitter ${ident(args.committer)}\n\n${message}`, 'utf8');
}

/** The refusal of an object git fsck --strict would reject: nothing has been written when it is thrown. */
function refusal(what: string, problems: Array<FsckProblem & { path?: string }>): AppError {
  const list = problems.map((p) => `${p.id}: ${p.message}`).join('; ');
  return new AppError('VALIDATION_FAILED', `Refused to write a ${what} that git fsck --strict would reject (${list}). Nothing was written; correct the value and try again.`, {
    details: problems.map((p) => ({ path: p.path ?? '', message: `${p.id}: ${p.message}` })),
    data: { fsck: problems.map((p) => p.id) },
  });
}

/**
 * The values of a commit checked before it is rendered: an ident field must not hold what would end or forge its line
 * (a line break in a name can inject a well-formed `committer` header that fsck alone would not notice).
 */
function signatureProblems(role: 'author' | 'committer', s: Signature): Array<FsckProblem & { path: string }> {
  const problems: Array<FsckProblem & { path: string }> = [];
  const name = typeof s.name === 'string' ? gitTextProblem(s.name, 'identName') : 'is not text';
  if (name) problems.push({ id: 'badName', message: `the ${role} name ${name}`, path: `${role}.name` });
  const email = typeof s.email === 'string' ? gitTextProblem(s.email, 'identEmail') : 'is not text';
  if (email) problems.push({ id: 'badEmail', message: `the ${role} e-mail ${email}`, path: `${role}.email` });
  if (!Number.isSafeInteger(s.timestamp) || s.timestamp < 0) problems.push({ id: 'badDate', message: `the ${role} date is not a time`, path: `${role}.timestamp` });
  if (!Number.isInteger(s.timezoneOffset) || Math.abs(s.timezoneOffset) >= 100 * 60) {
    problems.push({ id: 'badTimezone', message: `the ${role} time zone is not an offset`, path: `${role}.timezoneOffset` });
  }
  return problems;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class GitRepository {
  /** Shared isomorphic-git cache (parsed pack indexes); replaced after gc rewrites the packs. */
  cache: object = {};
  /** LRU of parsed trees (Map order = recency), bounded by the total number of entries held. */
  private treeMemo = new Map<string, TreeEntry[]>();
  private treeMemoEntries = 0;
  private readonly native: CatFileBatch;

  constructor(readonly gitdir: string) {
    this.native = new CatFileBatch(gitdir);
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
      // No fsync: the objects the ref points to are not fsynced either (isomorphic-git never does), so it bought no
      // crash safety, only 10–50 ms per write on a busy disk; the rename keeps the update atomic.
      await handle.writeFile(`${next}\n`);
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
