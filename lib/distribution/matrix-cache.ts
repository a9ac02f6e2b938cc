/**
 * The per-environment test matrix (Proctor's TestMatrixArtifact), built from the branch head and kept in memory, one
 * cache per store: two stores in one process (tests, a CLI beside the app) never see each other's matrices. A matrix
 * that fails validation is never served: the last good one stays, and the failure is reported with it. A fresh process
 * finds the last good one in the branch's history.
 */
import { AppError, isAppError } from '@/lib/errors';
import { buildMatrix } from '@/lib/proctor/build-matrix';
import type { TestDefinition, TestMatrixArtifact } from '@/lib/proctor/model';
import { serializeMatrix } from '@/lib/proctor/serialize-definition';
import type { DefinitionStore, Environment } from '@/lib/store';
import type { Revision } from '@/lib/domain/revision';

export interface BuiltMatrix {
  env: Environment;
  /** Branch head the matrix was built from (also its ETag). */
  revision: string;
  artifact: TestMatrixArtifact;
  /** Proctor's pretty-printed JSON. */
  body: string;
  /** `body` as UTF-8, encoded once so the endpoint serves it from memory. */
  bytes: Uint8Array;
  builtAt: number;
}

export interface MatrixState {
  current: BuiltMatrix | null;
  /** Set when the newest head could not be built; `current` is then the last good matrix. */
  failure: { revision: string; message: string; details: { path: string; message: string }[]; at: number } | null;
}

/**
 * How many commits back a process that has no last good matrix yet (a fresh start) looks for one when the head's does
 * not build, so that one bad definition (e.g. committed outside the app) does not leave every application of the
 * environment without a matrix after a restart.
 */
/** What is served: the last good matrix, with the newest head's failure if it did not build. */
export type ServedMatrix = BuiltMatrix & { failure: MatrixState['failure'] };

/** The one rule of what an environment serves: its last good matrix, or NOT_READY while none has built. */
export function servedMatrix(env: Environment, state: MatrixState): ServedMatrix {
  if (!state.current) {
    throw new AppError('NOT_READY', `No valid test matrix for ${env} yet: ${state.failure?.message ?? 'not built'}`, { details: state.failure?.details ?? [] });
  }
  return { ...state.current, failure: state.failure };
}

export const LAST_GOOD_SEARCH_COMMITS = 50;

type Listing = Array<{ testName: string; definition: TestDefinition | null; parseError?: string }>;

/** The matrix of one revision; throws VALIDATION_FAILED naming every unreadable or invalid test. */
async function buildAt(store: DefinitionStore, env: Environment, revision: Revision, listed: Listing): Promise<BuiltMatrix> {
  const unreadable = listed.filter((entry) => !entry.definition);
  if (unreadable.length > 0) {
    throw new AppError('VALIDATION_FAILED', `Failed to load current test matrix: ${unreadable.map((entry) => `${entry.testName} (${entry.parseError})`).join(', ')}`, {
      details: unreadable.map((entry) => ({ path: entry.testName, message: entry.parseError ?? 'unreadable' })),
    });
  }
  const definitions: Record<string, TestDefinition> = Object.fromEntries(listed.map((entry) => [entry.testName, entry.definition!]));
  const commit = await store.commitSummary(revision);
  const artifact = buildMatrix(definitions, {
    version: revision,
    updated: commit.committedAt,
    updatedBy: commit.author.email.includes('@') ? commit.author.email.split('@')[0] : commit.author.name,
  });
  const body = serializeMatrix(artifact);
  return { env, revision, artifact, body, bytes: Buffer.from(body, 'utf8'), builtAt: Date.now() };
}

/** The newest matrix that builds among the head's first-parent ancestors (at most LAST_GOOD_SEARCH_COMMITS), or null. */
async function lastGoodMatrix(store: DefinitionStore, env: Environment, head: Revision): Promise<BuiltMatrix | null> {
  let commit = head;
  for (let step = 0; step < LAST_GOOD_SEARCH_COMMITS; step++) {
    const parent = (await store.commitSummary(commit)).parent;
    if (!parent) return null;
    commit = parent;
    try {
      return await buildAt(store, env, commit, await store.listDefinitionsAt(env, commit));
    } catch (error) {
      if (!isAppError(error)) throw error;
    }
  }
  return null;
}

/** The matrices of one store: the last state per environment, and the builds under way (one per head). */
export class MatrixCache {
  private readonly states = new Map<Environment, MatrixState>();
  private readonly building = new Map<string, Promise<MatrixState>>();

  constructor(readonly store: DefinitionStore) {}

  /** The matrix state for the branch's current head, building it once per head. */
  async get(env: Environment): Promise<MatrixState> {
    const head = await this.store.head(env);
    if (!head) return { current: null, failure: { revision: '', message: `The ${env} branch has no commits yet.`, details: [], at: Date.now() } };
    const state = this.states.get(env);
    if (state && (state.current?.revision === head || state.failure?.revision === head)) return state;
    const key = `${env}:${head}`;
    let pending = this.building.get(key);
    if (!pending) {
      pending = this.build(env, head).finally(() => this.building.delete(key));
      this.building.set(key, pending);
    }
    return pending;
  }

  /** For the HTTP endpoint: the last good matrix, or NOT_READY explaining why there is none. */
  async require(env: Environment): Promise<ServedMatrix> {
    return servedMatrix(env, await this.get(env));
  }

  private async build(env: Environment, head: Revision): Promise<MatrixState> {
    const store = this.store;
    const state = this.states.get(env) ?? { current: null, failure: null };
    try {
      const next: MatrixState = { current: await buildAt(store, env, head, await store.listDefinitions(env)), failure: null };
      this.states.set(env, next);
      return next;
    } catch (error) {
      const failure = {
        revision: head,
        message: (error as Error).message,
        details: isAppError(error) ? error.details : [],
        at: Date.now(),
      };
      const current = state.current ?? (await lastGoodMatrix(store, env, head).catch(() => null));
      const next: MatrixState = { current, failure };
      this.states.set(env, next);
      return next;
    }
  }
}

/** Each store's cache, created on first use and gone with the store. */
const caches = new WeakMap<DefinitionStore, MatrixCache>();

export function matrixCacheFor(store: DefinitionStore): MatrixCache {
  let cache = caches.get(store);
  if (!cache) caches.set(store, (cache = new MatrixCache(store)));
  return cache;
}

/** The matrix state of `store`'s `env` branch at its current head. */
export function getEnvironmentMatrix(store: DefinitionStore, env: Environment): Promise<MatrixState> {
  return matrixCacheFor(store).get(env);
}

/** The last good matrix of `store`'s `env` branch, or NOT_READY explaining why there is none. */
export function requireEnvironmentMatrix(store: DefinitionStore, env: Environment): Promise<ServedMatrix> {
  return matrixCacheFor(store).require(env);
}
