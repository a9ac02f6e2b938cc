/**
 * PGlite does not stop a second process from opening the same data folder, and two openers silently lose each
 * other's writes (checked: the second opener did not see the first one's committed row). So every opener takes
 * `<folder>.lock` holding its pid; a lock whose process is gone is stale and taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

const heldHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class DataDirInUseError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `The database folder ${dataDir} is in use by process ${pid}${pid === process.pid ? ' (this process)' : ''}. ` +
        'Only one Proctor Studio server or CLI may open an embedded database at a time: stop the other one, ' +
        'or use a PostgreSQL server (DATABASE_URL).',
    );
    this.name = 'DataDirInUseError';
  }
}

/** Takes the lock for `dataDir` or throws DataDirInUseError; returns the release function. */
export function lockDataDir(dataDir: string): () => void {
  const lockFile = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(/*turbopackIgnore: true*/ lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      heldHere.add(lockFile);
      return () => {
        if (!heldHere.delete(lockFile)) return;
        try {
          unlinkSync(/*turbopackIgnore: true*/ lockFile);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const pid = Number.parseInt(readFileSync(/*turbopackIgnore: true*/ lockFile, 'utf8'), 10);
    const stale = !Number.isInteger(pid) || (pid === process.pid ? !heldHere.has(lockFile) : !isAlive(pid));
    if (!stale) throw new DataDirInUseError(dataDir, pid);
    unlinkSync(/*turbopackIgnore: true*/ lockFile);
  }
  throw new Error(`Could not take the lock ${lockFile}; another process is starting on the same folder. Try again.`);
}
