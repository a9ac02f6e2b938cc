import { isEnvironment, type Environment } from '@/lib/domain/environment';
import { AppError } from '@/lib/errors';
import { apiRoute } from '@/lib/http/api-route';
import { parseOptionalRevision } from '@/lib/domain/revision';
import { compareMatrices } from '@/lib/services/read-matrix';

export const dynamic = 'force-dynamic';

function environmentParam(query: URLSearchParams, name: 'from' | 'to'): Environment {
  const value = query.get(name);
  if (isEnvironment(value)) return value;
  throw new AppError('VALIDATION_FAILED', `Query parameter '${name}' must be trunk, qa or production.`, { details: [{ path: `?${name}`, message: 'must be trunk, qa or production' }] });
}

/**
 * ?from=production&to=qa → the tests `to`'s matrix adds, removes and changes relative to `from`'s. fromRevision /
 * toRevision pick an earlier build of that environment (one of its branch's recent revisions) instead of the current one.
 */
export const GET = apiRoute({}, ({ deps, actor, query }) =>
  compareMatrices(deps, actor, {
    from: { env: environmentParam(query, 'from'), revision: parseOptionalRevision(query.get('fromRevision'), 'fromRevision') },
    to: { env: environmentParam(query, 'to'), revision: parseOptionalRevision(query.get('toRevision'), 'toRevision') },
  }),
);
