/** The test matrices as applications and the Matrix page read them (built and cached by the distribution). */
import { AppError } from '@/lib/errors';
import type { Environment } from '@/lib/domain/environment';
import type { BuiltMatrix, MatrixState } from '@/lib/distribution/matrix-cache';
import type { EnvironmentMatrixStatus } from '@/lib/distribution/matrix-status';
import type { Reader, ServiceDeps } from './service-deps';
import { requireReader } from './service-deps';

/**
 * The matrix served for `env`, readable without signing in like Proctor's /matrix/raw (applications fetch it). NOT_READY
 * while no valid matrix has been built; a head that fails validation leaves the last good one, with `failure` set.
 */
export async function readEnvironmentMatrix(deps: Pick<ServiceDeps, 'matrices'>, _reader: Reader, input: { env: Environment }): Promise<BuiltMatrix & { failure: MatrixState['failure'] }> {
  const state = await deps.matrices.get(input.env);
  if (!state.current) {
    throw new AppError('NOT_READY', `No valid test matrix for ${input.env} yet: ${state.failure?.message ?? 'not built'}`, { details: state.failure?.details ?? [] });
  }
  return { ...state.current, failure: state.failure };
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
