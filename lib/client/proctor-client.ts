/**
 * Node/TypeScript Proctor client for applications (docs/client.md). It loads an environment's test matrix from the
 * Proctor Studio endpoint (or a file), checks it against the application's specification the way Proctor's loaders do
 * (verifyAndConsolidate: invalid or missing required tests fall back, unknown buckets are never handed out), and keeps
 * it fresh: a change stream (Server-Sent Events) for immediacy plus ETag polling as the safety net. When the server is
 * down it keeps the last good matrix and retries with exponential backoff. It reports itself with a heartbeat so the
 * webapp knows who runs which revision and can refuse promotions that would break it.
 */
import type { Environment } from '../domain/environment';
import { isEventValue } from '../domain/event-value';
import { determineGroups, type AssignedBucket } from '../proctor/determine-groups';
import type { ProctorSpecification, TestMatrixArtifact } from '../proctor/model';
import { parseMatrix } from '../proctor/parse-definition';
import { consolidateMatrix, type VerifyMatrixResult } from '../proctor/verify-matrix';
import { EventDelivery, type DeliveryStats, type EventStore } from './event-delivery';
import { nameBasedId, uuidv7, uuidv7Maker } from './event-ids';
import { forceGroupsFromRequest, parseForceGroups, type ForceGroups } from './force-groups';
import { QueuedConversion, QueuedExposure } from './queued-events';

export type ClientEnvironment = Environment;

export interface ProctorClientOptions {
  /** Base URL of Proctor Studio, e.g. "https://proctor.example.com" (matrix at /api/v1/matrix/{environment}). */
  baseUrl?: string;
  /** A matrix file instead of the server (re-read when it changes). One of baseUrl / file is required. */
  file?: string;
  environment: ClientEnvironment;
  /** The application's Proctor specification (tests it requires, buckets, fallback values, providedContext, dynamicFilters). */
  specification: ProctorSpecification;
  /** For the heartbeat; without `token` no heartbeat is sent. */
  application?: { name: string; version: string; instanceId?: string };
  /** Application token `pct_…` (an admin creates it in Proctor Studio). */
  token?: string;
  /** ETag poll interval (default 10 s; 0 = no polling). With the stream on, polling is only the safety net. */
  pollIntervalMs?: number;
  /**
   * With `token` and `application`: fetch the application's own matrix (only its specification's tests, verified by the
   * server against the specification its heartbeat registered) instead of the full one. Default true.
   */
  ownMatrix?: boolean;
  /** Listen to the change stream (default true; ignored for files). */
  stream?: boolean;
  /** Heartbeat interval (default 30 s). A heartbeat is also sent right after a new matrix is loaded. */
  heartbeatIntervalMs?: number;
  /** Retry delays after failures: doubling from `initialMs` up to `maxMs`, with jitter (default 500 ms … 30 s). */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Whether getGroups honours forced groups (prforceGroups). Default true. */
  allowForceGroups?: boolean;
  /** Identifiers.randomEnabled for RANDOM tests (default false, like Proctor). */
  randomEnabled?: boolean;
  /** Request timeout (default 10 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Problems the client recovered from (server down, invalid matrix …); default: console.warn once per distinct message. */
  onError?: (error: Error) => void;
  /**
   * Exposure and conversion events (activate / track). On by default when `baseUrl` is set (sent to
   * {baseUrl}/api/v1/events with `events.token`, else `token`); `false` turns logging off.
   */
  events?: EventOptions | false;
}

