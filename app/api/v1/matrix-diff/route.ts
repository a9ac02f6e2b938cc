import { isEnvironment, type Environment } from '@/lib/domain/environment';
import { AppError } from '@/lib/errors';
import { apiRoute } from '@/lib/http/api-route';
import { compareMatrices } from '@/lib/services/read-matrix';

export const dynamic = 'force-dynamic';

function environmentParam(query: URLSearchParams, name: 'from' | 'to'): Environment {
  const value = query.get(name);
  if (isEnvironment(value)) return value;
  throw new AppError('VALIDATION_FAILED', `Query parameter '${name}' must be trunk, qa or production.`, { details: [{ path: `?${name}`, message: 'must be trunk, qa or production' }] });
}

/** ?from=production&to=qa → the tests `to`'s matrix adds, removes and changes relative to `from`'s. */
export const GET = apiRoute({}, ({ deps, actor, query }) => compareMatrices(deps, actor, { from: environmentParam(query, 'from'), to: environmentParam(query, 'to') }));
