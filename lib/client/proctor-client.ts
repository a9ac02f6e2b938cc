/**
 * Node/TypeScript Proctor client for applications (docs/client.md). It loads an environment's test matrix from the
 * Proctor Studio endpoint (or a file), checks it against the application's specification the way Proctor's loaders do
 * (verifyAndConsolidate: invalid or missing required tests fall back, unknown buckets are never handed out), and keeps
 * it fresh: a change stream (Server-Sent Events) for immediacy plus ETag polling as the safety net. When the server is
 * down it keeps the last good matrix and retries with exponential backoff. It reports itself with a heartbeat so the
 * webapp knows who runs which revision and can refuse promotions that would break it.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import type { Environment } from '../domain/environment';
import { determineGroups, type AssignedBucket } from '../proctor/determine-groups';
import type { ProctorSpecification, TestMatrixArtifact } from '../proctor/model';
import { parseMatrix } from '../proctor/parse-definition';
import { consolidateMatrix, type VerifyMatrixResult } from '../proctor/verify-matrix';
import { forceGroupsFromRequest, parseForceGroups, type ForceGroups } from './force-groups';

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

export class ProctorClient {
  private readonly options: ProctorClientOptions;
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
  private pollTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private started = false;

  constructor(options: ProctorClientOptions) {
    if (!options.baseUrl === !options.file) throw new Error('ProctorClient: give exactly one of baseUrl or file.');
    this.options = options;
    this.fetchImpl = options.fetch ?? fetch;
    this.instanceId = options.application?.instanceId ?? `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    // Before the first load every required test falls back, like a loader with no matrix.
    this.matrix = consolidateMatrix({ audit: EMPTY_AUDIT, tests: {} }, options.specification).matrix;
  }

  /** Creates the client and waits for the first load attempt (it never throws for an unreachable server). */
  static async create(options: ProctorClientOptions): Promise<ProctorClient> {
    const client = new ProctorClient(options);
    await client.start();
    return client;
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
      this.pollTimer.unref();
    }
    if (this.options.baseUrl && (this.options.stream ?? true)) void this.streamLoop();
    if (this.options.baseUrl && this.options.token && this.options.application) {
      void this.sendHeartbeat();
      this.heartbeatTimer = setInterval(() => void this.sendHeartbeat(), this.options.heartbeatIntervalMs ?? 30_000);
      this.heartbeatTimer.unref();
    }
  }

  close(): void {
    this.stopper.abort();
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.pollTimer = this.heartbeatTimer = this.retryTimer = null;
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
    return {
      buckets,
      revision: this.revisionValue,
      forced,
      value: (testName: string) => {
        const bucket = Object.prototype.hasOwnProperty.call(buckets, testName) ? buckets[testName] : undefined;
        if (bucket) return bucket.value;
        const spec = Object.prototype.hasOwnProperty.call(specTests, testName) ? specTests[testName] : undefined;
        return spec?.fallbackValue ?? -1;
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

  private async fetchMatrix(): Promise<{ matrix: TestMatrixArtifact; revision: string } | null> {
    const url = `${this.options.baseUrl!.replace(/\/+$/, '')}/api/v1/matrix/${this.options.environment}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.etag) headers['if-none-match'] = this.etag;
    const response = await this.fetchImpl(url, { headers, signal: AbortSignal.any([this.stopper.signal, AbortSignal.timeout(this.options.timeoutMs ?? 10_000)]) });
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
    const file = this.options.file!;
    const stat = await fs.promises.stat(file);
    if (stat.mtimeMs === this.fileMtime && this.revisionValue !== null) return null;
    const matrix = parseMatrix(await fs.promises.readFile(file, 'utf8'));
    this.fileMtime = stat.mtimeMs;
    const revision = matrix.audit.version || String(stat.mtimeMs);
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
    this.retryTimer.unref();
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

export function createProctorClient(options: ProctorClientOptions): Promise<ProctorClient> {
  return ProctorClient.create(options);
}
