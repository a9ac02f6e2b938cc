import { describe, expect, it } from 'vitest';
import { parseContextText } from '@/lib/domain/context-text';
import { contextSchemaProblems } from '@/lib/domain/context-schema';
import { explainMissingVariables, missingRuleVariables } from '@/lib/domain/missing-variables';
import { lintDefinitionRules, lintRule, nearestName } from '@/lib/editor/rule-lint';
import { compareAdmission, parseSampleContext } from '@/lib/editor/rule-truth-table';
import type { TestDefinition } from '@/lib/proctor';

const SEED_004 = "(lang=='en' && country=='US') || country=='CA'";
const KNOWN = new Set(['lang', 'country', 'loggedIn', 'userAgent']);
const kinds = (rule: string, known: Set<string> | null = null) => lintRule(rule, { knownVariables: known }).map((l) => l.kind);

describe('rule lint: seed 004', () => {
  it("flags seed 004's rule: lang=='en' guards only the US, Canada is let in whatever the language", () => {
    const [lint] = lintRule(SEED_004);
    expect(lint.kind).toBe('partial-condition');
    expect(lint.message).toContain("lang=='en' applies only to country=='US': country=='CA' is admitted even when lang=='en' is false");
    expect(lint.suggestion).toBe("lang=='en' && (country=='US' || country=='CA')");
  });

  it('the rule as meant is not flagged', () => {
    expect(lintRule("lang=='en' && (country=='US' || country=='CA')", { knownVariables: KNOWN })).toEqual([]);
  });

  it('also in the ${} form and with and/or', () => {
    expect(kinds("${(lang == 'en' and country == 'US') or country == 'CA'}")).toEqual(['partial-condition']);
  });
});

describe('rule lint: && and || without parentheses', () => {
  it('warns and shows the fully parenthesised reading', () => {
    const lints = lintRule("lang=='en' && country=='US' || country=='CA'");
    expect(lints[0]).toMatchObject({ kind: 'mixed-and-or', reading: "(lang=='en' && country=='US') || country=='CA'" });
    expect(lints[0].message).toContain("reads as (lang=='en' && country=='US') || country=='CA'");
  });

  it('`(a && b) || c` is not flagged', () => {
    expect(lintRule('(a && b) || c')).toEqual([]);
    expect(lintRule('a || (b && c)')).toEqual([]);
    expect(lintRule('((a) && b) || c')).toEqual([]);
  });

  it('flags and/or keywords, a group that holds both sides, and parentheses around one operand only', () => {
    expect(lintRule('a and b or c')[0].reading).toBe('(a && b) || c');
    expect(lintRule('(a && b || c)')[0].reading).toBe('(a && b) || c');
    expect(lintRule('(a) && b || c')[0].reading).toBe('(a && b) || c');
    expect(lintRule('a || b && c || d')[0].reading).toBe('a || (b && c) || d');
  });

  it("a parenthesis inside a string literal does not count", () => {
    expect(kinds("name == '(' && b || c == ')'")).toEqual(['mixed-and-or']);
  });

  it('says nothing about a rule that does not parse (Proctor reports that) or an empty one', () => {
    expect(lintRule("lang == 'en' &&")).toEqual([]);
    expect(lintRule(null)).toEqual([]);
    expect(lintRule('  ')).toEqual([]);
  });
});

