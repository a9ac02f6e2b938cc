/**
 * Where the browser may be sent after sign-in (`/login?next=…`): a path on our own origin, nothing else. Browsers
 * follow the WHATWG URL parser, which drops tabs and newlines, reads `\` as `/` and turns `/.//x` into `//x`, so a
 * prefix check on the raw text (`/` but not `//`) lets `/\evil.example` or `/%09/evil.example` through. Instead the
 * value is resolved the way the browser will resolve it, and only the canonical path of a same-origin result is kept.
 * Pure and dependency-free: the sign-in page (server) and the sign-in form (browser) both call it.
 */

export const DEFAULT_RETURN_PATH = '/tests';

// Any origin works as long as a hostile value cannot name it; `.invalid` is reserved and never resolves.
const BASE = 'http://return-path.invalid';
const MAX_LENGTH = 2048;

/** `value` as a same-origin path (with query and fragment), or `fallback` when it is missing or leads elsewhere. */
export function safeReturnPath(value: unknown, fallback: string = DEFAULT_RETURN_PATH): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH) return fallback;
  // Only absolute paths: no schemes (javascript:, https:), no relative paths, no protocol-relative `//host`.
  if (value[0] !== '/' || value[1] === '/' || value[1] === '\\') return fallback;
  let parsed: URL;
  try {
    parsed = new URL(value, BASE);
  } catch {
    return fallback;
  }
  if (parsed.origin !== BASE) return fallback;
  const path = `${parsed.pathname}${parsed.search}${parsed.hash}`;
  // Dot segments can collapse to `//host` (`/.//evil`): the canonical form must itself stay a plain path.
  if (!path.startsWith('/') || path.startsWith('//') || new URL(path, BASE).origin !== BASE) return fallback;
  return path;
}
