import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '@/lib/errors';
import type { TestDefinition } from '@/lib/proctor/model';
import { determineEvaluationOrder, validateDependencies, validateDependency } from '@/lib/proctor/validate-dependencies';

type Row = [string, string, number[], [string, number]?];
const { cases } = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/validation/dependencies.json'), 'utf8')) as {
  cases: { name: string; tests: Record<string, Row>; reasons: Record<string, string>; order: boolean }[];
};

type View = Pick<TestDefinition, 'dependsOn' | 'testType' | 'salt' | 'buckets'>;
function build(tests: Record<string, Row>): Record<string, View> {
  const out: Record<string, View> = {};
  for (const [name, [testType, salt, values, dep]] of Object.entries(tests)) {
    out[name] = {
      testType,
      salt,
      buckets: values.map((value) => ({ name: `b${value}`.replace('-', 'm'), value })),
      dependsOn: dep ? { testName: dep[0], bucketValue: dep[1] } : null,
    };
  }
  return out;
}

describe('validateDependencies', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const defs = build(c.tests);
    expect(validateDependencies(defs)).toEqual(c.reasons);
    if (c.order) {
      const order = determineEvaluationOrder(defs);
      expect([...order].sort()).toEqual(Object.keys(defs).sort());
      for (const [name, def] of Object.entries(defs)) {
        if (def.dependsOn) expect(order.indexOf(def.dependsOn.testName)).toBeLessThan(order.indexOf(name));
      }
    } else {
      expect(() => determineEvaluationOrder(defs)).toThrow(AppError);
      expect(() => determineEvaluationOrder(defs)).toThrow('Detected invalid dependency links. Unable to determine order');
    }
  });

  it('reports self-dependency directly for a single test (webapp use)', () => {
    const defs = build({ a: ['USER', '&a', [0, 1], ['a', 1]] });
    expect(validateDependency('a', defs.a, defs)).toBe('A test a depends on itself');
  });

  it('lists allowed parent types sorted when several are allowed', () => {
    const defs = build({ p: ['EMAIL', '&p', [0, 1]], c: ['USER', '&c', [0, 1], ['p', 1]] });
    expect(validateDependency('c', defs.c, defs, () => ['USER', 'ACCOUNT'])).toBe(
      'A test c depends on p with different test type: expected ACCOUNT, USER but EMAIL',
    );
  });

  it('handles a 20,000-long chain without recursion', () => {
    const tests: Record<string, Row> = { t0: ['USER', '&t0', [0, 1]] };
    for (let i = 1; i < 20_000; i++) tests[`t${i}`] = ['USER', `&t${i}`, [0, 1], [`t${i - 1}`, 1]];
    const defs = build(tests);
    expect(validateDependencies(defs)).toEqual({});
    expect(determineEvaluationOrder(defs)[19_999]).toBe('t19999');
  });
});
