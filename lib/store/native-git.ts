/**
 * Bulk object reads through the native git CLI, the one place the store leaves isomorphic-git (writes, refs and
 * remotes stay on isomorphic-git). Measured on the 5,000-test / 63,000-commit bench repository: isomorphic-git loads
 * every packfile into the heap (170 MB there) and inflates and resolves deltas in JS, so listing 5,000 definitions took
 * seconds and the process held the packs; a long-lived `git cat-file --batch` reads the same objects in tens of
 * milliseconds with the packs mapped in the child, and `git diff-tree --stdin` diffs thousands of commits in well under
 * a second. When the git CLI cannot be started the store falls back to isomorphic-git (same results, slower).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/**
 * The glibc malloc settings `npm start` tunes the server's node process with (scripts/server-env.mjs, which a unit
 * test keeps in step with this list). They are for node, not for git: with MALLOC_MMAP_THRESHOLD_=131072 every large
 * buffer git allocates is a fresh mmap, and `git diff-tree` over 10,000 commits took 20 s instead of 3 s (the store's
 * index catch-up went from 7 s to 24 s). git children start with glibc's defaults instead.
 */
export const NODE_MALLOC_SETTINGS = ['MALLOC_ARENA_MAX', 'MALLOC_MMAP_THRESHOLD_'] as const;

/** The environment for a git child process: this process's, without the node-only malloc settings. */
export function gitEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const result = { ...env };
  for (const name of NODE_MALLOC_SETTINGS) delete result[name];
  return result;
}

export interface RawObject {
  oid: string;
  type: 'commit' | 'tree' | 'blob' | 'tag';
  data: Buffer;
}

/** An object read by path, its content decoded as UTF-8 text (no Buffer copy in between). */
export interface TextObject {
  oid: string;
  type: RawObject['type'];
  text: string;
}

interface Pending {
  /** What was asked: an object id, or `<tree>:<path>` (any answer oid is then right, and the answer is text). */
  name: string;
  byPath: boolean;
  resolve: (value: RawObject | TextObject | null) => void;
  reject: (error: Error) => void;
}

/** One `git cat-file --batch` process: requests are written as they come and answered in order. */
export class CatFileBatch {
  private child: ChildProcessWithoutNullStreams | null = null;
  private queue: Pending[] = [];
  private head = 0;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private outgoing: string[] = [];
  /** Set once spawning failed: the caller falls back to isomorphic-git. */
  unavailable = false;

  constructor(private readonly gitdir: string) {}

  read(oid: string): Promise<RawObject | null> {
    if (!/^[0-9a-f]{40}$/.test(oid)) return Promise.reject(new Error(`Not an object id: ${oid}`));
    return this.request(oid);
  }

  /**
   * `<tree>:<path>` for many trees in one go, resolved by git itself, so a listing needs no tree reads or ls-tree of
   * its own before the blobs start to flow (one request per line: a path with a line break or NUL cannot be asked).
   * `each` is called synchronously as every answer arrives, in order (null where a tree has nothing at that path): a
   * listing parses each definition straight out of the pipe, with no promise per object. Rejects when git fails or
   * `each` threw (later answers are then not passed on).
   */
  readPaths(trees: readonly string[], path: string, each: (index: number, object: TextObject | null) => void): Promise<void> {
    if (/[\n\r\0]/.test(path) || path === '') return Promise.reject(new Error(`Not a path cat-file can read: ${JSON.stringify(path)}`));
    const bad = trees.find((tree) => !/^[0-9a-f]{40}$/.test(tree));
    if (bad !== undefined) return Promise.reject(new Error(`Not an object id: ${bad}`));
    if (trees.length === 0) return Promise.resolve();
    const child = this.ensure();
    return new Promise((resolve, reject) => {
      // One queue entry object for all the batch's answers (they come in order): no closures per tree.
      let answered = 0;
      let failure: { error: unknown } | null = null;
      const batch: Pending = {
        get name() {
          return `${trees[Math.min(answered, trees.length - 1)]}:${path}`;
        },
        byPath: true,
        resolve: (object) => {
          const index = answered++;
          if (failure === null) {
            try {
              each(index, object as TextObject | null);
            } catch (error) {
              failure = { error };
            }
          }
          if (answered === trees.length) {
            if (failure === null) resolve();
            else reject(failure.error);
          }
        },
        reject: (error) => {
          if (answered++ === trees.length - 1) reject(error);
        },
      };
      const wasIdle = this.queue.length === this.head;
      if (this.outgoing.length === 0) queueMicrotask(() => this.flush(child));
      this.outgoing.push(`${trees.join(`:${path}\n`)}:${path}`);
      for (let i = 0; i < trees.length; i++) this.queue.push(batch);
      if (wasIdle) this.setRef(true);
    });
  }

  private request(oid: string): Promise<RawObject | null> {
    const child = this.ensure();
    return new Promise((resolve, reject) => {
      this.queue.push({ name: oid, byPath: false, resolve: resolve as Pending['resolve'], reject });
      if (this.queue.length - this.head === 1) this.setRef(true);
      // Reads asked for in the same tick go out as one write.
      if (this.outgoing.length === 0) queueMicrotask(() => this.flush(child));
      this.outgoing.push(oid);
    });
  }

  private flush(child: ChildProcessWithoutNullStreams): void {
    const lines = this.outgoing;
    this.outgoing = [];
    if (this.child === child && lines.length > 0) child.stdin.write(`${lines.join('\n')}\n`);
  }

  close(): void {
    const child = this.child;
    this.child = null;
    if (child) {
      child.stdin.end();
      child.kill();
    }
    this.failAll(new Error('git cat-file closed'));
  }

