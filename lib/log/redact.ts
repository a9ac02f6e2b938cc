/**
 * Removes secrets from anything about to be logged or audited. Keys are matched by name anywhere in the object tree;
 * strings are scrubbed of bearer credentials and API tokens that slipped into free text (e.g. an echoed header).
 */
export const REDACTED = '[REDACTED]';

const SECRET_KEY = /pass(word|wd|phrase)?$|^pwd$|secret|token|authorization|cookie|api[-_]?key|credential|private[-_]?key/i;
// Keys that contain "token" but only describe one (safe to keep, and needed to tell tokens apart in the audit log).
const SAFE_KEYS = new Set(['tokenId', 'tokenPrefix', 'tokenName', 'prefix']);

const SECRET_IN_TEXT: [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  [/\bpst_[A-Za-z0-9_-]{20,}/g, `pst_${REDACTED}`],
  [/\b(proctor_session=)[^;\s]+/g, `$1${REDACTED}`],
];

/** Every SECRET_IN_TEXT pattern needs one of these: a line without any (most: ids, paths) is not rewritten. */
const MAY_HOLD_SECRET = /bearer|basic|pst_|proctor_session=/i;

/** Key names seen so far and whether each is secret: a busy server logs the same few keys on every line. */
const secretKeys = new Map<string, boolean>();

export function isSecretKey(key: string): boolean {
  let secret = secretKeys.get(key);
  if (secret === undefined) {
    secret = !SAFE_KEYS.has(key) && SECRET_KEY.test(key);
    if (secretKeys.size < 1000) secretKeys.set(key, secret);
  }
  return secret;
}

export function redactText(text: string): string {
  if (!MAY_HOLD_SECRET.test(text)) return text;
  let result = text;
  for (const [pattern, replacement] of SECRET_IN_TEXT) result = result.replace(pattern, replacement);
  return result;
}

/** A deep copy of `value` with secret fields replaced by "[REDACTED]"; Errors become {name, message, stack, code}. */
export function redact(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return typeof value === 'bigint' ? value.toString() : value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Error) {
    const error = value as Error & { code?: unknown; cause?: unknown };
    return redact(
      { name: error.name, message: error.message, code: error.code, stack: error.stack, cause: error.cause },
      seen,
    );
  }
  if (value instanceof Headers) {
    return redact(Object.fromEntries(value.entries()), seen);
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, seen));
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    result[key] = isSecretKey(key) ? REDACTED : redact(item, seen);
  }
  return result;
}
