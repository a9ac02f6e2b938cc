/**
 * The per-environment test matrix (Proctor's TestMatrixArtifact), built from the branch head and kept in memory. A
 * matrix that fails validation is never served: the last good one stays, and the failure is reported with it.
 */
import { AppError, isAppError } from '@/lib/errors';
import { buildMatrix } from '@/lib/proctor/build-matrix';
import type { TestDefinition, TestMatrixArtifact } from '@/lib/proctor/model';
import { serializeMatrix } from '@/lib/proctor/serialize-definition';
import type { DefinitionStore, Environment } from '@/lib/store';

export interface BuiltMatrix {
  env: Environment;
  /** Branch head the matrix was built from (also its ETag). */
  revision: string;
  artifact: TestMatrixArtifact;
  /** Proctor's pretty-printed bytes. */
  body: string;
  builtAt: number;
}

export interface MatrixState {
  current: BuiltMatrix | null;
  /** Set when the newest head could not be built; `current` is then the last good matrix. */
  failure: { revision: string; message: string; details: { path: string; message: string }[]; at: number } | null;
}

const states = new Map<Environment, MatrixState>();
const building = new Map<string, Promise<MatrixState>>();

async function build(store: DefinitionStore, env: Environment, head: string): Promise<MatrixState> {
  const state = states.get(env) ?? { current: null, failure: null };
  try {
    const listed = await store.listDefinitions(env);
    const unreadable = listed.filter((entry) => !entry.definition);
    if (unreadable.length > 0) {
      throw new AppError('VALIDATION_FAILED', `Failed to load current test matrix: ${unreadable.map((entry) => `${entry.testName} (${entry.parseError})`).join(', ')}`, {
        details: unreadable.map((entry) => ({ path: entry.testName, message: entry.parseError ?? 'unreadable' })),
      });
    }
    const definitions: Record<string, TestDefinition> = Object.fromEntries(listed.map((entry) => [entry.testName, entry.definition!]));
    const commit = await store.repo.readCommit(head);
    const artifact = buildMatrix(definitions, {
      version: head,
      updated: commit.committer.timestamp * 1000,
      updatedBy: commit.author.email.includes('@') ? commit.author.email.split('@')[0] : commit.author.name,
    });
    const next: MatrixState = { current: { env, revision: head, artifact, body: serializeMatrix(artifact), builtAt: Date.now() }, failure: null };
    states.set(env, next);
    return next;
  } catch (error) {
    const failure = {
      revision: head,
      message: (error as Error).message,
      details: isAppError(error) ? error.details : [],
      at: Date.now(),
    };
    const next: MatrixState = { current: state.current, failure };
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
