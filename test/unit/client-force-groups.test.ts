import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { forceGroupsFromCookieHeader, forceGroupsFromRequest, formatForceGroups, parseForceGroups } from '@/lib/client/force-groups';

const CASES = JSON.parse(readFileSync(path.join(__dirname, '../fixtures/force-groups-cases.json'), 'utf8')) as {
  input: string;
  groups: Record<string, number>;
  defaultMode?: string;
  note?: string;
}[];

describe('parseForceGroups', () => {
  it.each(CASES)('$input', ({ input, groups, defaultMode }) => {
    const parsed = parseForceGroups(input);
    expect(parsed.groups).toEqual(groups);
    expect(parsed.defaultMode).toBe(defaultMode);
  });

  it('round-trips through formatForceGroups', () => {
    const force = { groups: { a: 1, b: -1 }, defaultMode: 'min_live' as const };
    expect(formatForceGroups(force)).toBe('a:1,b:-1,default_to_min_live');
    expect(parseForceGroups(formatForceGroups(force))).toEqual(force);
  });
});

describe('force groups from a request', () => {
  it('reads every prforceGroups cookie, later ones winning per test', () => {
    const cookie = 'a=b; prforceGroups="t1:1,t2:0"; other=1; prforceGroups=t2%3A1';
    expect(forceGroupsFromCookieHeader(cookie).groups).toEqual({ t1: 1, t2: 1 });
  });

  it('lets the query parameter override the cookie', () => {
    const force = forceGroupsFromRequest({ cookie: 'prforceGroups=t1:1,t2:0,default_to_fallback', query: 'x=1&prforceGroups=t2:2' });
    expect(force).toEqual({ groups: { t1: 1, t2: 2 }, defaultMode: 'fallback' });
  });
});
