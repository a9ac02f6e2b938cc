import type { Audit } from './model';

const CENTRAL = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/Chicago', // "US/Central" is a link to America/Chicago in the tz database
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'longOffset',
});

/**
 * Audit.updatedDate: SimpleDateFormat("yyyy-MM-dd'T'HH:mmZ") in US/Central; "" when updated <= 0.
 * 1454432430000 → "2016-02-02T11:00-0600".
 */
export function formatAuditDate(updated: number): string {
  if (!(updated > 0) || !Number.isFinite(updated)) return '';
  const parts: Record<string, string> = {};
  for (const part of CENTRAL.formatToParts(new Date(updated))) parts[part.type] = part.value;
  // longOffset renders "GMT-06:00" (or "GMT" at offset 0): Z wants "-0600".
  const offset = parts.timeZoneName === 'GMT' ? '+0000' : parts.timeZoneName.replace('GMT', '').replace(':', '');
  const year = parts.year.padStart(4, '0');
  return `${year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}${offset}`;
}

/** Builds an Audit the way Audit.setUpdated derives updatedDate. */
export function createAudit(input: { version: string; updated: number; updatedBy: string }): Audit {
  return { version: input.version, updated: input.updated, updatedDate: formatAuditDate(input.updated), updatedBy: input.updatedBy };
}
