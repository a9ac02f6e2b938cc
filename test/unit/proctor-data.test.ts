import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildMatrix } from '../../lib/proctor/build-matrix';
import { PAYLOAD_TYPES, type PayloadType, type TestDefinition } from '../../lib/proctor/model';
import { parseDefinition } from '../../lib/proctor/parse-definition';
import { evaluateRule } from '../../lib/proctor/rules/index';
import { serializeDefinition } from '../../lib/proctor/serialize-definition';
import { validateDefinition } from '../../lib/proctor/validate-definition';
import { validateDependencies } from '../../lib/proctor/validate-dependencies';
import { validateTestName } from '../../lib/proctor/validate-test-name';

/**
 * The example data set that seeds a new data repository: every definition must be valid for Proctor and its webapp,
 * written in Proctor's exact bytes, and together they must show every feature a team will meet.
 */
const ROOT = path.resolve(__dirname, '../../proctor-data');
const DIR = path.join(ROOT, 'test-definitions');
const names = readdirSync(DIR, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
const texts = Object.fromEntries(names.map((n) => [n, readFileSync(path.join(DIR, n, 'definition.json'), 'utf8')]));
const defs: Record<string, TestDefinition> = Object.fromEntries(names.map((n) => [n, parseDefinition(texts[n])]));

/** Warnings we keep on purpose, with the reason. None today: a new team should start from warning-free examples. */
const DELIBERATE_WARNINGS: Record<string, { path: string; reason: string }[]> = {};

function payloadTypeOf(def: TestDefinition): PayloadType[] {
  return def.buckets.map((b) => PAYLOAD_TYPES.find((t) => b.payload?.[t] !== undefined)).filter((t): t is PayloadType => t !== undefined);
}

/** The auto-promoter's "100% inactive": every range with a positive length is on bucket -1 named inactive/disabled. */
function isFullyInactive(def: TestDefinition): boolean {
  return def.allocations.every((a) =>
    a.ranges.filter((r) => r.length > 0).every((r) => {
      const bucket = def.buckets.find((b) => b.value === r.bucketValue);
      return r.bucketValue === -1 && /^(inactive|disabled)$/i.test(bucket?.name ?? '');
    }),
  );
}

describe('proctor-data example test definitions', () => {
  it('has ten tests, each described in the README', () => {
    expect(names).toHaveLength(10);
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const name of names) expect(readme).toContain(`\`${name}\``);
  });

  describe.each(names)('%s', (name) => {
    const def = defs[name];

    it("is in Proctor's byte format: re-serialises to identical bytes, no trailing newline; metadata.json is { }", () => {
      expect(serializeDefinition(def)).toBe(texts[name]);
      expect(texts[name].endsWith('}')).toBe(true);
      expect(readFileSync(path.join(DIR, name, 'metadata.json'), 'utf8')).toBe('{ }');
    });

    it('has no validation errors and no warnings beyond the deliberate ones', () => {
      const issues = validateDefinition(name, def);
      expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
      const expected = (DELIBERATE_WARNINGS[name] ?? []).map((w) => w.path).sort();
      expect(issues.filter((i) => i.severity === 'warning').map((i) => i.path).sort()).toEqual(expected);
    });

    it('follows the webapp conventions for a test created on trunk', () => {
      expect(validateTestName(name)).toBeNull();
      expect(name).toMatch(/^[a-z]([a-z0-9_]*[a-z_])?$/);
      expect(def.salt).toBe(`&${name}`);
      expect(def.version).toBe('-1');
      expect(def.description?.trim()).not.toBe('');
      const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
      expect(def.allocations.map((a) => a.id)).toEqual(def.allocations.map((_, i) => `#${letters[i]}1`));
      expect(def.buckets.some((b) => b.value === 0)).toBe(true);
      for (const b of def.buckets) expect(b.name).toMatch(/^[a-z_][a-z0-9_]*$/);
      const types = payloadTypeOf(def);
      expect(types.length === 0 || (types.length === def.buckets.length && new Set(types).size === 1)).toBe(true);
    });
  });

  it('uses every payload type, one per test', () => {
    const used = names.flatMap((n) => [...new Set(payloadTypeOf(defs[n]))]);
    expect(new Set(used)).toEqual(new Set(PAYLOAD_TYPES));
    expect(used).toHaveLength(PAYLOAD_TYPES.length);
  });

  it('covers the features a team meets: rules on several allocations, constants, __COUNTRIES, metaTags, test types', () => {
    const all = names.map((n) => defs[n]);
    expect(all.filter((d) => d.allocations.length > 1 && d.allocations[0].rule !== null).length).toBeGreaterThanOrEqual(3);
    expect(all.some((d) => Object.keys(d.constants).length > 0)).toBe(true);
    expect(all.some((d) => Array.isArray(d.specialConstants.__COUNTRIES))).toBe(true);
    expect(all.some((d) => d.metaTags.length > 0)).toBe(true);
    expect(new Set(all.map((d) => d.testType))).toEqual(new Set(['USER', 'EMAIL', 'PAGE', 'COMPANY']));
    const rules = all.flatMap((d) => [d.rule, ...d.allocations.map((a) => a.rule)]).filter((r): r is string => r !== null);
    expect(rules.some((r) => r.includes('fn:'))).toBe(true);
    expect(rules.some((r) => r.includes('proctor:'))).toBe(true);
  });

  it('has a PAGE test, and no PAGE test has a negative bucket', () => {
    const pages = names.filter((n) => defs[n].testType === 'PAGE');
    expect(pages.length).toBeGreaterThan(0);
    for (const n of pages) expect(defs[n].buckets.every((b) => b.value >= 0)).toBe(true);
  });

  it('has exactly one 100%-inactive rollout test', () => {
    expect(names.filter((n) => isFullyInactive(defs[n]))).toEqual(['new_saved_jobs_page']);
  });

  it('has a valid dependsOn, and the set passes the cross-test dependency check', () => {
    const children = names.filter((n) => defs[n].dependsOn !== null);
    expect(children.length).toBeGreaterThan(0);
    for (const n of children) {
      const parent = defs[defs[n].dependsOn!.testName];
      expect(parent).toBeDefined();
      expect(parent.testType).toBe(defs[n].testType);
      expect(parent.salt).not.toBe(defs[n].salt);
      expect(defs[n].dependsOn!.bucketValue).toBeGreaterThanOrEqual(0);
      expect(parent.buckets.map((b) => b.value)).toContain(defs[n].dependsOn!.bucketValue);
    }
    expect(validateDependencies(defs)).toEqual({});
  });

  it('builds into a matrix with every test', () => {
    const matrix = buildMatrix(defs, { version: 'v1', updated: 1454432430000, updatedBy: 'test' });
    expect(Object.keys(matrix.tests).sort()).toEqual(names);
    expect(matrix.tests.search_ranking_algo.rule).toBe('${proctor:contains(__COUNTRIES, country)}');
  });

  it("keeps salary_estimate_banner's deliberate precedence mistake: French speakers in Canada get in", () => {
    const def = defs.salary_estimate_banner;
    expect(def.rule).toBe("(lang=='en' && country=='US') || country=='CA'");
    expect(def.description).toMatch(/English-language users in the US and Canada/);
    const evaluate = (context: Record<string, string>) => evaluateRule(`\${${def.rule}}`, { constants: {}, context } as Parameters<typeof evaluateRule>[1]);
    expect(evaluate({ lang: 'en', country: 'US' })).toBe(true);
    expect(evaluate({ lang: 'fr', country: 'US' })).toBe(false);
    expect(evaluate({ lang: 'fr', country: 'CA' })).toBe(true); // the description says English-language only
  });
});