describe('rule lint: unknown variables', () => {
  it("a misspelled variable names the nearest known one: contry → country", () => {
    const lints = lintRule("lang=='en' && contry=='US'", { knownVariables: KNOWN });
    expect(lints).toHaveLength(1);
    expect(lints[0]).toMatchObject({ kind: 'unknown-variable', variable: 'contry', nearest: 'country' });
    expect(lints[0].message).toContain('Did you mean country?');
  });

  it('constants, missingExperimentalUnit and known names are fine; nothing is unknown when no schema is known', () => {
    expect(lintRule('COUNTRIES == x && missingExperimentalUnit', { knownVariables: new Set(['x']), constants: ['COUNTRIES'] })).toEqual([]);
    expect(lintRule("contry == 'US'", { knownVariables: null })).toEqual([]);
    expect(lintRule("contry == 'US'", { knownVariables: new Set() })).toEqual([]);
  });

  it('a name far from every known one gets no suggestion', () => {
    const [lint] = lintRule('zzz_totally_else', { knownVariables: KNOWN });
    expect(lint.kind).toBe('unknown-variable');
    expect(lint.nearest).toBeUndefined();
  });

  it('nearestName prefers another case, then the smallest edit distance', () => {
    expect(nearestName('Country', ['country', 'county'])).toBe('country');
    expect(nearestName('lnag', ['lang', 'loggedIn'])).toBe('lang');
    expect(nearestName('x', ['lang'])).toBeNull();
  });

  it("lints every rule of a definition at its path, with the definition's constants", () => {
    const def = { rule: SEED_004, constants: { US_ONLY: true }, specialConstants: {}, allocations: [{ rule: 'US_ONLY && contry == "US"', ranges: [] }, { rule: null, ranges: [] }] } as unknown as TestDefinition;
    const issues = lintDefinitionRules(def, KNOWN);
    expect(issues.map((i) => [i.path, i.severity])).toEqual([
      ['/rule', 'warning'],
      ['/allocations/0/rule', 'warning'],
    ]);
    expect(issues[1].message).toContain('Did you mean country?');
  });
});

describe('what a change admits', () => {
  const def = (rule: string | null): TestDefinition =>
    ({ rule, constants: {}, specialConstants: {}, buckets: [], allocations: [{ rule: null, ranges: [{ bucketValue: 0, length: 1 }] }] }) as unknown as TestDefinition;
  it("seed 004: from English-US only to the misplaced parentheses, fr-CA is newly admitted", () => {
    const contexts = ['lang=en, country=US', 'lang=fr, country=CA', 'lang=en, country=CA', 'lang=fr, country=US'].map(parseSampleContext);
    const rows = compareAdmission(def("lang=='en' && country=='US'"), def(SEED_004), contexts);
    expect(rows.map((r) => r.change)).toEqual(['same', 'admitted', 'admitted', 'same']);
    expect(compareAdmission(def(SEED_004), def("lang=='en' && (country=='US' || country=='CA')"), contexts).map((r) => r.change)).toEqual(['same', 'refused', 'same', 'same']);
  });
});

describe('context text', () => {
  it('reads name=value pairs and JSON alike', () => {
    expect(parseContextText('lang=fr, country=CA')).toEqual({ ok: true, context: { lang: 'fr', country: 'CA' } });
    expect(parseContextText('{"lang": "fr", "country": "CA"}')).toEqual({ ok: true, context: { lang: 'fr', country: 'CA' } });
    expect(parseContextText('age=30; loggedIn=true\nname="a, b"; user.country=CA')).toEqual({ ok: true, context: { age: 30, loggedIn: true, name: 'a, b', user: { country: 'CA' } } });
  });

  it('explains what it cannot read', () => {
    expect(parseContextText('lang fr')).toMatchObject({ ok: false, message: expect.stringContaining('is not name=value') });
    expect(parseContextText('{"lang": ')).toMatchObject({ ok: false, message: expect.stringContaining('does not parse') });
    expect(parseContextText('[1]')).toMatchObject({ ok: false });
    const proto = parseContextText('__proto__=x');
    expect(proto.ok && Object.getPrototypeOf(proto.context)).toBe(Object.prototype);
  });
});

describe('context schema', () => {
  it('names must be variable names, once; types Java type names', () => {
    expect(contextSchemaProblems([{ name: 'country', type: 'String', description: '' }])).toEqual([]);
    const problems = contextSchemaProblems([
      { name: 'country', type: 'String', description: '' },
      { name: 'country', type: 'java.lang.String', description: '' },
      { name: '1x', type: 'not a type', description: 'x' },
    ]);
    expect(problems.map((p) => p.path)).toEqual(['/variables/1/name', '/variables/2/name', '/variables/2/type']);
  });
});

describe('a missing variable in words (Bucket check)', () => {
  it('names the variables the rules use that neither the context nor the constants give', () => {
    expect(missingRuleVariables(["${lang == 'en' && country == 'US'}", '${FLAG || missingExperimentalUnit}', 'not ( a rule'], { country: 'US' }, { FLAG: true })).toEqual(['lang']);
    expect(explainMissingVariables(['lang', 'country'])).toContain('The rules use lang and country, which the context does not give');
  });
});
