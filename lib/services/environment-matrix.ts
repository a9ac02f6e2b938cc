/**
 * The per-environment test matrix (Proctor's TestMatrixArtifact), built from the branch head and kept in memory. A
 * matrix that fails validation is never served: the last good one stays, and the failure is reported with it. A fresh
 * process finds the last good one in the branch's history.
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

const states = new Map<Environment, MatrixState>();
const building = new Map<string, Promise<MatrixState>>();

/**
 * How many commits back a process that has no last good matrix yet (a fresh start) looks for one when the head's does
 * not build, so that one bad definition (e.g. committed outside the app) does not leave every application of the
 * environment without a matrix after a restart.
 */
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

async function build(store: DefinitionStore, env: Environment, head: Revision): Promise<MatrixState> {
  const state = states.get(env) ?? { current: null, failure: null };
  try {
    const next: MatrixState = { current: await buildAt(store, env, head, await store.listDefinitions(env)), failure: null };
    states.set(env, next);
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
    states.set(env, next);
    return next;
  }
}

/** The matrix state for the branch's current head, building it once per head. */
export async function getEnvironmentMatrix(store: DefinitionStore, env: Environment): Promise<MatrixState> {
  const head = await store.head(env);
  if (!head) return { current: null, failure: { revision: '', message: `The ${env} branch has no commits yet.`, details: [], at: Date.now() } };
  const state = states.get(env);
  if (state && (state.current?.revision === head || state.failure?.revision === head)) return state;
  const key = `${env}:${head}`;
  let pending = building.get(key);
  if (!pending) {
    pending = build(store, env, head).finally(() => building.delete(key));
    building.set(key, pending);
  }
  return pending;
}

/** For the HTTP endpoint: the last good matrix, or NOT_READY explaining why there is none. */
export async function requireEnvironmentMatrix(store: DefinitionStore, env: Environment): Promise<BuiltMatrix & { failure: MatrixState['failure'] }> {
  const state = await getEnvironmentMatrix(store, env);
  if (!state.current) {
    throw new AppError('NOT_READY', `No valid test matrix for ${env} yet: ${state.failure?.message ?? 'not built'}`, { details: state.failure?.details ?? [] });
  }
  return { ...state.current, failure: state.failure };
}

export interface EnvironmentMatrixStatus {
  env: Environment;
  /** Head of the branch now. */
  head: string | null;
  /** Revision of the matrix being served (the last good one); null when none could be built yet. */
  revision: string | null;
  testCount: number;
  builtAt: number | null;
  /** Bytes of the served matrix. */
  size: number;
  /** The newest head failed validation: it is not served or published. Shown on the Matrix page. */
  failure: MatrixState['failure'];
  /** Revision last written to PROCTOR_MATRIX_PUBLISH_DIR (null when publishing is off or nothing written yet). */
  publishedRevision: string | null;
  publishError: string | null;
  /** Open change-stream connections for this environment in this process. */
  streamSubscribers: number;
}

/** For the Matrix page: per environment, what is served, whether the newest head failed, and where it is published. */
export async function getMatrixStatus(store: DefinitionStore, envs: readonly Environment[] = ['trunk', 'qa', 'production']): Promise<EnvironmentMatrixStatus[]> {
  // Imported lazily: the distribution imports this module.
  const { currentMatrixDistribution } = await import('@/lib/distribution/matrix-distribution');
  const distribution = currentMatrixDistribution();
  return Promise.all(
    envs.map(async (env) => {
      const state = await getEnvironmentMatrix(store, env);
      const current = state.current;
      const publishError = distribution?.lastPublishError?.env === env ? distribution.lastPublishError.message : null;
      return {
        env,
        head: await store.head(env),
        revision: current?.revision ?? null,
        testCount: current ? Object.keys(current.artifact.tests).length : 0,
        builtAt: current?.builtAt ?? null,
        size: current ? Buffer.byteLength(current.body) : 0,
        failure: state.failure,
        publishedRevision: distribution?.publishedRevision(env) ?? null,
        publishError,
        streamSubscribers: distribution?.subscriberCount(env) ?? 0,
      };
    }),
  );
}
