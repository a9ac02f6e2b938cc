import { isEnvironment } from '@/lib/domain/environment';
import { AppError } from '@/lib/errors';
import { apiRoute, queryInt } from '@/lib/http/api-route';
import { listActivity, MAX_ACTIVITY_OFFSET } from '@/lib/services/list-activity';

export const dynamic = 'force-dynamic';

/** Changes and issue transitions, newest first: ?test=&user=&issue=&env=&limit=&offset=. */
export const GET = apiRoute({}, ({ deps, actor, query }) => {
  const env = query.get('env') || undefined;
  if (env !== undefined && !isEnvironment(env)) {
    throw new AppError('VALIDATION_FAILED', `Query parameter 'env' must be trunk, qa or production.`, { details: [{ path: '?env', message: 'must be trunk, qa or production' }] });
  }
  return listActivity(deps, actor, {
    test: query.get('test') ?? undefined,
    user: query.get('user') ?? undefined,
    issue: query.get('issue') ?? undefined,
    env,
    limit: queryInt(query, 'limit', { min: 1, max: 200 }),
    offset: queryInt(query, 'offset', { min: 0, max: MAX_ACTIVITY_OFFSET }),
  });
});
