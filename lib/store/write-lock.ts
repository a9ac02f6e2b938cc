/**
 * In-process serialisation. Writers queue on one mutex (isomorphic-git has no concurrent-writer safety), and a
 * readers/writer gate lets `git gc` run only while no isomorphic-git read is in flight (gc replacing packs under a
 * reader causes transient read errors).
 */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

/** Many shared holders or one exclusive holder; exclusive waiters block new shared holders (no starvation). */
export class ReadWriteGate {
  private readers = 0;
  private exclusive = false;
  private waitingExclusive = 0;
  private queue: Array<() => void> = [];

  async shared<T>(fn: () => Promise<T>): Promise<T> {
    while (this.exclusive || this.waitingExclusive > 0) await this.wait();
    this.readers++;
    try {
      return await fn();
    } finally {
      this.readers--;
      this.wake();
    }
  }

  async exclusiveRun<T>(fn: () => Promise<T>): Promise<T> {
    this.waitingExclusive++;
    try {
      while (this.exclusive || this.readers > 0) await this.wait();
    } finally {
      this.waitingExclusive--;
    }
    this.exclusive = true;
    try {
      return await fn();
    } finally {
      this.exclusive = false;
      this.wake();
    }
  }

  private wait(): Promise<void> {
    return new Promise((resolve) => this.queue.push(resolve));
  }

  private wake(): void {
    const waiting = this.queue;
    this.queue = [];
    for (const resolve of waiting) resolve();
  }
}
