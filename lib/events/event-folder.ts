/**
 * Folding in the background (fold-events.ts), one pass at a time in this process: `kick` after a batch is received,
 * `settle` before reading counts. A pass folds until nothing is pending; a failed pass (the database restarting) is
 * tried again a few seconds later, so received events are never left uncounted.
 * Receiving comes first: while batches are being received here, a pass waits, unless a reader is waiting for it or
 * the events received and not yet counted here reach `maxBacklog` (then receiving and counting share the machine, and
 * the sustained rate is what both together allow). A burst is acknowledged at the speed of receiving and counted
 * right after it; a results read never sees less than was acknowledged before it (it settles first).
 */
const RETRY_MS = 5_000;
const YIELD_MS = 20;
/**
 * Receiving counts as under way until this long after a batch was stored: between two batches of one sender the
 * request is parsed and checked outside `receive` (on the embedded database a fold started in that gap holds its one
 * session for ~200 ms, and the next batch waits).
 */
const QUIET_MS = 100;

export interface FolderOptions {
  onError?: (error: unknown) => void;
  /** Received here and not yet counted, beyond which counting no longer waits for receiving (default 100,000 events: about 5 s of folding on 2 cores). */
  maxBacklog?: number;
}

export class EventFolder {
  private current: Promise<void> | null = null;
  private next: Promise<void> | null = null;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;
  private receiving = 0;
  private lastReceived = 0;
  private backlog = 0;
  private readers = 0;

  constructor(
    /** Folds some pending events; answers how many (0: none were pending). */
    private readonly foldSome: () => Promise<number>,
    private readonly options: FolderOptions = {},
  ) {}

  /** Runs the receiving of a batch; once it stored `received(result)` events, counting them starts in the background. */
  async receive<T>(work: () => Promise<T>, received: (result: T) => number): Promise<T> {
    this.receiving++;
    try {
      const result = await work();
      const stored = received(result);
      if (stored > 0) {
        this.backlog += stored;
        this.kick();
      }
      return result;
    } finally {
      this.receiving--;
      this.lastReceived = Date.now();
    }
  }

  /** Counts what is pending, in the background. */
  kick(): void {
    if (this.closed) return;
    this.pass().catch((error: unknown) => {
      this.options.onError?.(error);
      if (this.retry || this.closed) return;
      this.retry = setTimeout(() => {
        this.retry = null;
        this.kick();
      }, RETRY_MS);
      this.retry.unref();
    });
  }

  /** Resolves once every event received before the call is counted (here, or by another instance on PostgreSQL). */
  async settle(): Promise<void> {
    this.readers++;
    try {
      await this.pass();
    } finally {
      this.readers--;
    }
  }

  close(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
  }

  private pass(): Promise<void> {
    if (!this.current) {
      this.current = this.drain().finally(() => {
        this.current = null;
      });
      return this.current;
    }
    // The pass under way may have looked before the caller's events were there: a new pass follows it.
    this.next ??= this.current
      .catch(() => undefined)
      .then(() => {
        this.next = null;
        return this.pass();
      });
    return this.next;
  }

  private async drain(): Promise<void> {
    const maxBacklog = this.options.maxBacklog ?? 100_000;
    for (;;) {
      while (this.receivingNow() && this.readers === 0 && this.backlog < maxBacklog && !this.closed) await new Promise((resolve) => setTimeout(resolve, YIELD_MS));
      const folded = await this.foldSome();
      this.backlog = Math.max(0, this.backlog - folded);
      if (folded === 0) return;
    }
  }

  private receivingNow(): boolean {
    return this.receiving > 0 || Date.now() - this.lastReceived < QUIET_MS;
  }
}
