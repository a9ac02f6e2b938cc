import { apiRoute } from '@/lib/http/api-route';
import { auditFilter } from '@/lib/http/audit-filter';
import { exportAuditLogCsv } from '@/lib/services/list-audit-log';

export const dynamic = 'force-dynamic';

/** The audit log as CSV (the same filters as GET /api/v1/audit), newest first, at most 50,000 entries. */
export const GET = apiRoute({ role: 'admin' }, ({ deps, actor, query }) => {
  const stream = exportAuditLogCsv(deps, actor, auditFilter(query));
  const day = new Date().toISOString().slice(0, 10);
  return new Response(stream, {
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="proctor-studio-audit-${day}.csv"`, 'cache-control': 'no-store' },
  });
});
