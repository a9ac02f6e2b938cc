/**
 * Delivery of exposure and conversion events to Proctor Studio (POST /api/v1/events; the wire contract is
 * docs/events.md). The application's call only puts the event in an in-memory queue; everything else happens on timers:
 * persisting the queue (an EventStore: a file in Node, localStorage in the browser), sending it in batches (≈100 ms
 * or `batchSize` events, whichever comes first), and retrying with exponential backoff and jitter that honours
 * Retry-After. The server answers per event; accepted, duplicate and rejected are final, so an event leaves the queue
 * only then — delivery is at least once, and the event ids make counting exactly once. Pure: runs in Node and in the
 * browser.
 */
import type { Environment } from '../domain/environment';

export interface EventUnit {
  /** Proctor identifier type, e.g. "USER". */
  type: string;
  id: string;
}

export interface ExposureEvent {
  id: string;
  type: 'exposure';
  time: string;
  environment: Environment;
  unit: EventUnit;
  test: string;
  bucket: number;
  allocationId?: string;
  fallback?: boolean;
  definitionVersion: string;
  matrixVersion: string;
}

export interface ConversionEvent {
  id: string;
  type: 'conversion';
  time: string;
  environment: Environment;
  unit: EventUnit;
  goal: string;
  value?: number;
  unique?: boolean;
}

export type ClientEvent = ExposureEvent | ConversionEvent;

/** An event in a compact form of its own (lib/client/queued-events.ts): its wire JSON is built when sent or stored. */
export interface QueuedEvent {
  readonly id: string;
  toJSON(): ClientEvent;
}

/** What the queue holds: compact records from activate/track, plain events from the store or a caller. */
export type Queued = ClientEvent | QueuedEvent;

const toEvent = (event: Queued): ClientEvent => ('toJSON' in event ? event.toJSON() : event);

export type EventStatus = 'accepted' | 'duplicate' | 'rejected';

/** Where the queue survives a restart. Called off the application's call path, one call at a time. */
export interface EventStore {
  /** Events a previous run left unsent, oldest first. */
  load(): Promise<ClientEvent[]>;
  /** Records what changed since the last write: events added (in order) and ids that left the queue. */
  write(change: { added: ClientEvent[]; removed: string[]; snapshot: () => ClientEvent[] }): Promise<void>;
  /** Saves the whole queue synchronously, where the platform allows it (the browser, when the page is hidden). */
  writeNow?(snapshot: ClientEvent[]): void;
  close?(): void;
}

export interface EventDeliveryOptions {
  /** Full address of the events endpoint. */
  url: string;
  /** Application token with the events scope (sent as `Authorization: Bearer`). */
  token?: string;
  fetch?: typeof fetch;
  /** Longest wait before queued events are sent (default 100 ms). */
  flushIntervalMs?: number;
  /** Send as soon as this many events are queued (default 100). */
  batchSize?: number;
  /** Most events in one request (default 500; the server takes at most 1,000). */
  maxBatchEvents?: number;
  /** Most bytes in one request body (default 512 KiB; the server refuses over 1 MiB with 413). */
  maxBatchBytes?: number;
  /** Queue bound: when full, the oldest event is dropped and counted in `stats().dropped` (default 10,000). */
  maxQueue?: number;
  /** Retry delays: doubling from `initialMs` up to `maxMs`, each drawn between half and all of it (default 500 ms … 60 s). */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Request timeout (default 10 s). */
  timeoutMs?: number;
  store?: EventStore | null;
  onError?: (error: Error) => void;
  /** Uniform [0,1) source for the jitter (tests). */
  random?: () => number;
}

export interface DeliveryStats {
  queued: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Events a whole-batch 4xx answer (401, 403, 422 …) refused: dropped, not retried. */
  refused: number;
  /** Oldest events dropped because the queue was full. */
  dropped: number;
  /** Identical ids enqueued again while the first was still queued (once-per-unit events). */
  collapsed: number;
  requests: number;
  /** Failed attempts that were scheduled for a retry. */
  retries: number;
  /** The delay chosen for the last retry, in ms. */
  lastRetryDelayMs: number | null;
  persistFailures: number;
}

