/**
 * A NUL character (%00) in an address is refused before anything reads it: PostgreSQL text and git objects cannot
 * hold one, so it could only ever fail deeper down (as a 500 that the audit log then misses). One rule for the API
 * (lib/http/api-route.ts) and the pages (proxy.ts).
 */
import { AppError } from '@/lib/errors';

/** Where the NUL is ('/path segment' or '?param'), or null when the address has none. */
export function findNulInUrl(url: URL): string | null {
  if (!/%00/.test(url.pathname + url.search)) return null;
  for (const segment of url.pathname.split('/')) if (/%00/.test(segment)) return `/${safeDecode(segment)}`;
  for (const [key, value] of url.searchParams) if (key.includes('\0') || value.includes('\0')) return `?${key.replace(/\0/g, '\\u0000')}`;
  return url.search ? '?' : url.pathname;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment).replace(/\0/g, '\\u0000');
  } catch {
    return segment;
  }
}

/** BAD_REQUEST naming the path segment or query parameter that carries a NUL. */
export function assertNoNulInUrl(url: URL): void {
  const where = findNulInUrl(url);
  if (where === null) return;
  const what = where.startsWith('?') ? `The query parameter '${where.slice(1)}'` : `The path segment '${where.slice(1)}'`;
  throw new AppError('BAD_REQUEST', `${what} contains a NUL character (%00), which no name, key or search accepts. Remove it and try again.`, {
    details: [{ path: where, message: 'must not contain the NUL character (%00)' }],
  });
}
