import { describe, expect, it } from 'vitest';
import evaluateRuleCases from '../fixtures/rules/evaluate-rule.json';
import expressionCases from '../fixtures/rules/evaluate-expression.json';
import verifyCases from '../fixtures/rules/verify-rule.json';
import {
  collectIdentifiers,
  evaluateAst,
  evaluateExpression,
  evaluateRule,
  JavaInt,
  MaybeBool,
  parseRule,
  printRule,
  RULE_POSITION_HINT,
  RuleEvaluationError,
  RuleSyntaxError,
  verifyRule,
  verifyRuleDetailed,
} from '@/lib/proctor/rules';
import { DoubleValue } from '@/lib/proctor/model';

/** Fixture values: {"$double": x} → a Java Double; everything else as parsed. */
function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (Object.keys(obj).length === 1 && typeof obj.$double === 'number') return new DoubleValue(obj.$double);
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, revive(v)]));
  }
  return value;
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

function kindOf(raw: unknown): string {
  if (raw === null) return 'null';
  if (typeof raw === 'bigint') return 'long';
  if (raw instanceof JavaInt) return 'int';
  if (typeof raw === 'number') return 'double';
  if (typeof raw === 'string') return 'string';
  if (typeof raw === 'boolean') return 'boolean';
  return 'other';
}

describe('evaluateRule (fixtures)', () => {
  for (const c of evaluateRuleCases.cases) {
    it(c.name, () => {
      const options = { constants: revive(c.constants ?? {}) as Record<string, unknown>, context: revive(c.context ?? {}) as Record<string, unknown> };
      if ('error' in c && c.error !== undefined) {
        const e = errorOf(() => evaluateRule(c.rule, options));
        expect(e.message).toContain(c.error);
        expect(e instanceof RuleSyntaxError || e instanceof RuleEvaluationError).toBe(true);
      } else {
        expect(evaluateRule(c.rule, options)).toBe(c.expected);
      }
    });
  }
});

describe('evaluateExpression (fixtures)', () => {
  for (const c of expressionCases.cases) {
    it(c.expr || '(empty)', () => {
      const options = { constants: revive(c.constants ?? {}) as Record<string, unknown>, context: revive(c.context ?? {}) as Record<string, unknown> };
      if ('error' in c && c.error !== undefined) {
        const e = errorOf(() => evaluateExpression(c.expr, options));
        expect(e.message).toContain(c.error);
        // Tomcat's "Problems calling function [x]" keeps what went wrong as its cause.
        if ('cause' in c && c.cause !== undefined) expect((e.cause as Error).message).toContain(c.cause);
        expect(e instanceof RuleSyntaxError || e instanceof RuleEvaluationError).toBe(true);
        return;
      }
      const raw = evaluateAst(parseRule(c.expr), options);
      expect(kindOf(raw)).toBe(c.type);
      const expected = (c as { expected: unknown }).expected;
      if (c.type === 'long') expect(raw).toBe(BigInt(expected as number | string));
      else if (c.type === 'int') expect((raw as JavaInt).value).toBe(expected);
      else if (c.type === 'double') expect(raw).toBe(expected === 'Infinity' ? Infinity : expected);
      else if (raw instanceof MaybeBool) expect(raw.name).toBe(expected);
      else expect(evaluateExpression(c.expr, options)).toEqual(expected);
    });
  }
});