/** Seconds or an HTTP date (RFC 9110 §10.2.3) → milliseconds from `now`; null when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Longest Retry-After honoured, so a wrong header cannot stop delivery for days. */
const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * Delay before retry number `attempt` (0-based): exponential, drawn between half and all of the step ("equal
 * jitter", so clients that failed together do not come back together); never shorter than the server's Retry-After,
 * to which up to 10% of jitter is added for the same reason.
 */
export function retryDelayMs(attempt: number, retryAfterMs: number | null, backoff: { initialMs?: number; maxMs?: number } = {}, random: () => number = Math.random): number {
  const initial = backoff.initialMs ?? 500;
  const max = backoff.maxMs ?? 60_000;
  const step = Math.min(max, initial * 2 ** Math.min(attempt, 30));
  const backoffDelay = step / 2 + random() * (step / 2);
  if (retryAfterMs === null) return Math.round(backoffDelay);
  const floor = Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
  return Math.round(Math.max(backoffDelay, floor + random() * floor * 0.1));
}

const FINAL = new Set<string>(['accepted', 'duplicate', 'rejected']);

/** Node: timers must not keep the application's process alive (what is queued is stored for the next run). */
function background<T extends ReturnType<typeof setTimeout>>(timer: T): T {
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

export class EventDelivery {
  private readonly options: EventDeliveryOptions;
  private readonly fetchImpl: typeof fetch;
  /**
   * The queue: id → event for membership and removal by id, and `order` (from `head`) for oldest-first. An event is
   * live while the map holds exactly it; dead entries in `order` are skipped and compacted away. (Deleting a Map's
   * first entry over and over leaves tombstones that every later first-entry lookup walks: O(n) per drop.)
   */
  private readonly queue = new Map<string, Queued>();
  private order: Queued[] = [];
  private head = 0;
  private added: Queued[] = [];
  private removed: string[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private flushDueAt = Infinity;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private persistTimer: ReturnType<typeof setTimeout> | null = null;
  private persisting: Promise<void> = Promise.resolve();
  private sending: Promise<boolean> | null = null;
  private failures = 0;
  private batchLimit: number;
  private closed = false;
  private readonly loaded: Promise<void>;
  private readonly counters: Omit<DeliveryStats, 'queued'> = {
    accepted: 0, duplicates: 0, rejected: 0, refused: 0, dropped: 0, collapsed: 0, requests: 0, retries: 0, lastRetryDelayMs: null, persistFailures: 0,
  };
  private readonly reported = new Set<string>();

  constructor(options: EventDeliveryOptions) {
    this.options = options;
    this.fetchImpl = options.fetch ?? ((...args) => fetch(...args));
    this.batchLimit = this.maxBatchEvents;
    this.loaded = this.load();
  }

  private get maxBatchEvents(): number {
    return Math.max(1, Math.min(1000, this.options.maxBatchEvents ?? 500));
  }

  /** Puts an event in the queue; returns at once (no I/O here). */
  enqueue(event: Queued): void {
    if (this.closed) return;
    if (this.queue.has(event.id)) {
      this.counters.collapsed++;
      return;
    }
    this.queue.set(event.id, event);
    this.order.push(event);
    if (this.options.store) this.added.push(event);
    this.trim();
    if (!this.persistTimer && this.options.store) this.persistTimer = setTimeout(() => this.persist(), 0); // not unref'd: a process about to exit still writes its queue
    this.scheduleFlush(this.queue.size >= (this.options.batchSize ?? 100) ? 0 : (this.options.flushIntervalMs ?? 100));
  }

  stats(): DeliveryStats {
    return { queued: this.queue.size, ...this.counters };
  }

  /** Queued events, oldest first (for a beacon, or to look at). */
  pending(): ClientEvent[] {
    return Array.from(this.live(), toEvent);
  }

  private *live(): Generator<Queued> {
    this.skipDead();
    for (let i = this.head; i < this.order.length; i++) {
      const event = this.order[i];
      if (this.queue.get(event.id) === event) yield event;
    }
  }

  /** Moves `head` past events that left the queue, and compacts `order` when mostly dead. */
  private skipDead(): void {
    while (this.head < this.order.length && this.queue.get(this.order[this.head].id) !== this.order[this.head]) this.head++;
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }

  /** Resolves once every change so far is written to the store (and the stored queue is loaded). */
  async persisted(): Promise<void> {
    await this.loaded;
    if (this.persistTimer) {
      clearTimeout(this.persistTimer);
      this.persist();
    }
    await this.persisting;
  }

  /** Sends now, until the queue is empty (true) or an attempt fails (false; its retry stays scheduled). */
  async flush(): Promise<boolean> {
    await this.loaded;
    for (;;) {
      if (this.closed) return this.queue.size === 0;
      if (this.sending) {
        if (!(await this.sending)) return false;
        continue;
      }
      if (this.queue.size === 0) return true;
      if (this.retryTimer) {
        clearTimeout(this.retryTimer);
        this.retryTimer = null;
      }
      if (!(await this.send())) return false;
    }
  }

  /** The body of a last-chance request (navigator.sendBeacon): the oldest events that fit in `maxBytes`. */
  beaconBody(maxBytes: number, token?: string): string | null {
    if (this.queue.size === 0) return null;
    return this.buildBody(this.maxBatchEvents, maxBytes, token)?.body ?? null;
  }

  /** Saves the whole queue at once where the store can (page being hidden). */
  saveNow(): void {
    if (!this.options.store?.writeNow) return;
    try {
      this.options.store.writeNow(this.pending());
      this.added = [];
      this.removed = [];
    } catch (error) {
      this.counters.persistFailures++;
      this.report(new Error(`Could not save the event queue: ${(error as Error).message}`));
    }
  }

  /** Stops the timers; what is queued stays in the store for the next run. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.persisted().catch(() => undefined);
    this.closed = true;
    for (const timer of [this.flushTimer, this.retryTimer, this.persistTimer]) if (timer) clearTimeout(timer);
    this.flushTimer = this.retryTimer = this.persistTimer = null;
    await this.sending?.catch(() => undefined);
    await this.persisted().catch(() => undefined);
    this.options.store?.close?.();
  }

  private async load(): Promise<void> {
    const store = this.options.store;
    if (!store) return;
    try {
      const stored = await store.load();
      if (stored.length === 0) return;
      // Stored events are older than anything enqueued meanwhile: they go first.
      const newer = [...this.live()];
      this.queue.clear();
      this.order = [];
      this.head = 0;
      for (const event of [...stored, ...newer]) {
        if (this.queue.has(event.id)) this.counters.collapsed++;
        else {
          this.queue.set(event.id, event);
          this.order.push(event);
        }
      }
      this.trim();
      this.scheduleFlush(0);
    } catch (error) {
      this.counters.persistFailures++;
      this.report(new Error(`Could not read the stored event queue: ${(error as Error).message}`));
    }
  }

  /** Drop-oldest when over the bound. */
  private trim(): void {
    const max = this.options.maxQueue ?? 10_000;
    while (this.queue.size > max) {
      this.skipDead();
      const oldest = this.order[this.head++];
      this.queue.delete(oldest.id);
      if (this.options.store) this.removed.push(oldest.id);
      this.counters.dropped++;
    }
  }

  private persist(): void {
    this.persistTimer = null;
    const store = this.options.store;
    if (!store || (this.added.length === 0 && this.removed.length === 0)) return;
    const gone = new Set(this.removed);
    // An event added and gone before it was ever written needs neither record.
    const added = this.added.filter((event) => !gone.has(event.id) || this.queue.has(event.id)).map(toEvent);
    const addedIds = new Set(this.added.map((event) => event.id));
    const removed = this.removed.filter((id) => !addedIds.has(id) || this.queue.has(id));
    this.added = [];
    this.removed = [];
    this.persisting = this.persisting
      .then(() => this.loaded)
      .then(() => store.write({ added, removed, snapshot: () => this.pending() }))
      .catch((error) => {
        this.counters.persistFailures++;
        this.report(new Error(`Could not save the event queue: ${(error as Error).message}`));
      });
  }

  private scheduleFlush(delayMs: number): void {
    if (this.closed || this.sending || this.retryTimer) return;
    const due = Date.now() + delayMs;
    if (this.flushTimer && due >= this.flushDueAt) return;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushDueAt = due;
    this.flushTimer = background(setTimeout(() => {
      this.flushTimer = null;
      this.flushDueAt = Infinity;
      void this.loaded.then(() => this.send());
    }, delayMs));
  }

  private buildBody(limit: number, maxBytes: number, token?: string): { body: string; ids: string[] } | null {
    const ids: string[] = [];
    const parts: string[] = [];
    let bytes = 14 + (token ? token.length + 12 : 0);
    for (const event of this.live()) {
      if (ids.length >= limit) break;
      const json = JSON.stringify(event);
      // JSON text of our events is mostly ASCII; count non-ASCII as up to 3 bytes so the bound holds.
      const size = json.length + (/[^\x00-\x7f]/.test(json) ? json.length * 2 : 0) + 1;
      if (ids.length > 0 && bytes + size > maxBytes) break;
      ids.push(event.id);
      parts.push(json);
      bytes += size;
    }
    if (ids.length === 0) return null;
    const head = token ? `{"token":${JSON.stringify(token)},"events":[` : '{"events":[';
    return { body: `${head}${parts.join(',')}]}`, ids };
  }

  /** One request with the oldest queued events. Resolves true when it got a usable answer. */
  private send(): Promise<boolean> {
    if (this.sending) return this.sending;
    if (this.closed || this.queue.size === 0) return Promise.resolve(true);
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
      this.flushDueAt = Infinity;
    }
    this.sending = this.sendBatch().finally(() => {
      this.sending = null;
      if (!this.closed && !this.retryTimer && this.queue.size > 0) {
        this.scheduleFlush(this.queue.size >= (this.options.batchSize ?? 100) ? 0 : (this.options.flushIntervalMs ?? 100));
      }
    });
    return this.sending;
  }

  private async sendBatch(): Promise<boolean> {
    const batch = this.buildBody(this.batchLimit, this.options.maxBatchBytes ?? 512 * 1024);
    if (!batch) return true;
    this.counters.requests++;
    let response: Response;
    let text: string;
    try {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
      response = await this.fetchImpl(this.options.url, {
        method: 'POST',
        headers,
        body: batch.body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      text = await response.text();
    } catch (error) {
      return this.retryLater(new Error(`Sending events to ${this.options.url} failed: ${(error as Error).message}`), null);
    }
    if (response.status === 413) {
      if (batch.ids.length === 1) {
        this.finish(batch.ids[0], 'rejected');
        this.report(new Error(`Proctor Studio refused event ${batch.ids[0]} as too large (413); it was dropped.`));
        this.batchLimit = this.maxBatchEvents;
        return true;
      }
      // Split: the next attempt carries half as many events.
      this.batchLimit = Math.max(1, Math.ceil(batch.ids.length / 2));
      return true;
    }
    if (response.status === 429 || response.status === 408 || response.status >= 500) {
      return this.retryLater(new Error(`Proctor Studio answered ${response.status} to an event batch; retrying.`), parseRetryAfter(response.headers.get('retry-after')));
    }
    if (response.status >= 400) {
      for (const id of batch.ids) this.finish(id, null);
      this.counters.refused += batch.ids.length;
      this.report(new Error(`Proctor Studio refused an event batch (HTTP ${response.status}, not retried): ${text.slice(0, 200)}`));
      return true;
    }
    const results = readResults(text);
    if (!results) return this.retryLater(new Error(`Proctor Studio's answer to an event batch is not the expected JSON (HTTP ${response.status}); retrying.`), null);
    const sent = new Set(batch.ids);
    let answered = 0;
    for (const result of results) {
      if (!sent.has(result.id)) continue;
      sent.delete(result.id);
      answered++;
      this.finish(result.id, result.status);
      if (result.status === 'rejected') this.report(new Error(`Proctor Studio rejected an event: ${result.reason ?? 'no reason given'}`));
    }
    if (sent.size > 0) {
      // Events the answer does not mention stay queued; a partial answer counts as a failure so they back off.
      return this.retryLater(new Error(`Proctor Studio's answer left ${sent.size} of ${batch.ids.length} events without a result; retrying them.`), null, answered > 0);
    }
    this.failures = 0;
    this.batchLimit = this.maxBatchEvents;
    return true;
  }

  private finish(id: string, status: EventStatus | null): void {
    if (!this.queue.delete(id)) return;
    if (this.options.store) this.removed.push(id);
    if (status === 'accepted') this.counters.accepted++;
    else if (status === 'duplicate') this.counters.duplicates++;
    else if (status === 'rejected') this.counters.rejected++;
    if (!this.persistTimer && this.options.store) this.persistTimer = setTimeout(() => this.persist(), 0); // not unref'd: a process about to exit still writes its queue
  }

  private retryLater(error: Error, retryAfterMs: number | null, progressed = false): boolean {
    this.report(error);
    if (this.closed) return false;
    const delay = retryDelayMs(progressed ? 0 : this.failures, retryAfterMs, this.options.backoff, this.options.random);
    this.failures++;
    this.counters.retries++;
    this.counters.lastRetryDelayMs = delay;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = background(setTimeout(() => {
      this.retryTimer = null;
      void this.send();
    }, delay));
    return false;
  }

  private report(error: Error): void {
    if (this.options.onError) this.options.onError(error);
    else if (!this.reported.has(error.message)) {
      this.reported.add(error.message);
      console.warn(`[proctor-client] ${error.message}`);
    }
  }
}

/** The `results` of a 200 answer, or null when the answer is not the contract's shape. */
function readResults(text: string): { id: string; status: EventStatus; reason?: string }[] | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  const results = (body as { results?: unknown } | null)?.results;
  if (!Array.isArray(results)) return null;
  const out: { id: string; status: EventStatus; reason?: string }[] = [];
  for (const result of results) {
    const { id, status, reason } = (result ?? {}) as { id?: unknown; status?: unknown; reason?: unknown };
    if (typeof id !== 'string' || typeof status !== 'string' || !FINAL.has(status)) continue;
    out.push({ id, status: status as EventStatus, reason: typeof reason === 'string' ? reason : undefined });
  }
  return out;
}
