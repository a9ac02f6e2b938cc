/** The audit log's query filters, read the same way by the list and the CSV export. */
import { AUDIT_OUTCOMES, type AuditFilter } from '@/lib/audit/record-audit';
import { AppError } from '@/lib/errors';

/** ?actor= &action= (or its beginning) &outcome= &q= (any part of action, actor, target, message). */
export function auditFilter(query: URLSearchParams): AuditFilter {
  const outcome = query.get('outcome') || undefined;
  if (outcome && !(AUDIT_OUTCOMES as readonly string[]).includes(outcome)) {
    throw new AppError('VALIDATION_FAILED', `Query parameter 'outcome' must be one of ${AUDIT_OUTCOMES.join(', ')}.`, { details: [{ path: '?outcome', message: `must be one of ${AUDIT_OUTCOMES.join(', ')}` }] });
  }
  const text = (name: string) => query.get(name)?.trim().slice(0, 200) || undefined;
  return { actor: text('actor'), action: text('action'), q: text('q'), outcome: outcome as AuditFilter['outcome'] };
}
