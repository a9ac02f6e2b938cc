import { listAuditLog } from '@/lib/services/list-audit-log';
import { apiRoute, queryInt } from '@/lib/http/api-route';
import { auditFilter } from '@/lib/http/audit-filter';

export const dynamic = 'force-dynamic';

/** Newest first; ?limit= (1–500, default 50) &before=<id> for the next page (the response's nextBefore); ?actor= &action= &outcome= &q= filter. */
export const GET = apiRoute({ role: 'admin' }, ({ deps, actor, query }) =>
  listAuditLog(deps, actor, { ...auditFilter(query), limit: queryInt(query, 'limit', { min: 1, max: 500 }), before: queryInt(query, 'before', { min: 1 }) }),
);
