/** The audit log (admins): newest first, paged backwards by id. */
import { listAudit, type ListAuditOptions } from '@/lib/audit/record-audit';
import { requireReader, type Reader, type ServiceDeps } from './service-deps';

export async function listAuditLog(deps: Pick<ServiceDeps, 'prisma'>, reader: Reader, input: ListAuditOptions = {}): ReturnType<typeof listAudit> {
  requireReader(reader, 'admin');
  return listAudit(deps.prisma, input);
}
