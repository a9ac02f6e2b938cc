/**
 * Background work of the store (compacting listed definitions, writing the listing cache) runs in slices of a few
 * milliseconds between requests. While a branch snapshot is being built it steps aside altogether: a listing that
 * shared the event loop with the previous listing's compaction took that compaction's whole cost (~70 µs a
 * definition) on top of its own. Deferring background work only delays memory savings and the cache file.
 */
export class Foreground {
  private active = 0;
  private waiters: Array<() => void> = [];

  /** Marks foreground work as running until the returned function is called (once). */
  enter(): () => void {
    this.active++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      if (--this.active > 0) return;
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    };
  }

  /** The next turn for background work: after pending I/O callbacks, and never while foreground work runs. */
  async turn(): Promise<void> {
    for (;;) {
      // setImmediate also after waking: the request that just finished its snapshot goes on first.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.active === 0) return;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
}
