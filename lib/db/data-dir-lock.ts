/**
 * PGlite does not stop a second process from opening the same data folder, and two openers silently lose each
 * other's writes (checked: the second opener did not see the first one's committed row). So every opener takes
 * `<folder>.lock` holding its pid, and then the pids of the database processes it started (lib/db/pglite-server.mjs:
 * the one that creates a new database, the one that serves it), one per line. A lock whose opener is gone is stale and
 * taken over — once its database processes have exited too: one outlives a killed opener for the moment it takes to
 * close PGlite (or to finish creating the database), and until then the folder is still open.
 */
import { appendFileSync, closeSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';

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

/** The opener is gone but the database process it started is still closing the folder: try again in a moment. */
export class DataDirClosingError extends Error {
  constructor(
    dataDir: string,
    readonly pid: number,
  ) {
    super(`The database folder ${dataDir} is still being closed by process ${pid} (its server stopped). Try again in a moment.`);
    this.name = 'DataDirClosingError';
  }
}

/** Takes the lock for `dataDir` or throws DataDirInUseError / DataDirClosingError; returns the release function. */
export function lockDataDir(dataDir: string): () => void {
  const lockFile = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(/*turbopackIgnore: true*/ lockFile, 'wx');
      writeSync(fd, `${process.pid}\n`);
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
    const [pid, ...databasePids] = readFileSync(/*turbopackIgnore: true*/ lockFile, 'utf8')
      .split('\n')
      .map((line) => Number.parseInt(line, 10));
    const stale = !Number.isInteger(pid) || (pid === process.pid ? !heldHere.has(lockFile) : !isAlive(pid));
    if (!stale) throw new DataDirInUseError(dataDir, pid);
    const closing = databasePids.find((databasePid) => Number.isInteger(databasePid) && databasePid !== process.pid && isAlive(databasePid));
    if (closing !== undefined) throw new DataDirClosingError(dataDir, closing);
    unlinkSync(/*turbopackIgnore: true*/ lockFile);
  }
  throw new Error(`Could not take the lock ${lockFile}; another process is starting on the same folder. Try again.`);
}

/** Records in the lock held here the pid of a database process working on `dataDir`. */
export function recordDatabaseProcess(dataDir: string, pid: number): void {
  appendFileSync(/*turbopackIgnore: true*/ `${dataDir}.lock`, `${pid}\n`);
}

/**
 * Drops from the lock held here the pid of a database process that has exited (a restarted one is recorded in its
 * place): a dead pid left there could be reused by an unrelated process and make the folder look busy forever.
 */
export function forgetDatabaseProcess(dataDir: string, pid: number): void {
  const lockFile = `${dataDir}.lock`;
  if (!heldHere.has(lockFile)) return;
  const [opener, ...databasePids] = readFileSync(/*turbopackIgnore: true*/ lockFile, 'utf8').split('\n').filter(Boolean);
  const kept = databasePids.filter((line) => Number.parseInt(line, 10) !== pid);
  // Replaced whole (write, then rename), so a reader never sees a half-written lock.
  writeFileSync(/*turbopackIgnore: true*/ `${lockFile}.next`, [opener, ...kept].map((line) => `${line}\n`).join(''));
  renameSync(/*turbopackIgnore: true*/ `${lockFile}.next`, lockFile);
}
