import { describe, expect, it } from 'vitest';
import type { TestDefinition } from '@/lib/proctor/model';
import { parseDefinition } from '@/lib/proctor/parse-definition';
import { validateDefinition } from '@/lib/proctor/validate-definition';

// Rule checks go through lib/proctor/rules (verifyRule); here we check Proctor's wrapper texts and paths.
const SYNTAX = (rule: string) =>
  `Unable to evaluate rule ${rule} due to a syntax error. Check that your rule is in the correct format and returns a boolean. For more information read: https://opensource.indeedeng.io/proctor/docs/test-rules/.`;

const base = parseDefinition(`{
  "salt" : "&t", "testType" : "USER", "description" : "d", "constants" : { "LANG" : "en" },
  "buckets" : [ { "name" : "control", "value" : 0 }, { "name" : "test", "value" : 1 } ],
  "allocations" : [
    { "rule" : "country == 'US'", "ranges" : [ { "bucketValue" : 0, "length" : 0.5 }, { "bucketValue" : 1, "length" : 0.5 } ] },
    { "ranges" : [ { "bucketValue" : 0, "length" : 1.0 } ] } ] }`);
const withRules = (rule: string | null, allocationRule: string | null): TestDefinition => ({
  ...base,
  rule,
  allocations: [{ ...base.allocations[0], rule: allocationRule }, base.allocations[1]],
});

describe('rule verification inside validateDefinition', () => {
  it('accepts valid rules with and without ${}', () => {
    expect(validateDefinition('t', withRules('${lang == LANG}', "country == 'US' && fn:startsWith(lang, 'e')"))).toEqual([]);
    expect(validateDefinition('t', withRules('lang == LANG', "${country == 'US'}"))).toEqual([]);
  });

  it('EL 3.0 list literals are syntax errors (EL 2.2)', () => {
    const issues = validateDefinition('t', withRules(null, "proctor:contains(['x'], lang)"));
    expect(issues.map((i) => i.path)).toEqual(['/allocations/0/rule']);
  });

  it('wraps a test-rule syntax error as "Invalid rule in {test}: …" on /rule', () => {
    const issues = validateDefinition('mytst', withRules('lang ==', "country == 'US'"));
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toBe('/rule');
    expect(issues[0].severity).toBe('error');
    expect(issues[0].message.startsWith('Invalid rule in mytst: ' + SYNTAX('${lang ==}'))).toBe(true);
  });

  it('wraps an allocation-rule syntax error as "Invalid allocation rule in {test}: …"', () => {
    const issues = validateDefinition('mytst', withRules(null, 'country == '));
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toBe('/allocations/0/rule');
    expect(issues[0].message.startsWith('Invalid allocation rule in mytst: ' + SYNTAX('${country ==}'))).toBe(true);
  });

  it('the __COUNTRIES rule is part of the verified test rule', () => {
    const def = { ...withRules('a ==', "country == 'US'"), specialConstants: { __COUNTRIES: ['US'] } };
    const [issue] = validateDefinition('mytst', def);
    expect(issue.message.startsWith('Invalid rule in mytst: ' + SYNTAX('${proctor:contains(__COUNTRIES, country) && a ==}'))).toBe(true);
  });

  it('reports test-rule and every allocation-rule problem together', () => {
    const def = withRules('((', ')(');
    def.allocations[1] = { ...def.allocations[1], rule: '${x ==}' };
    const paths = validateDefinition('mytst', def).map((i) => i.path);
    expect(paths).toEqual(['/rule', '/allocations/0/rule', '/allocations/1/rule']);
  });

  it('with a providedContext, unknown identifiers are reported and constants resolve', () => {
    const context = { country: 'String', lang: 'String' };
    expect(validateDefinition('t', withRules('lang == LANG', "country == 'US'"), { providedContext: context })).toEqual([]);
    const issues = validateDefinition('t', withRules('userAgent.mobile', "country == 'US'"), { providedContext: context });
    expect(issues.map((i) => i.path)).toEqual(['/rule']);
    expect(issues[0].message).toContain('Invalid rule in t: The variable userAgent is defined in rule');
  });
});
