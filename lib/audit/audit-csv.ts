/**
 * The audit log as CSV (RFC 4180: comma-separated, CRLF, fields with commas, quotes or line breaks quoted). A cell a
 * spreadsheet would run as a formula (starting with = + - @, tab or CR) gets a leading apostrophe: the log holds text
 * that users typed (targets, messages), and opening the export must not execute it.
 */
export const AUDIT_CSV_COLUMNS = ['id', 'at', 'actor', 'actorKind', 'action', 'target', 'outcome', 'message', 'requestId', 'ip', 'details'] as const;

export interface AuditCsvRow {
  id: number;
  at: Date;
  actor: string | null;
  actorKind: string;
  action: string;
  target: string | null;
  outcome: string;
  message: string;
  requestId: string | null;
  ip: string | null;
  details: unknown;
}

export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function auditCsvLine(row: AuditCsvRow): string {
  const cells = [String(row.id), row.at.toISOString(), row.actor ?? '', row.actorKind, row.action, row.target ?? '', row.outcome, row.message, row.requestId ?? '', row.ip ?? '', JSON.stringify(row.details ?? {})];
  return cells.map(csvCell).join(',') + '\r\n';
}

export const AUDIT_CSV_HEADER = AUDIT_CSV_COLUMNS.join(',') + '\r\n';
