/**
 * Is the service ready: the database answers, and the git repository's history index has caught up. Throws when a
 * part cannot be reached (the health route answers 503 with the reason to admins only).
 */
import type { Environment } from '@/lib/domain/environment';
import type { Reader, ServiceDeps } from './service-deps';

export interface Readiness {
  status: 'ready' | 'indexing';
  ready: boolean;
  database: 'ok';
  repository: { heads: Record<Environment, string | null> };
  index: ReturnType<ServiceDeps['store']['indexStatus']>;
  uptimeSeconds: number;
}

/** Anyone may ask (load balancers, probes): the route decides how much of the answer each caller sees. */
export async function checkReadiness(deps: Pick<ServiceDeps, 'prisma' | 'store'>, _reader: Reader, input: { startedAt: number; now?: number }): Promise<Readiness> {
  await deps.prisma.$queryRaw`SELECT 1`;
  const index = deps.store.indexStatus();
  const heads = { trunk: await deps.store.head('trunk'), qa: await deps.store.head('qa'), production: await deps.store.head('production') };
  return {
    status: index.ready ? 'ready' : 'indexing',
    ready: index.ready,
    database: 'ok',
    repository: { heads },
    index,
    uptimeSeconds: Math.round(((input.now ?? Date.now()) - input.startedAt) / 1000),
  };
}
