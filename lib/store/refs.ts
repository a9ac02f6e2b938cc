/**
 * Ref reads and updates done by hand so that they follow git's own `<ref>.lock` protocol. isomorphic-git writes refs in
 * place without a lock; a compare-and-swap under the lock file is what lets a second process or the native git CLI
 * work on the same repository without losing commits.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '@/lib/errors';

const LOCK_WAIT_MS = 5_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class RefFiles {
  /** Refs this process has moved so far: a head read is current until this changes (or another process moves one). */
  moves = 0;

  constructor(private readonly gitdir: string) {}

  /** Current value of a full ref name (`refs/heads/trunk`): loose file first, then packed-refs, like git. */
  async read(ref: string): Promise<string | null> {
    try {
      const text = (await fs.promises.readFile(path.join(this.gitdir, ref), 'utf8')).trim();
      if (text.startsWith('ref: ')) return this.read(text.slice(5).trim());
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
  async compareAndSwap(ref: string, expected: string | null, next: string): Promise<boolean> {
    const refPath = path.join(this.gitdir, ref);
    const lockPath = `${refPath}.lock`;
    await fs.promises.mkdir(path.dirname(refPath), { recursive: true });
    const handle = await this.acquireLock(lockPath, ref);
    let renamed = false;
    try {
      const current = await this.read(ref);
      if (current !== expected) return false;
      // No fsync: the objects the ref points to are not fsynced either (isomorphic-git never does), so it bought no
      // crash safety, only 10–50 ms per write on a busy disk; the rename keeps the update atomic.
      await handle.writeFile(`${next}\n`);
      await handle.close();
      await fs.promises.rename(lockPath, refPath);
      renamed = true;
      // After the rename: a head read begun once this is counted sees the new value.
      this.moves++;
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
}