export interface EventOptions {
  /** Events endpoint, default {baseUrl}/api/v1/events. */
  url?: string;
  /** Application token with the events scope (default: `token`). */
  token?: string;
  /** Node: folder for the queue file, so queued events survive a restart (one folder per process). Default: memory only. */
  directory?: string;
  /** Browser: localStorage key prefix (default "proctor-events:<environment>"); `false` = memory only. */
  storageKey?: string | false;
  /** Browser: send what is queued with navigator.sendBeacon when the page is hidden (default true). */
  beacon?: boolean;
  /** Longest wait before queued events are sent (default 100 ms). */
  flushIntervalMs?: number;
  /** Send as soon as this many events are queued (default 100). */
  batchSize?: number;
  /** Most events per request (default 500, at most 1,000). */
  maxBatchEvents?: number;
  /** Queue bound; when full the oldest event is dropped and counted (default 10,000; browser 1,000). */
  maxQueue?: number;
  /** Retry delays, doubling with jitter (default 500 ms … 60 s); Retry-After is honoured. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Exposures remembered per process so one unit's exposure to one test revision is logged once (default 10,000). */
  dedupeSize?: number;
  /** An EventStore of your own instead of the file / localStorage one. */
  store?: EventStore;
  /**
   * The time events are stamped with, in Unix milliseconds (default Date.now): their `time` and the timestamp of their
   * UUIDv7 id. A simulator replaying past weeks gives its simulated clock (scripts/simulate.ts).
   */
  clock?: () => number;
}

export interface TrackOptions {
  /** Amount for counting/value goals (default 1). */
  value?: number;
  /** Binary goal: counts a unit once (the event gets an id derived from environment, unit and goal). */
  unique?: boolean;
}

/** What differs between Node and the browser: the only place platform APIs enter the client. */
export interface ClientPlatform {
  instanceId(): string;
  /** Node only: `file:` matrices. */
  readMatrixFile?(file: string, lastMtimeMs: number): Promise<{ text: string; mtimeMs: number } | null>;
  /** The store that keeps queued events across restarts, or null for memory only. */
  eventStore?(options: EventOptions, environment: Environment): EventStore | null;
  /** Called once the delivery exists (the browser hooks page hiding here). */
  attachDelivery?(delivery: EventDelivery, options: EventOptions, token: string | undefined, url: string): void;
  /** Default queue bound. */
  defaultMaxQueue?: number;
}

export interface MatrixUpdate {
  revision: string | null;
  previousRevision: string | null;
  /** Required tests replaced by their fallback in this matrix. */
  fallbackTests: string[];
  loadedAt: number;
}

export interface GroupsOptions {
  /** "test1:1,test2:0" or parsed; overrides cookie/query. */
  forceGroups?: string | ForceGroups;
  /** Cookie header of the request (the prforceGroups cookie is read from it). */
  cookie?: string | null;
  /** Query string / params of the request (prforceGroups parameter). */
  query?: URLSearchParams | string | null;
  /** Only these tests. */
  testNames?: string[];
}

export interface ProctorGroups {
  /** Bucket per test that was assigned; a test absent here uses its fallback (see `value`). */
  buckets: Record<string, AssignedBucket>;
  /** Matrix revision the assignment was made with (null: none loaded, everything falls back). */
  revision: string | null;
  /** Bucket value for a test: the assigned one, else the specification's fallbackValue (default -1). */
  value(testName: string): number;
  /** Tests that were forced in this call. */
  forced: string[];
  /**
   * The bucket value, like `value(test)`, and logs this unit's exposure to the test (once per unit and test revision
   * in this process). Silent tests, forced groups and tests without a unit id for their type are not logged.
   */
  activate(testName: string): number;
}

export interface ClientStatus {
  revision: string | null;
  loadedAt: number | null;
  source: 'server' | 'file';
  /** Last failure to reach the source or load the matrix; cleared by the next success. */
  lastError: { message: string; at: number } | null;
  streamConnected: boolean;
  consecutiveFailures: number;
  verification: VerifyMatrixResult | null;
}

const EMPTY_AUDIT = { version: '', updated: 0, updatedDate: '', updatedBy: '' };
const own = <T>(record: Record<string, T> | undefined, key: string): T | undefined => (record && Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined);

