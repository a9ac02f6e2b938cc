/**
 * A bound on the events this process is storing at once. Past it, POST /api/v1/events answers 429 with Retry-After
 * instead of queueing without limit (memory, and database connections other requests need); clients back off and retry.
 */
import { AppError } from '@/lib/errors';

export const RETRY_AFTER_SECONDS = 1;

export class IngestBudget {
  private inFlight = 0;

  constructor(private readonly max: number) {}

  /** Takes room for `events` events or throws RATE_LIMITED; call the returned function when they are stored. */
  acquire(events: number): () => void {
    // One batch always fits when nothing else is in flight, however small the budget.
    if (this.inFlight > 0 && this.inFlight + events > this.max) {
      throw new AppError('RATE_LIMITED', `The server is storing as many events as it takes at once; send them again in ${RETRY_AFTER_SECONDS} s.`, {
        data: { retryAfterSeconds: RETRY_AFTER_SECONDS },
      });
    }
    this.inFlight += events;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= events;
    };
  }

  get current(): number {
    return this.inFlight;
  }
}