  private setRef(busy: boolean): void {
    const child = this.child;
    if (!child) return;
    // Idle, the child must not keep the process alive; busy, it must (a pending read is all that may be left).
    const method = busy ? 'ref' : 'unref';
    child[method]();
    (child.stdout as unknown as { [k: string]: () => void })[method]?.();
    (child.stdin as unknown as { [k: string]: () => void })[method]?.();
    (child.stderr as unknown as { [k: string]: () => void })[method]?.();
  }

  private ensure(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn('git', ['--git-dir', this.gitdir, 'cat-file', '--batch'], { stdio: ['pipe', 'pipe', 'pipe'], env: gitEnvironment() });
    this.child = child;
    this.chunks = [];
    this.buffered = 0;
    child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    child.stderr.on('data', () => undefined);
    child.stdin.on('error', () => undefined);
    const gone = (error: Error) => {
      if (this.child !== child) return;
      this.child = null;
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') this.unavailable = true;
      this.failAll(error);
    };
    child.on('error', gone);
    child.on('exit', (code, signal) => gone(new Error(`git cat-file exited (${signal ?? code})`)));
    this.setRef(false);
    return child;
  }

  private failAll(error: Error): void {
    const pending = this.queue.slice(this.head);
    this.queue = [];
    this.head = 0;
    this.chunks = [];
    this.buffered = 0;
    this.outgoing = [];
    for (const p of pending) p.reject(error);
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    let buffer = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered);
    let offset = 0;
    while (this.head < this.queue.length) {
      const newline = buffer.indexOf(10, offset);
      if (newline < 0) break;
      const header = buffer.toString('latin1', offset, newline);
      const request = this.queue[this.head];
      if (header.endsWith(' missing')) {
        offset = newline + 1;
        this.head++;
        request.resolve(null);
        continue;
      }
      const [oid, type, sizeText] = header.split(' ');
      const size = Number(sizeText);
      if ((request.byPath ? !/^[0-9a-f]{40}$/.test(oid) : oid !== request.name) || !Number.isFinite(size)) {
        this.failAll(new Error(`git cat-file answered '${header}' for ${request.name}`));
        this.close();
        return;
      }
      if (buffer.length < newline + 1 + size + 1) break;
      const start = newline + 1;
      offset = start + size + 1;
      this.head++;
      if (request.byPath) request.resolve({ oid, type: type as RawObject['type'], text: buffer.toString('utf8', start, start + size) });
      // Copy: the answer outlives the (possibly large) shared chunk.
      else request.resolve({ oid, type: type as RawObject['type'], data: Buffer.from(buffer.subarray(start, start + size)) });
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
      this.setRef(false);
    } else if (this.head > 1024) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (offset >= buffer.length) {
      this.chunks = [];
      this.buffered = 0;
    } else {
      buffer = buffer.subarray(offset);
      this.chunks = [buffer];
      this.buffered = buffer.length;
    }
  }
}

export interface RawTreeChange {
  /** Path below the pathspec root, as git prints it (`<dir>/<test>/definition.json`). */
  path: string;
  before: string | null;
  after: string | null;
  beforeMode: string;
  afterMode: string;
}

const ZERO = '0000000000000000000000000000000000000000';

/** The NUL-separated fields of `output`, each decoded on its own. */
function splitNul(output: Buffer): string[] {
  const tokens: string[] = [];
  let start = 0;
  for (let end = output.indexOf(0, start); end >= 0; end = output.indexOf(0, start)) {
    tokens.push(output.toString('utf8', start, end));
    start = end + 1;
  }
  tokens.push(output.toString('utf8', start));
  return tokens;
}
export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/**
 * `git diff-tree -r` of many tree pairs in one process, limited to `dir`: for each pair the changed files (blob oids
 * before/after, null = absent). Returns null when git cannot run, so the caller can diff in JS instead.
 */
export function diffTreePairs(gitdir: string, pairs: Array<[string, string]>, dir: string): Promise<RawTreeChange[][] | null> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['--literal-pathspecs', '--git-dir', gitdir, 'diff-tree', '--stdin', '--always', '--no-renames', '-r', '-z', '--', `${dir}/`], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: gitEnvironment(),
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdin.on('error', () => undefined);
    child.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? resolve(null) : reject(error)));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`git diff-tree failed (${code}): ${err.trim()}`));
      // Decoded token by token, not as one string split up: the parts of a split are slices that keep the whole output
      // (tens of MB for a long catch-up) alive for as long as any path or test name taken from it is kept.
      const tokens = splitNul(Buffer.concat(out));
      const result: RawTreeChange[][] = [];
      let current: RawTreeChange[] | null = null;
      // Each pair prints a header line `<a> <b>\n`, then `:<modes> <oids> <status>\0<path>\0` per changed file.
      for (let i = 0; i < tokens.length; i++) {
        for (const part of tokens[i].split('\n')) {
          if (part === '') continue;
          if (part[0] !== ':') {
            current = [];
            result.push(current);
            continue;
          }
          const [oldMode, newMode, oldOid, newOid] = part.slice(1).split(' ');
          const file = tokens[++i];
          if (!current || file === undefined) return reject(new Error('git diff-tree: unexpected output'));
          current.push({ path: file, before: oldOid === ZERO ? null : oldOid, after: newOid === ZERO ? null : newOid, beforeMode: oldMode, afterMode: newMode });
        }
      }
      if (result.length !== pairs.length) return reject(new Error(`git diff-tree answered ${result.length} of ${pairs.length} pairs`));
      resolve(result);
    });
    child.stdin.end(pairs.map(([a, b]) => `${a} ${b}\n`).join(''));
  });
}
