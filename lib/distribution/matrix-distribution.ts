/**
 * Gets a new test matrix to applications within moments of a branch moving. One per process: it watches the branch
 * heads (a watch on the bare repository's refs for immediacy, plus a short poll as a safety net, because heads move
 * by our own commits, by the periodic upstream sync and by other processes on the same repository), rebuilds the
 * environment's matrix (its store's MatrixCache keeps the last good one when a build fails), publishes the
 * new file to PROCTOR_MATRIX_PUBLISH_DIR with an atomic rename, and tells change-stream subscribers.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '@/lib/log/logger';
import { matrixCacheFor, type BuiltMatrix, type MatrixCache, type MatrixState } from './matrix-cache';
import { ENVIRONMENTS, type DefinitionStore, type Environment } from '@/lib/store';

export interface MatrixChange {
  env: Environment;
  /** Revision now served (the last good one); unchanged when only `failure` is new. */
  revision: string | null;
  failure: MatrixState['failure'];
}

export type MatrixListener = (change: MatrixChange) => void;

export interface MatrixDistributionOptions {
  /** Publish each new matrix as `<dir>/<env>/proctor-tests-matrix.json` (and `<dir>/<env>.json`); absent = off. */
  publishDir?: string;
  /** Safety-net poll of the heads, in ms (default 250). fs.watch normally reports sooner. */
  pollIntervalMs?: number;
  logger?: Logger;
}

export const MATRIX_FILE_NAME = 'proctor-tests-matrix.json';

/** Writes `body` to `file` so readers see the old bytes or the new ones, never a partial file. */
export async function writeFileAtomic(file: string, body: string): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await fs.promises.writeFile(temp, body);
    await fs.promises.rename(temp, file);
  } catch (error) {
    await fs.promises.unlink(temp).catch(() => undefined);
    throw error;
  }
}

export class MatrixDistribution {
  private readonly listeners = new Map<Environment, Set<MatrixListener>>();
  private readonly served = new Map<Environment, string | null>();
  private readonly failures = new Map<Environment, string | null>();
  private readonly published = new Map<Environment, string>();
  private timer: NodeJS.Timeout | null = null;
  private watcher: { close(): void } | null = null;
  private checking: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** Last time each env's matrix changed revision, for the status page. */
  readonly changedAt = new Map<Environment, number>();
  lastPublishError: { env: Environment; message: string; at: number } | null = null;
  /** The store's matrices, shared with the endpoint and pages that read the same store. */
  readonly matrices: MatrixCache;

  constructor(
    readonly store: DefinitionStore,
    readonly options: MatrixDistributionOptions = {},
  ) {
    this.matrices = matrixCacheFor(store);
  }

  /** Builds every environment's matrix once, then watches. Idempotent. */
  async start(): Promise<void> {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.check(), this.options.pollIntervalMs ?? 250);
    this.timer.unref();
    // Null when the platform cannot watch: the poll still works.
    this.watcher = this.store.watchBranches(() => {
      this.matrices.headsMayHaveMoved();
      void this.check();
    });
    await this.check();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.watcher?.close();
    this.watcher = null;
  }

  /** Subscribes to one environment's changes; returns the unsubscribe function. */
  subscribe(env: Environment, listener: MatrixListener): () => void {
    let set = this.listeners.get(env);
    if (!set) this.listeners.set(env, (set = new Set()));
    set.add(listener);
    return () => set!.delete(listener);
  }

  subscriberCount(env?: Environment): number {
    if (env) return this.listeners.get(env)?.size ?? 0;
    return ENVIRONMENTS.reduce((sum, e) => sum + (this.listeners.get(e)?.size ?? 0), 0);
  }

  /** Looks at the heads now; concurrent calls coalesce into at most one more pass. */
  check(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.checking) {
      this.again = true;
      return this.checking;
    }
    this.checking = (async () => {
      do {
        this.again = false;
        for (const env of ENVIRONMENTS) await this.checkEnv(env);
      } while (this.again && !this.stopped);
    })()
      .catch((error) => this.options.logger?.warn('matrix distribution check failed', { error: (error as Error).message }))
      .finally(() => {
        this.checking = null;
      });
    return this.checking;
  }

  private async checkEnv(env: Environment): Promise<void> {
    const state = await this.matrices.get(env);
    const revision = state.current?.revision ?? null;
    const failure = state.failure?.revision ?? null;
    const first = !this.served.has(env);
    if (!first && this.served.get(env) === revision && this.failures.get(env) === failure) return;
    this.served.set(env, revision);
    this.failures.set(env, failure);
    if (state.current) await this.publish(state.current);
    if (first) return;
    this.changedAt.set(env, Date.now());
    if (state.failure) this.options.logger?.warn('test matrix failed validation; serving the last good one', { env, revision: state.failure.revision, message: state.failure.message });
    const change: MatrixChange = { env, revision, failure: state.failure };
    for (const listener of [...(this.listeners.get(env) ?? [])]) {
      try {
        listener(change);
      } catch {
        // one broken subscriber must not stop the others
      }
    }
  }

  private async publish(matrix: BuiltMatrix): Promise<void> {
    const dir = this.options.publishDir;
    if (!dir || this.published.get(matrix.env) === matrix.revision) return;
    try {
      await writeFileAtomic(path.join(dir, matrix.env, MATRIX_FILE_NAME), matrix.body);
      this.published.set(matrix.env, matrix.revision);
      this.lastPublishError = null;
    } catch (error) {
      this.lastPublishError = { env: matrix.env, message: (error as Error).message, at: Date.now() };
      this.options.logger?.warn('could not publish the test matrix', { env: matrix.env, dir, error: (error as Error).message });
    }
  }

  publishedRevision(env: Environment): string | null {
    return this.published.get(env) ?? null;
  }
}

const holder = globalThis as typeof globalThis & { __proctorMatrixDistribution?: MatrixDistribution };

/** The process-wide distribution for the app's store, started on first use. */
export async function startMatrixDistribution(store: DefinitionStore, options: MatrixDistributionOptions = {}): Promise<MatrixDistribution> {
  let distribution = holder.__proctorMatrixDistribution;
  if (!distribution || distribution.store !== store) {
    distribution?.stop();
    distribution = new MatrixDistribution(store, options);
    holder.__proctorMatrixDistribution = distribution;
  }
  await distribution.start();
  return distribution;
}

/** The running distribution, if any (no side effects). */
export function currentMatrixDistribution(): MatrixDistribution | null {
  return holder.__proctorMatrixDistribution ?? null;
}
