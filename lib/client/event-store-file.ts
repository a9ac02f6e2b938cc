/**
 * The Node client's event queue on disk: an append-only file in a folder the application gives, so queued events
 * survive a restart or a kill. One JSON record per line — `{"e":event}` added, `{"d":[ids]}` left the queue — written
 * with appends only, so a kill can at worst leave a last line without its newline, which reading ignores (never a
 * torn record taken for an event). The file is rewritten (temporary file, fsync, rename) at start and whenever dead
 * records outnumber live ones. A lock file naming the owning process keeps two live processes off one folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ClientEvent, EventStore } from './event-delivery';

const QUEUE_FILE = 'events.log';
const LOCK_FILE = 'events.lock';

/** Folders this process holds (a second client in the same process must be refused too). */
const heldHere = new Set<string>();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class FileEventStore implements EventStore {
  private readonly directory: string;
  private readonly file: string;
  private readonly lock: string;
  private handle: fs.promises.FileHandle | null = null;
  private lines = 0;
  private live = 0;
  private locked = false;

  constructor(directory: string) {
    this.directory = directory;
    this.file = path.join(directory, QUEUE_FILE);
    this.lock = path.join(directory, LOCK_FILE);
  }

  /** Takes the folder (refuses one a live process holds), reads what a previous run left, and rewrites it compactly. */
  async load(): Promise<ClientEvent[]> {
    await fs.promises.mkdir(this.directory, { recursive: true });
    this.takeLock();
    let text = '';
    try {
      text = await fs.promises.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const events = readQueueText(text);
    await this.rewrite(events);
    return events;
  }

  async write(change: { added: ClientEvent[]; removed: string[]; snapshot: () => ClientEvent[] }): Promise<void> {
    if (!this.handle) return;
    let text = '';
    for (const event of change.added) text += `{"e":${JSON.stringify(event)}}\n`;
    if (change.removed.length > 0) text += `{"d":${JSON.stringify(change.removed)}}\n`;
    if (text === '') return;
    await this.handle.appendFile(text);
    this.lines += change.added.length + (change.removed.length > 0 ? 1 : 0);
    this.live += change.added.length - change.removed.length;
    if (this.lines > 1000 && this.lines > 4 * Math.max(this.live, 0)) await this.rewrite(change.snapshot());
  }

  close(): void {
    const handle = this.handle;
    this.handle = null;
    void handle?.close().catch(() => undefined);
    if (this.locked) {
      try {
        fs.unlinkSync(this.lock);
      } catch {
        // already gone
      }
      this.locked = false;
      heldHere.delete(path.resolve(this.directory));
    }
  }

  private takeLock(): void {
    if (heldHere.has(path.resolve(this.directory))) {
      throw new Error(`The event queue folder ${this.directory} is in use by process ${process.pid} (this one); give each client its own folder.`);
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(this.lock, String(process.pid), { flag: 'wx' });
        this.locked = true;
        heldHere.add(path.resolve(this.directory));
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const owner = Number(fs.readFileSync(this.lock, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && processAlive(owner)) {
        throw new Error(`The event queue folder ${this.directory} is in use by process ${owner}; give each process its own folder.`);
      }
      fs.rmSync(this.lock, { force: true }); // left by a process that is gone
    }
    throw new Error(`Could not take the event queue folder ${this.directory}.`);
  }

  /** The whole queue to a temporary file, fsync, rename over the log: the log is always either old or new, whole. */
  private async rewrite(events: ClientEvent[]): Promise<void> {
    await this.handle?.close();
    this.handle = null;
    const temporary = `${this.file}.tmp`;
    const handle = await fs.promises.open(temporary, 'w');
    try {
      await handle.writeFile(events.map((event) => `{"e":${JSON.stringify(event)}}\n`).join(''));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(temporary, this.file);
    const dir = await fs.promises.open(this.directory, 'r').catch(() => null);
    await dir?.sync().catch(() => undefined);
    await dir?.close();
    this.handle = await fs.promises.open(this.file, 'a');
    this.lines = this.live = events.length;
  }
}

/** Replays the log: complete lines only (a last line without its newline was cut by a kill), unreadable lines skipped. */
export function readQueueText(text: string): ClientEvent[] {
  const queue = new Map<string, ClientEvent>();
  const end = text.lastIndexOf('\n');
  if (end < 0) return [];
  for (const line of text.slice(0, end).split('\n')) {
    if (line === '') continue;
    let record: { e?: ClientEvent; d?: unknown };
    try {
      record = JSON.parse(line);
    } catch {
      continue;
    }
    if (record.e && typeof record.e.id === 'string') {
      if (!queue.has(record.e.id)) queue.set(record.e.id, record.e);
    } else if (Array.isArray(record.d)) {
      for (const id of record.d) if (typeof id === 'string') queue.delete(id);
    }
  }
  return [...queue.values()];
}
