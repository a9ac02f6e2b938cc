/**
 * The one way people type a rule context (the rule helper's sample lines, Bucket check): `lang=fr, country=CA`, or a
 * JSON object. Values that read as JSON (numbers, true/false, null, quoted strings) take that type, anything else is
 * a string; `user.country=CA` builds a nested map. Pure: runs in the browser too.
 */

export type ParsedContext = { ok: true; context: Record<string, unknown> } | { ok: false; message: string };

const NAME = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;
const TYPED = /^(true|false|null|-?\d+(\.\d+)?([eE][+-]?\d+)?)$/;

function splitPairs(text: string): string[] | { error: string } {
  const parts: string[] = [];
  let current = '';
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      current += c;
      if (c === '\\' && i + 1 < text.length) current += text[++i];
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
      current += c;
    } else if (c === ',' || c === ';' || c === '\n') {
      parts.push(current);
      current = '';
    } else current += c;
  }
  if (quote) return { error: `a value starting with ${quote} is not closed` };
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** Own property even for `__proto__`: a typed name never reaches an object's prototype. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function readValue(raw: string): unknown {
  if (TYPED.test(raw)) return JSON.parse(raw);
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw.slice(1, -1);
    }
  }
  if (raw.length >= 2 && raw.startsWith("'") && raw.endsWith("'")) return raw.slice(1, -1).replace(/\\(.)/g, '$1');
  return raw;
}

/** Parses `name=value, name=value` (commas, semicolons or line breaks between pairs) or a JSON object. */
export function parseContextText(text: string): ParsedContext {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, context: {} };
  if (trimmed.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (e) {
      return { ok: false, message: `This looks like JSON but does not parse: ${(e as Error).message}` };
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, message: 'A JSON context must be an object, e.g. {"lang": "fr", "country": "CA"}.' };
    return { ok: true, context: value as Record<string, unknown> };
  }
  const pairs = splitPairs(trimmed);
  if ('error' in pairs) return { ok: false, message: `Cannot read the context: ${pairs.error}.` };
  const context: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq < 0) return { ok: false, message: `"${pair}" is not name=value (write e.g. lang=fr, country=CA).` };
    const name = pair.slice(0, eq).trim();
    if (!NAME.test(name)) return { ok: false, message: `"${name}" is not a variable name (letters, digits and _; a dot for a nested value, e.g. user.country=CA).` };
    const path = name.split('.');
    let target = context;
    for (const key of path.slice(0, -1)) {
      const next = Object.hasOwn(target, key) ? target[key] : undefined;
      if (next === undefined) {
        const child: Record<string, unknown> = {};
        setOwn(target, key, child);
        target = child;
      } else if (next !== null && typeof next === 'object' && !Array.isArray(next)) target = next as Record<string, unknown>;
      else return { ok: false, message: `${name}: ${key} already has a value that is not a map.` };
    }
    setOwn(target, path[path.length - 1], readValue(pair.slice(eq + 1).trim()));
  }
  return { ok: true, context };
}

/** `lang=fr, country=CA` for a flat context (the text form people read and type). */
export function formatContextText(context: Record<string, unknown>): string {
  return Object.entries(context)
    .map(([name, value]) => `${name}=${typeof value === 'string' && !/[,;"'\n]/.test(value) && !TYPED.test(value) ? value : JSON.stringify(value)}`)
    .join(', ');
}