describe('verifyRule (fixtures)', () => {
  for (const c of verifyCases.cases) {
    it(c.name, () => {
      const provided = (c as { providedContext?: Record<string, string> }).providedContext;
      const constants = (c as { constants?: Record<string, unknown> }).constants;
      const messages = verifyRule(c.rule, provided, constants);
      if ('messages' in c && c.messages) expect(messages).toEqual(c.messages);
      if ('contains' in c && c.contains) {
        expect(messages).toHaveLength(1);
        for (const part of c.contains) expect(messages[0]).toContain(part);
      }
      const detailed = verifyRuleDetailed(c.rule, provided, constants);
      expect(detailed.map((p) => p.message)).toEqual(messages);
      if ('position' in c && c.position !== undefined) expect(detailed[0].position).toBe(c.position);
      if ('kind' in c && c.kind !== undefined) expect(detailed[0].kind).toBe(c.kind);
    });
  }

  it('puts a parsable position hint on syntax errors that points at the offending text', () => {
    const rule = "${country == 'US' && (lang == 'en'}";
    const [problem] = verifyRuleDetailed(rule);
    const m = RULE_POSITION_HINT.exec(problem.message);
    expect(m).not.toBeNull();
    expect(Number(m![1]) - 1).toBe(problem.position);
    expect(rule[problem.position!]).toBe('}');
  });
});

describe('parseRule', () => {
  it('accepts a rule with or without the ${} wrapper and reports offsets into the given text', () => {
    expect(printRule(parseRule("lang == 'en'"))).toBe("${lang == 'en'}");
    expect(printRule(parseRule("${lang == 'en'}"))).toBe("${lang == 'en'}");
    expect(errorOf(() => parseRule('a == == b'))).toMatchObject({ name: 'RuleSyntaxError', position: 5 });
    expect(errorOf(() => parseRule('${a == == b}'))).toMatchObject({ position: 7 });
  });

  it('collects free variables, not properties or function names', () => {
    const ast = parseRule("${proctor:contains(COUNTRIES, country) && ua.os.version > v && ua['x'] == lang ? a : b}");
    expect(collectIdentifiers(ast)).toEqual(['COUNTRIES', 'country', 'ua', 'v', 'lang', 'a', 'b']);
  });

  it('never overflows the stack on deep nesting or long rules', () => {
    for (const text of [
      '('.repeat(10_000) + 'a' + ')'.repeat(10_000),
      '!'.repeat(10_000) + 'a',
      '-'.repeat(10_000) + '1',
      'a' + '.b'.repeat(10_000),
      'a' + '[0]'.repeat(5_000),
      Array(20_000).fill('a').join(' || '),
      'a ? '.repeat(5_000) + 'b' + ' : c'.repeat(5_000),
      'f('.repeat(5_000),
    ]) {
      const e = errorOf(() => parseRule(text));
      expect(e).toBeInstanceOf(RuleSyntaxError);
      expect(e.message).toMatch(/nested too deeply|too complex|not found/);
    }
  });

  it('evaluates a long but shallow rule', () => {
    const rule = '${' + Array.from({ length: 500 }, (_, i) => `country == 'C${i}'`).join(' || ') + '}';
    expect(evaluateRule(rule, { context: { country: 'C499' } })).toBe(true);
    expect(evaluateRule(rule, { context: { country: 'XX' } })).toBe(false);
    expect(evaluateExpression("'" + 'x'.repeat(100_000) + "' == s", { context: { s: 'x'.repeat(100_000) } })).toBe(true);
  });

  it('keeps context objects intact and unpolluted', () => {
    const context = JSON.parse('{"m": {"__proto__": {"polluted": true}}, "s": "x"}');
    expect(evaluateExpression('m.__proto__.polluted', { context })).toBe(true);
    expect(evaluateExpression('m.constructor', { context })).toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    class Bean {
      secret = 'value';
    }
    expect(errorOf(() => evaluateExpression('b.secret', { context: { b: new Bean() } })).message).toContain("Property [secret] not found");
    const withGetter = Object.defineProperty({}, 'g', { get: () => 'ran', enumerable: true });
    expect(evaluateExpression('o.g', { context: { o: withGetter } })).toBeNull();
  });

  it('supports Map contexts and constants', () => {
    expect(evaluateRule('${m.k == 1 && c}', { context: new Map<string, unknown>([['m', new Map([['k', 1]])]]), constants: new Map([['c', true]]) })).toBe(true);
  });
});
