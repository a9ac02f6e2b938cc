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
import { buildVariants, type MatrixVariants } from './matrix-variants';

export interface BuiltMatrix {
  env: Environment;
  /** Branch head the matrix was built from (also its ETag). */
  revision: string;
  artifact: TestMatrixArtifact;
  /** Proctor's pretty-printed JSON. */
  body: string;
  /** `body` as UTF-8, encoded once so the endpoint serves it from memory. */
  bytes: Uint8Array;
  /** The wire forms (identity, gzip, brotli) with their ETags, compressed once here, never per request. */
  variants: MatrixVariants;
  /** Number of tests, when `artifact` no longer holds them (a revision kept only to serve its bytes). */
  testCount?: number;
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

/**
 * Revisions per environment kept in memory for the per-revision URLs (older ones are rebuilt on request): their bytes
 * only, about 1.2× the identity size each (11 MB for a 9 MB matrix).
 */
const HELD_REVISIONS = 4;

/**
 * How long the request edge reuses a head read when nothing says a branch moved. This process's own moves are seen at
 * once (DefinitionStore.branchMoves) and another process's as soon as the ref watch reports them (headsMayHaveMoved);
 * this bounds the wait when the platform cannot watch or a report is late: the same as the distribution's poll.
 */
export const HEAD_REUSE_MS = 250;

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
  const bytes = Buffer.from(body, 'utf8');
  return { env, revision, artifact, body, bytes, variants: await buildVariants(revision, bytes), builtAt: Date.now() };
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
  /** Recently served or asked-for revisions per environment (for the immutable per-revision URLs), oldest first. */
  private readonly kept = new Map<Environment, Map<string, BuiltMatrix>>();
  private readonly buildingAt = new Map<string, Promise<BuiltMatrix | null>>();
  /** Per environment: the head read in flight and the one queued to start after it (see headReadAfterNow). */
  private readonly headReads = new Map<Environment, { running: Promise<Revision | null> | null; queued: Promise<Revision | null> | null }>();
  /** Per environment, the last head read for the edge: its answer, the move count before it began, when it began. */
  private readonly knownHeads = new Map<Environment, { head: Revision | null; moves: number; at: number }>();
  /** Reports that another process may have moved a branch (the ref watch). */
  private foreignMoves = 0;

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

  /**
   * The request edge's hot path: the state already built for the branch's current head, or null when the head moved
   * and nothing is built for it yet (then the route builds it). Reads the head, builds nothing.
   */
  async fresh(env: Environment): Promise<MatrixState | null> {
    const known = this.freshNow(env);
    if (known !== undefined) return known;
    // Counted before the read begins: a move during the read leaves its answer unreused.
    const moves = this.moves();
    const at = performance.now();
    const head = await this.headReadAfterNow(env);
    this.knownHeads.set(env, { head, moves, at });
    return this.stateAt(env, head);
  }

  /**
   * fresh() without reading: the state for the head last read, while no branch has moved since (by this process, or
   * by another as far as the ref watch has told) and for at most HEAD_REUSE_MS; undefined when the head must be read.
   * A fleet's revalidations then cost no file system call each.
   */
  freshNow(env: Environment): MatrixState | null | undefined {
    const known = this.knownHeads.get(env);
    if (!known || known.moves !== this.moves() || performance.now() - known.at > HEAD_REUSE_MS) return undefined;
    return this.stateAt(env, known.head);
  }

  /** Another process (or the git CLI) may have moved a branch: the next fresh() reads the heads again. */
  headsMayHaveMoved(): void {
    this.foreignMoves++;
  }

  private moves(): number {
    return this.store.branchMoves() + this.foreignMoves;
  }

  private stateAt(env: Environment, head: Revision | null): MatrixState | null {
    const state = this.states.get(env);
    return head && state && (state.current?.revision === head || state.failure?.revision === head) ? state : null;
  }

  /**
   * The branch head as read by a read that began after this call (never an older read's answer, so a client that saw
   * its promotion answered sees its matrix), shared by every caller waiting for the same read: under a fleet's load the
   * reads run back to back, each answering all requests that arrived during the one before, instead of one read (about
   * 0.1 ms of file system calls) per request.
   */
  headReadAfterNow(env: Environment): Promise<Revision | null> {
    let reads = this.headReads.get(env);
    if (!reads) this.headReads.set(env, (reads = { running: null, queued: null }));
    const slot = reads;
    if (slot.queued) return slot.queued;
    const start = (): Promise<Revision | null> => {
      const read = this.store.head(env);
      slot.running = read;
      const done = () => {
        if (slot.running === read) slot.running = null;
      };
      read.then(done, done);
      return read;
    };
    if (!slot.running) return start();
    const queued = slot.running.then(
      () => undefined,
      () => undefined,
    ).then(() => {
      slot.queued = null;
      return start();
    });
    slot.queued = queued;
    return queued;
  }

  /** A revision's matrix if it is held in memory (the request edge's hot path for per-revision URLs); builds nothing. */
  held(env: Environment, revision: string): BuiltMatrix | null {
    return this.kept.get(env)?.get(revision) ?? null;
  }

  /**
   * The matrix of `revision` on `env`'s branch, for the immutable per-revision URL: one held in memory, or built now if
   * the revision is among the branch's last LAST_GOOD_SEARCH_COMMITS first-parent commits; null when it is not (or its
   * definitions do not validate: such a revision never had a matrix). Its bytes are those the branch URL served.
   */
  async atRevision(env: Environment, revision: string): Promise<BuiltMatrix | null> {
    const held = this.held(env, revision);
    if (held) return held;
    const key = `${env}:${revision}`;
    let pending = this.buildingAt.get(key);
    if (!pending) {
      pending = this.buildHistorical(env, revision).finally(() => this.buildingAt.delete(key));
      this.buildingAt.set(key, pending);
    }
    return pending;
  }

  private async buildHistorical(env: Environment, revision: string): Promise<BuiltMatrix | null> {
    let commit = await this.store.head(env);
    for (let step = 0; commit && step <= LAST_GOOD_SEARCH_COMMITS; step++) {
      if (commit === revision) {
        try {
          const built = await buildAt(this.store, env, commit, await this.store.listDefinitionsAt(env, commit));
          this.hold(built);
          return built;
        } catch (error) {
          if (isAppError(error)) return null;
          throw error;
        }
      }
      commit = (await this.store.commitSummary(commit)).parent;
    }
    return null;
  }

  private hold(matrix: BuiltMatrix): void {
    let held = this.kept.get(matrix.env);
    if (!held) this.kept.set(matrix.env, (held = new Map()));
    held.delete(matrix.revision);
    // Only what serving needs: a 5,000-test matrix's parsed form is many times the size of its bytes.
    const slim: BuiltMatrix = { ...matrix, artifact: { audit: matrix.artifact.audit, tests: {} }, body: '', testCount: matrix.testCount ?? Object.keys(matrix.artifact.tests).length };
    held.set(matrix.revision, slim);
    while (held.size > HELD_REVISIONS) held.delete(held.keys().next().value!);
  }

  private async build(env: Environment, head: Revision): Promise<MatrixState> {
    const store = this.store;
    const state = this.states.get(env) ?? { current: null, failure: null };
    try {
      const next: MatrixState = { current: await buildAt(store, env, head, await store.listDefinitions(env)), failure: null };
      this.states.set(env, next);
      this.hold(next.current!);
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
