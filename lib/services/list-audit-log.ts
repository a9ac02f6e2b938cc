/** The audit log (admins): newest first, paged backwards by id, filtered and searched; and its CSV export. */
import { AUDIT_CSV_HEADER, auditCsvLine } from '@/lib/audit/audit-csv';
import { auditEntries, listAudit, type AuditFilter, type ListAuditOptions } from '@/lib/audit/record-audit';
import { requireReader, type Reader, type ServiceDeps } from './service-deps';

export async function listAuditLog(deps: Pick<ServiceDeps, 'prisma'>, reader: Reader, input: ListAuditOptions = {}): ReturnType<typeof listAudit> {
  requireReader(reader, 'admin');
  return listAudit(deps.prisma, input);
}

/** The entries matching `filter` as CSV text, header first, newest entry first; streamed page by page. */
export function exportAuditLogCsv(deps: Pick<ServiceDeps, 'prisma'>, reader: Reader, filter: AuditFilter = {}): ReadableStream<Uint8Array> {
  requireReader(reader, 'admin');
  const encoder = new TextEncoder();
  const entries = auditEntries(deps.prisma, filter);
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(AUDIT_CSV_HEADER));
        return;
      }
      const next = await entries.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(auditCsvLine(next.value)));
    },
    async cancel() {
      await entries.return(undefined);
    },
  });
}
