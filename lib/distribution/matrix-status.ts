/** What the Matrix page shows per environment: the matrix served, the newest head's failure, publishing and streams. */
import type { DefinitionStore, Environment } from '@/lib/store';
import { getEnvironmentMatrix, type MatrixState } from './matrix-cache';
import { currentMatrixDistribution } from './matrix-distribution';
import { matrixStreamsFor } from './matrix-streams';

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
        // Streams held by the request edge's hub count one each; its own subscription does not.
        streamSubscribers: distribution ? distribution.subscriberCount(env) - (matrixStreamsFor(distribution).subscribed(env) ? 1 : 0) + matrixStreamsFor(distribution).count(env) : 0,
      };
    }),
  );
}
