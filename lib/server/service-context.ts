import type { ApiContext } from '@/lib/http/api-route';
import type { ServiceDeps } from '@/lib/services/service-deps';
import { getAppContext } from './app-context';

/** The use cases' dependencies for an API request: the shared store plus the request's database, tracker and logger. */
export async function servicesFor(ctx: Pick<ApiContext<unknown, never>, 'deps' | 'logger'>): Promise<ServiceDeps> {
  const app = await getAppContext();
  return { store: app.store, prisma: ctx.deps.prisma, tracker: ctx.deps.tracker, config: ctx.deps.config, logger: ctx.logger };
}
