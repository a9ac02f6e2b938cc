/** The test matrices as applications and the Matrix page read them (built and cached by the distribution). */
import type { Environment } from '@/lib/domain/environment';
import { servedMatrix, type MatrixState, type ServedMatrix } from '@/lib/distribution/matrix-cache';
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

/**
 * Two environments' matrices as applications get them (each the last good build), compared: which tests `to` adds,
 * removes and changes relative to `from` (e.g. from production to qa: what promoting qa would change).
 */
export async function compareMatrices(deps: Pick<ServiceDeps, 'matrices'>, reader: Reader, input: { from: Environment; to: Environment }): Promise<MatrixComparison> {
  requireReader(reader);
  const [from, to] = await Promise.all([deps.matrices.get(input.from).then((state) => servedMatrix(input.from, state)), deps.matrices.get(input.to).then((state) => servedMatrix(input.to, state))]);
  return { from: { env: input.from, revision: from.revision }, to: { env: input.to, revision: to.revision }, diff: diffMatrices(from.artifact, to.artifact) };
}
