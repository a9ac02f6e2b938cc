import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { forceGroupsFromCookieHeader, forceGroupsFromRequest, forceGroupsUrl, formatForceGroups, parseForceGroups } from '@/lib/client/force-groups';

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

  it("round-trips through formatForceGroups, which writes Proctor's form (options first, then name+value)", () => {
    const force = { groups: { ab: 1, cd: -1 }, defaultMode: 'min_live' as const };
    expect(formatForceGroups(force)).toBe('default_to_min_live,ab1,cd-1');
    expect(parseForceGroups(formatForceGroups(force))).toEqual(force);
    // A name ending in a digit cannot be written Proctor's way: the colon form keeps it readable by this client.
    expect(formatForceGroups({ groups: { test1: 2 } })).toBe('test1:2');
    expect(parseForceGroups('test1:2').groups).toEqual({ test1: 2 });
  });

  it('builds the "force me into this bucket" link, keeping the page\'s other parameters', () => {
    expect(forceGroupsUrl('https://qa.example.com/search?q=java#top', 'search_ranking_algo', 1)).toBe('https://qa.example.com/search?q=java&prforceGroups=search_ranking_algo1#top');
    expect(forceGroupsUrl('https://qa.example.com/?prforceGroups=old0', 'checkout_button_color', -1)).toBe('https://qa.example.com/?prforceGroups=checkout_button_color-1');
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
