/**
 * Forced groups for QA, Proctor's `prforceGroups` parameter / cookie: "test1:1,test2:0" forces test1 to bucket 1 and
 * test2 to bucket 0; "default_to_fallback" / "default_to_min_live" set what happens to tests that are not forced
 * (FACTS §4 step 7). Malformed entries are ignored, as Proctor's parser does. Pure: usable in the browser.
 */
import type { ForceGroupsDefaultMode } from '../proctor/determine-groups';

export const FORCE_GROUPS_PARAMETER = 'prforceGroups';

export interface ForceGroups {
  groups: Record<string, number>;
  defaultMode?: ForceGroupsDefaultMode;
}

const ENTRY = /^([A-Za-z0-9_]+):(-?\d{1,10})$/;
const MODES: Record<string, ForceGroupsDefaultMode> = { default_to_fallback: 'fallback', default_to_min_live: 'min_live' };

/** Parses "test1:1,test2:0[,default_to_fallback]"; accepts a cookie value that is quoted and/or URL-encoded. */
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
    const entry = raw.trim();
    if (!entry) continue;
    const mode = MODES[entry.toLowerCase()];
    if (mode) {
      out.defaultMode = mode;
      continue;
    }
    const match = ENTRY.exec(entry);
    if (!match) continue;
    const bucket = Number(match[2]);
    if (bucket < -2147483648 || bucket > 2147483647) continue;
    out.groups[match[1]] = bucket;
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

/** The string form, e.g. for setting the cookie in a QA tool. */
export function formatForceGroups(force: ForceGroups): string {
  const parts = Object.entries(force.groups).map(([test, value]) => `${test}:${value}`);
  if (force.defaultMode === 'fallback') parts.push('default_to_fallback');
  if (force.defaultMode === 'min_live') parts.push('default_to_min_live');
  return parts.join(',');
}
