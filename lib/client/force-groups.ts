/**
 * Forced groups for QA, Proctor's `prforceGroups` parameter / cookie (ForceGroupsOptionsStrings): comma-separated
 * elements, each a test name directly followed by a bucket value ("my_btn_tst1,other_tst-1" forces my_btn_tst to
 * bucket 1 and other_tst to -1; an optional ";payload" after it is ignored here), or an option "default_to_fallback" /
 * "default_to_min_live" for tests that are not forced (FACTS §4 step 7). "test:1" (this client's earlier form) is read
 * too. Malformed entries are ignored, as Proctor's parser does. Pure: usable in the browser.
 */
import type { ForceGroupsDefaultMode } from '../proctor/determine-groups';

export const FORCE_GROUPS_PARAMETER = 'prforceGroups';

export interface ForceGroups {
  groups: Record<string, number>;
  defaultMode?: ForceGroupsDefaultMode;
}

/** Our earlier form `name:value`. */
const COLON_ENTRY = /^([A-Za-z0-9_]+):(-?\d{1,10})$/;
const MODES: Record<string, ForceGroupsDefaultMode> = { default_to_fallback: 'fallback', default_to_min_live: 'min_live' };

/** ForceGroupsOptionsStrings.getBucketValueStart: the name and the trailing integer, or null. */
function proctorEntry(entry: string): [string, string] | null {
  let start = entry.length - 1;
  while (start >= 0 && entry[start] >= '0' && entry[start] <= '9') start--;
  if (start === entry.length - 1 || start < 1) return null; // no value, or no name
  if (entry[start] !== '-') start++;
  const name = entry.slice(0, start).trim();
  const value = entry.slice(start).trim();
  if (!/^[A-Za-z0-9_]+$/.test(name) || !/^-?\d{1,10}$/.test(value)) return null;
  return [name, value];
}

/** Parses "test1,other-1[,default_to_fallback]" (or "test:1,other:-1"); accepts a cookie value that is quoted and/or URL-encoded. */
export function parseForceGroups(value: string | null | undefined): ForceGroups {
  const out: ForceGroups = { groups: {} };
  if (!value) return out;
  let text = value.trim();
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1);
  try {
    text = decodeURIComponent(text);
  } catch {
    // not encoded
  }
  for (const raw of text.split(',')) {
    // "name1;doubleValue:0.2": a forced payload follows the group (not applied by this client).
    const entry = raw.split(';', 1)[0].trim();
    if (!entry) continue;
    const mode = MODES[entry.toLowerCase()];
    if (mode) {
      out.defaultMode = mode;
      continue;
    }
    const colon = COLON_ENTRY.exec(entry);
    const match = colon ? [colon[1], colon[2]] : proctorEntry(entry);
    if (!match) continue;
    const bucket = Number(match[1]);
    if (bucket < -2147483648 || bucket > 2147483647) continue;
    out.groups[match[0]] = bucket;
  }
  return out;
}

/** Every `prforceGroups` cookie in a Cookie header (several domains may each set one; later ones win per test). */
export function forceGroupsFromCookieHeader(cookieHeader: string | null | undefined, name: string = FORCE_GROUPS_PARAMETER): ForceGroups {
  const out: ForceGroups = { groups: {} };
  if (!cookieHeader) return out;
  for (const part of cookieHeader.split(';')) {
    const index = part.indexOf('=');
    if (index < 0 || part.slice(0, index).trim() !== name) continue;
    const parsed = parseForceGroups(part.slice(index + 1));
    Object.assign(out.groups, parsed.groups);
    if (parsed.defaultMode) out.defaultMode = parsed.defaultMode;
  }
  return out;
}

/** Cookie, then the query parameter (the parameter wins: it is the explicit, per-request choice). */
export function forceGroupsFromRequest(input: { cookie?: string | null; query?: URLSearchParams | string | null }, name: string = FORCE_GROUPS_PARAMETER): ForceGroups {
  const fromCookie = forceGroupsFromCookieHeader(input.cookie, name);
  const query = typeof input.query === 'string' ? new URLSearchParams(input.query) : input.query;
  const fromQuery = parseForceGroups(query?.get(name));
  return { groups: { ...fromCookie.groups, ...fromQuery.groups }, defaultMode: fromQuery.defaultMode ?? fromCookie.defaultMode };
}

/**
 * The string form Proctor's own parser reads (options first, then name+value: "default_to_fallback,my_tst1"), e.g.
 * for a QA link or cookie. A test name ending in a digit, or of one letter, cannot be written that way (Proctor reads
 * neither; its test names never end in a digit):
 * it is written "name:value", which only this client reads.
 */
export function formatForceGroups(force: ForceGroups): string {
  const parts: string[] = [];
  if (force.defaultMode === 'fallback') parts.push('default_to_fallback');
  if (force.defaultMode === 'min_live') parts.push('default_to_min_live');
  for (const [test, value] of Object.entries(force.groups)) parts.push(/\d$/.test(test) || test.length < 2 ? `${test}:${value}` : `${test}${value}`);
  return parts.join(',');
}

/** `url` with `prforceGroups=<test><value>` set (other parameters kept): the "force me into this bucket" link. */
export function forceGroupsUrl(url: string, testName: string, bucketValue: number, name: string = FORCE_GROUPS_PARAMETER): string {
  const value = formatForceGroups({ groups: { [testName]: bucketValue } });
  const hash = url.indexOf('#');
  const base = hash < 0 ? url : url.slice(0, hash);
  const fragment = hash < 0 ? '' : url.slice(hash);
  const q = base.indexOf('?');
  const params = new URLSearchParams(q < 0 ? '' : base.slice(q + 1));
  params.set(name, value);
  return `${q < 0 ? base : base.slice(0, q)}?${params.toString()}${fragment}`;
}
