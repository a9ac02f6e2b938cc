/** Small display helpers shared by pages and client components (pure, browser-safe). */

export function shortRevision(revision: string | null | undefined): string {
  return revision ? revision.slice(0, 7) : '—';
}

/** 0.1 → "10%", 1/3 → "33.3%". */
export function percent(fraction: number): string {
  const pct = Math.round(fraction * 1000) / 10;
  return `${Object.is(pct, -0) ? 0 : pct}%`;
}

/** "2024-05-01 14:03 UTC": absolute and unambiguous for people in different time zones. */
export function formatDateTime(value: Date | string | number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '—';
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "3 days ago", relative to `now` (passed in so server and client agree). */
export function formatAgo(value: Date | string | number | null | undefined, now: number = Date.now()): string {
  if (value === null || value === undefined) return '';
  const seconds = Math.round((now - new Date(value).getTime()) / 1000);
  if (!Number.isFinite(seconds)) return '';
  if (seconds < 60) return 'just now';
  const units: [number, string][] = [
    [60 * 60 * 24 * 365, 'year'],
    [60 * 60 * 24 * 30, 'month'],
    [60 * 60 * 24, 'day'],
    [60 * 60, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, name] of units) {
    if (seconds >= size) {
      const n = Math.floor(seconds / size);
      return `${n} ${name}${n === 1 ? '' : 's'} ago`;
    }
  }
  return 'just now';
}

/** First value of a search parameter (Next gives string | string[] | undefined). */
export function firstParam(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The time a page is rendered at (one value per render, so all "x ago" texts agree). */
export function renderTime(): number {
  return Date.now();
}