/** Without a platform (tests of the core): no files, no stored queue. */
const BARE_PLATFORM: ClientPlatform = {
  instanceId: () => {
    const bytes = new Uint8Array(3);
    globalThis.crypto.getRandomValues(bytes);
    return `client-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  },
};

/** Node: the client's timers do not keep the process alive (browsers have no unref). */
function unrefTimer(timer: ReturnType<typeof setTimeout>): void {
  (timer as { unref?: () => void }).unref?.();
}

function sleepMs(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/** The client without platform APIs; `ProctorClient` from lib/client (Node) or lib/client/browser adds them. */
export class ProctorClientCore {
  private readonly options: ProctorClientOptions;
  private readonly platform: ClientPlatform;
  private readonly delivery: EventDelivery | null;
  /**
   * Exposures logged by this process, in two generations: when the current one is full it becomes the previous one
   * and the oldest generation is forgotten. Bounded, O(1), no first-entry deletes.
   */
  private exposed = new Map<string, Set<string>>();
  private exposedBefore = new Map<string, Set<string>>();
  private exposedCount = 0;
  private readonly clock: () => number;
  private readonly newId: (nowMs: number) => string;
  private readonly fetchImpl: typeof fetch;
  private readonly stopper = new AbortController();
  private matrix: TestMatrixArtifact;
  private verification: VerifyMatrixResult | null = null;
  private revisionValue: string | null = null;
  private etag: string | null = null;
  private fileMtime = 0;
  private loadedAt: number | null = null;
  private lastError: ClientStatus['lastError'] = null;
  private failures = 0;
  private streamConnected = false;
  private refreshing: Promise<boolean> | null = null;
  private refreshAgain = false;
  private readonly listeners = new Set<(update: MatrixUpdate) => void>();
  private readonly instanceId: string;
  private reportedErrors = new Set<string>();
  private pollTimer: ReturnType<typeof setInterval> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private started = false;

  constructor(options: ProctorClientOptions, platform: ClientPlatform = BARE_PLATFORM) {
    if (!options.baseUrl === !options.file) throw new Error('ProctorClient: give exactly one of baseUrl or file.');
    this.options = options;
    this.platform = platform;
    this.fetchImpl = options.fetch ?? ((...args) => fetch(...args));
    this.instanceId = options.application?.instanceId ?? platform.instanceId();
    const clock = options.events && options.events.clock;
    this.clock = clock || Date.now;
    this.newId = clock ? uuidv7Maker() : uuidv7;
    this.delivery = this.createDelivery();
    // Before the first load every required test falls back, like a loader with no matrix.
    this.matrix = consolidateMatrix({ audit: EMPTY_AUDIT, tests: {} }, options.specification).matrix;
  }

  private createDelivery(): EventDelivery | null {
    const { events, baseUrl, token, environment, fetch: fetchOption } = this.options;
    if (events === false) return null;
    const eventOptions = events ?? {};
    const url = eventOptions.url ?? (baseUrl ? `${baseUrl.replace(/\/+$/, '')}/api/v1/events` : null);
    if (!url) return null;
    const eventToken = eventOptions.token ?? token;
    const delivery = new EventDelivery({
      url,
      token: eventToken,
      fetch: fetchOption,
      flushIntervalMs: eventOptions.flushIntervalMs,
      batchSize: eventOptions.batchSize,
      maxBatchEvents: eventOptions.maxBatchEvents,
      maxQueue: eventOptions.maxQueue ?? this.platform.defaultMaxQueue,
      backoff: eventOptions.backoff,
      timeoutMs: this.options.timeoutMs,
      store: eventOptions.store ?? this.platform.eventStore?.(eventOptions, environment) ?? null,
      onError: (error) => this.report(error, { fallback: true }),
    });
    this.platform.attachDelivery?.(delivery, eventOptions, eventToken, url);
    return delivery;
  }

  /** Loads once, then keeps the matrix fresh in the background until close(). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.refresh();
    const poll = this.options.pollIntervalMs ?? 10_000;
    if (poll > 0) {
      // While a backoff retry is pending the poll stays quiet, so a down server is not hammered.
      this.pollTimer = setInterval(() => {
        if (!this.retryTimer) void this.refresh();
      }, poll);
      unrefTimer(this.pollTimer);
    }
    if (this.options.baseUrl && (this.options.stream ?? true)) void this.streamLoop();
    if (this.options.baseUrl && this.options.token && this.options.application) {
      void this.sendHeartbeat();
      this.heartbeatTimer = setInterval(() => void this.sendHeartbeat(), this.options.heartbeatIntervalMs ?? 30_000);
      unrefTimer(this.heartbeatTimer);
    }
  }

  /** Stops refreshing and sending. Queued events stay in the store for the next run; `await flush()` first to send them. */
  close(): Promise<void> {
    this.stopper.abort();
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.pollTimer = this.heartbeatTimer = this.retryTimer = null;
    return this.delivery?.close() ?? Promise.resolve();
  }

  /**
   * The bucket value of one test for this unit (like `getGroups(…).value(test)`, computing only that test and what it
   * depends on), and logs the exposure. Only enqueues: no I/O on this call.
   */
  activate(testName: string, identifiers: Record<string, string | null | undefined>, context: Record<string, unknown> = {}, options: GroupsOptions = {}): number {
    return this.getGroups(identifiers, context, { ...options, testNames: [testName] }).activate(testName);
  }

  /**
   * Logs a conversion of `goal` for each unit in `identifiers` (e.g. {USER: id}). Counting/value goals add `value`
   * (default 1) each time; `unique: true` makes it a binary goal, counted once per unit however often it is tracked,
   * on however many devices. Only enqueues.
   */
  track(goal: string, identifiers: Record<string, string | null | undefined>, options: TrackOptions = {}): void {
    if (!this.delivery) return;
    if (typeof goal !== 'string' || goal === '') throw new TypeError('track: the goal must be a non-empty string.');
    if (options.value !== undefined && !isEventValue(options.value)) throw new TypeError('track: value must be a finite number, at most 1,000,000,000,000 either way.');
    const environment = this.options.environment;
    const now = this.clock();
    const unique = options.unique === true;
    for (const type in identifiers) {
      const id = identifiers[type];
      if (!id || !Object.prototype.hasOwnProperty.call(identifiers, type)) continue;
      this.delivery.enqueue(new QueuedConversion(unique ? nameBasedId(['conversion', environment, type, id, goal]) : this.newId(now), now, environment, type, id, goal, options.value, unique));
    }
  }

  /** Sends queued events now; true when the queue is empty, false when an attempt failed (it will be retried). */
  flush(): Promise<boolean> {
    return this.delivery?.flush() ?? Promise.resolve(true);
  }

  /** Resolves once every event so far is in the store (the file / localStorage): from then on it survives a kill. */
  eventsPersisted(): Promise<void> {
    return this.delivery?.persisted() ?? Promise.resolve();
  }

  /** Counters of the event queue (null when events are off). */
  eventStats(): DeliveryStats | null {
    return this.delivery?.stats() ?? null;
  }

  private logExposure(matrix: TestMatrixArtifact, testName: string, bucket: AssignedBucket | undefined, value: number, identifiers: Record<string, string | null | undefined>): void {
    const definition = own(matrix.tests, testName);
    // Silent tests are never logged; a test the loader replaced by its fallback ("default") is unknown to the server.
    // No version: the server refuses the exposure (results are split by definition revision), so it is not sent.
    if (!definition || definition.silent || !definition.version || definition.version === 'default' || !definition.testType || definition.testType === 'RANDOM') return;
    const unitId = own(identifiers, definition.testType);
    if (!unitId) return;
    const fallback = !bucket || bucket.value === -1;
    const definitionVersion = definition.version;
    // Per test revision and bucket, the units logged: the unit's id is the application's string (no key string made
    // and kept per exposure).
    const arm = `${testName}\u0000${definition.testType}\u0000${definitionVersion}\u0000${value}\u0000${fallback}`;
    if (this.exposed.get(arm)?.has(unitId) || this.exposedBefore.get(arm)?.has(unitId)) return;
    const generation = Math.max(1, Math.ceil((this.options.events ? (this.options.events.dedupeSize ?? 10_000) : 10_000) / 2));
    if (this.exposedCount >= generation) {
      this.exposedBefore = this.exposed;
      this.exposed = new Map();
      this.exposedCount = 0;
    }
    let units = this.exposed.get(arm);
    if (!units) this.exposed.set(arm, (units = new Set()));
    units.add(unitId);
    this.exposedCount++;
    const now = this.clock();
    this.delivery!.enqueue(
      new QueuedExposure(this.newId(now), now, this.options.environment, definition.testType, unitId, testName, value, bucket?.allocationId || undefined, fallback, definitionVersion, matrix.audit.version),
    );
  }

  /** Revision (branch head) of the matrix in use; null until one loaded. */
  get revision(): string | null {
    return this.revisionValue;
  }

  /** The consolidated matrix the application uses (required tests always present, possibly as fallbacks). */
  get currentMatrix(): TestMatrixArtifact {
    return this.matrix;
  }

  status(): ClientStatus {
    return {
      revision: this.revisionValue,
      loadedAt: this.loadedAt,
      source: this.options.file ? 'file' : 'server',
      lastError: this.lastError,
      streamConnected: this.streamConnected,
      consecutiveFailures: this.failures,
      verification: this.verification,
    };
  }

  /** Called after each new matrix is in use. Returns the unsubscribe function. */
  onUpdate(listener: (update: MatrixUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Buckets for one user/request (Proctor's determineGroups on the consolidated matrix). `identifiers` by test type
   * (USER, ACCOUNT, …); `context` holds the rule variables of the specification's providedContext.
   */
  getGroups(identifiers: Record<string, string | null | undefined>, context: Record<string, unknown> = {}, options: GroupsOptions = {}): ProctorGroups {
    const matrix = this.matrix;
    let force: ForceGroups = { groups: {} };
    if (this.options.allowForceGroups ?? true) {
      if (typeof options.forceGroups === 'string') force = parseForceGroups(options.forceGroups);
      else if (options.forceGroups) force = options.forceGroups;
      else if (options.cookie || options.query) force = forceGroupsFromRequest({ cookie: options.cookie, query: options.query });
    }
    const hasForce = Object.keys(force.groups).length > 0 || force.defaultMode !== undefined;
    const buckets = determineGroups(matrix, identifiers, context, {
      forceGroups: hasForce ? force.groups : undefined,
      forceGroupsDefaultMode: force.defaultMode,
      randomEnabled: this.options.randomEnabled ?? false,
      testNames: options.testNames,
      contextTypes: this.options.specification.providedContext,
    });
    // Never hand out a bucket the application does not know (e.g. a zero-length range, or a forced value).
    const specTests = this.options.specification.tests ?? {};
    for (const [name, bucket] of Object.entries(buckets)) {
      const spec = Object.prototype.hasOwnProperty.call(specTests, name) ? specTests[name] : undefined;
      const known = spec?.buckets ? Object.values(spec.buckets) : null;
      if (known && known.length > 0 && !known.includes(bucket.value)) delete buckets[name];
    }
    const forced = Object.keys(force.groups).filter((name) => buckets[name] && buckets[name].value === force.groups[name]);
    const value = (testName: string) => {
      const bucket = own(buckets, testName);
      if (bucket) return bucket.value;
      return own(specTests, testName)?.fallbackValue ?? -1;
    };
    return {
      buckets,
      revision: this.revisionValue,
      forced,
      value,
      activate: (testName: string) => {
        const result = value(testName);
        // Forced groups are QA looking at a bucket, not an exposure.
        if (this.delivery && !hasForce) this.logExposure(matrix, testName, own(buckets, testName), result, identifiers);
        return result;
      },
    };
  }

  /** Checks the source now (conditional GET / file mtime). Resolves true when a new matrix was loaded. */
  refresh(): Promise<boolean> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      let changed = false;
      do {
        this.refreshAgain = false;
        changed = (await this.loadOnce()) || changed;
      } while (this.refreshAgain && !this.stopper.signal.aborted);
      return changed;
    })().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** `lastError` is about reaching the source; a test falling back is reported but is not one. */
  private report(error: Error, options: { fallback?: boolean } = {}): void {
    if (!options.fallback) this.lastError = { message: error.message, at: Date.now() };
    if (this.options.onError) this.options.onError(error);
    else if (!this.reportedErrors.has(error.message)) {
      this.reportedErrors.add(error.message);
      console.warn(`[proctor-client] ${error.message}`);
    }
  }

  private async loadOnce(): Promise<boolean> {
    if (this.stopper.signal.aborted) return false;
    try {
      const loaded = this.options.file ? await this.readFile() : await this.fetchMatrix();
      this.failures = 0;
      this.lastError = null;
      if (!loaded) return false;
      this.use(loaded.matrix, loaded.revision);
      return true;
    } catch (error) {
      this.failures++;
      this.report(error as Error);
      this.scheduleRetry();
      return false;
    }
  }

  /**
   * The application's own matrix (only its specification's tests, verified by the server) when it has a token and a
   * name, else the environment's full one. The own matrix needs the specification registered by a heartbeat: when the
   * server does not know it yet (404) one is sent and the request repeated once; if it still cannot be had (an
   * events-only or revoked token, an older server) this load uses the full matrix, which is public.
   */
  private async requestMatrix(signal: AbortSignal): Promise<{ response: Response; url: string }> {
    const base = `${this.options.baseUrl!.replace(/\/+$/, '')}/api/v1/matrix/${this.options.environment}`;
    const { token, application } = this.options;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token && application && (this.options.ownMatrix ?? true)) {
      const url = `${base}/applications/${encodeURIComponent(application.name)}?version=${encodeURIComponent(application.version)}`;
      for (let attempt = 0; attempt < 2; attempt++) {
        const own = { ...headers, authorization: `Bearer ${token}`, ...(this.etag ? { 'if-none-match': this.etag } : {}) };
        const response = await this.fetchImpl(url, { headers: own, signal });
        if (response.status !== 404 && response.status !== 401 && response.status !== 403) return { response, url };
        await response.body?.cancel();
        if (response.status !== 404 || attempt > 0) break;
        await this.sendHeartbeat();
      }
    }
    if (this.etag) headers['if-none-match'] = this.etag;
    return { response: await this.fetchImpl(base, { headers, signal }), url: base };
  }

  private async fetchMatrix(): Promise<{ matrix: TestMatrixArtifact; revision: string } | null> {
    const { response, url } = await this.requestMatrix(AbortSignal.any([this.stopper.signal, AbortSignal.timeout(this.options.timeoutMs ?? 10_000)]));
    if (response.status === 304) {
      await response.body?.cancel();
      return null;
    }
    const text = await response.text();
    if (!response.ok) throw new Error(`Loading the ${this.options.environment} matrix from ${url} failed: HTTP ${response.status} ${text.slice(0, 200)}`);
    const matrix = parseMatrix(text);
    const etag = response.headers.get('etag');
    const revision = response.headers.get('x-proctor-revision') ?? matrix.audit.version;
    if (revision === this.revisionValue) {
      this.etag = etag;
      return null;
    }
    this.etag = etag;
    return { matrix, revision };
  }

  private async readFile(): Promise<{ matrix: TestMatrixArtifact; revision: string } | null> {
    if (!this.platform.readMatrixFile) throw new Error('Matrix files can only be read by the Node client.');
    const read = await this.platform.readMatrixFile(this.options.file!, this.revisionValue === null ? -1 : this.fileMtime);
    if (!read) return null;
    const matrix = parseMatrix(read.text);
    this.fileMtime = read.mtimeMs;
    const revision = matrix.audit.version || String(read.mtimeMs);
    return revision === this.revisionValue ? null : { matrix, revision };
  }

  private use(raw: TestMatrixArtifact, revision: string): void {
    const { matrix, result } = consolidateMatrix(raw, this.options.specification, undefined, { matrixSource: `${raw.audit.updatedBy}@${revision}` });
    const fallbackTests = [...Object.keys(result.errors), ...result.missing.filter((t) => Object.prototype.hasOwnProperty.call(this.options.specification.tests ?? {}, t))];
    for (const [test, messages] of Object.entries(result.errors)) this.report(new Error(`Test ${test} falls back to its fallback bucket: ${messages[0]}`), { fallback: true });
    const previousRevision = this.revisionValue;
    this.matrix = matrix;
    this.verification = result;
    this.revisionValue = revision;
    this.loadedAt = Date.now();
    const update: MatrixUpdate = { revision, previousRevision, fallbackTests, loadedAt: this.loadedAt };
    for (const listener of [...this.listeners]) {
      try {
        listener(update);
      } catch {
        // a listener's failure is the application's
      }
    }
    if (this.heartbeatTimer) void this.sendHeartbeat();
  }

  /** After a failure: try again after the backoff delay (doubling with each consecutive failure). */
  private scheduleRetry(): void {
    if (this.retryTimer || this.stopper.signal.aborted || !this.started) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.refresh();
    }, this.backoffMs(this.failures - 1));
    unrefTimer(this.retryTimer);
  }

  private backoffMs(attempt: number): number {
    const initial = this.options.backoff?.initialMs ?? 500;
    const max = this.options.backoff?.maxMs ?? 30_000;
    const base = Math.min(max, initial * 2 ** Math.min(attempt, 20));
    return Math.round(base / 2 + Math.random() * (base / 2));
  }

  /** Reads `event: revision` messages; reconnects with backoff; each (re)connect also refreshes (missed events). */
  private async streamLoop(): Promise<void> {
    const url = `${this.options.baseUrl!.replace(/\/+$/, '')}/api/v1/matrix/${this.options.environment}/events`;
    let attempt = 0;
    while (!this.stopper.signal.aborted) {
      try {
        const response = await this.fetchImpl(url, { headers: { accept: 'text/event-stream' }, signal: this.stopper.signal });
        if (!response.ok || !response.body) throw new Error(`Change stream ${url}: HTTP ${response.status}`);
        this.streamConnected = true;
        attempt = 0;
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
            this.onStreamEvent(block);
          }
        }
        throw new Error(`Change stream ${url} closed by the server`);
      } catch (error) {
        this.streamConnected = false;
        if (this.stopper.signal.aborted) return;
        this.report(error as Error);
        await sleepMs(this.backoffMs(attempt++), this.stopper.signal);
      }
    }
  }

  private onStreamEvent(block: string): void {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (event !== 'revision' || data.length === 0) return;
    try {
      const payload = JSON.parse(data.join('\n')) as { revision?: string | null };
      if (payload.revision && payload.revision !== this.revisionValue) void this.refresh();
    } catch {
      // not ours
    }
  }

  /** Tells Proctor Studio who we are and which revision we run. Failures only count as errors; the app goes on. */
  async sendHeartbeat(): Promise<void> {
    const { baseUrl, token, application, environment, specification } = this.options;
    if (!baseUrl || !token || !application || this.stopper.signal.aborted) return;
    try {
      const response = await this.fetchImpl(`${baseUrl.replace(/\/+$/, '')}/api/v1/heartbeat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          application: application.name,
          version: application.version,
          environment,
          instanceId: this.instanceId,
          matrixRevision: this.revisionValue,
          matrixLoadedAt: this.loadedAt,
          specification,
          fallbackTests: this.verification ? [...Object.keys(this.verification.errors), ...this.verification.missing.filter((t) => Object.prototype.hasOwnProperty.call(specification.tests ?? {}, t))] : Object.keys(specification.tests ?? {}),
        }),
        signal: AbortSignal.any([this.stopper.signal, AbortSignal.timeout(this.options.timeoutMs ?? 10_000)]),
      });
      const body = (await response.json().catch(() => null)) as { currentRevision?: string | null; message?: string } | null;
      if (!response.ok) throw new Error(`Heartbeat refused: HTTP ${response.status} ${body?.message ?? ''}`.trim());
      if (body?.currentRevision && body.currentRevision !== this.revisionValue) void this.refresh();
    } catch (error) {
      if (!this.stopper.signal.aborted) this.report(error as Error);
    }
  }

  /** The id this instance reports in its heartbeat. */
  get instance(): string {
    return this.instanceId;
  }
}

