/** The test matrices as applications and the Matrix page read them (built and cached by the distribution). */
import type { Environment } from '@/lib/domain/environment';
import { servedMatrix, type BuiltMatrix, type MatrixState, type ServedMatrix } from '@/lib/distribution/matrix-cache';
import { AppError } from '@/lib/errors';
import { isRevision, type Revision } from '@/lib/domain/revision';
import type { EnvironmentMatrixStatus } from '@/lib/distribution/matrix-status';
import { diffMatrices, type MatrixDiff } from '@/lib/proctor/diff-matrices';
import type { Reader, ServiceDeps } from './service-deps';
import { requireReader } from './service-deps';

/**
 * The matrix served for `env`, readable without signing in like Proctor's /matrix/raw (applications fetch it). NOT_READY
 * while no valid matrix has been built; a head that fails validation leaves the last good one, with `failure` set.
 */
export async function readEnvironmentMatrix(deps: Pick<ServiceDeps, 'matrices'>, _reader: Reader, input: { env: Environment }): Promise<ServedMatrix> {
  return servedMatrix(input.env, await deps.matrices.get(input.env));
}

/** The Matrix page: one environment's state — the matrix served and why the newest head did not build, if it did not. */
export async function readMatrixState(deps: Pick<ServiceDeps, 'matrices'>, reader: Reader, input: { env: Environment }): Promise<MatrixState> {
  requireReader(reader);
  return deps.matrices.get(input.env);
}

/** The Matrix page: per environment what is served, whether the newest head failed, and where it is published. */
export async function readMatrixStatus(deps: Pick<ServiceDeps, 'matrices'>, reader: Reader, input: { envs: readonly Environment[] }): Promise<EnvironmentMatrixStatus[]> {
  requireReader(reader);
  return deps.matrices.status(input.envs);
}

export interface MatrixComparison {
  from: { env: Environment; revision: string };
  to: { env: Environment; revision: string };
  diff: MatrixDiff;
}

/** One side of a comparison: an environment's matrix as applications get it now, or the build of one of its revisions. */
export interface MatrixSide {
  env: Environment;
  /** A recent revision of the environment's branch (its immutable matrix URL); absent = what is served now. */
  revision?: Revision | null;
}

/**
 * Two builds compared: which tests `to` adds, removes and changes relative to `from` (e.g. production now against qa
 * now: what promoting qa would change; or production now against production a few promotions ago: what changed since).
 */
export async function compareMatrices(deps: Pick<ServiceDeps, 'matrices'>, reader: Reader, input: { from: MatrixSide; to: MatrixSide }): Promise<MatrixComparison> {
  requireReader(reader);
  const build = async (side: MatrixSide) =>
    side.revision ? readMatrixAtRevision(deps, reader, { env: side.env, revision: side.revision }) : servedMatrix(side.env, await deps.matrices.get(side.env));
  const [from, to] = await Promise.all([build(input.from), build(input.to)]);
  return { from: { env: input.from.env, revision: from.revision }, to: { env: input.to.env, revision: to.revision }, diff: diffMatrices(from.artifact, to.artifact) };
}

/**
 * The matrix of one revision of `env`'s branch, for its immutable URL: NOT_FOUND unless it is a full commit id among the
 * branch's recent first-parent history whose definitions validate (the revisions the branch URL served or would have).
 */
export async function readMatrixAtRevision(deps: Pick<ServiceDeps, 'matrices'>, _reader: Reader, input: { env: Environment; revision: string }): Promise<BuiltMatrix> {
  if (!isRevision(input.revision)) {
    throw new AppError('NOT_FOUND', `'${input.revision.slice(0, 60)}' is not a revision: a per-revision matrix URL names a full 40-character commit id.`);
  }
  const matrix = await deps.matrices.atRevision(input.env, input.revision);
  if (!matrix) {
    throw new AppError('NOT_FOUND', `Revision ${input.revision.slice(0, 7)} is not a recent revision of ${input.env} with a valid matrix. Fetch /api/v1/matrix/${input.env}/current for the current one.`);
  }
  return matrix;
}
