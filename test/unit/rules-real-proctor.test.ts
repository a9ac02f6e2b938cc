/**
 * Our rule language against real Proctor, line by line (issue #18): test/fixtures/real-proctor/rules.in.jsonl was
 * generated with a fixed seed and rules.expected.jsonl recorded with real-proctor (see the README there). Compared:
 * evaluateRule's true / false / error and whether verifyRule accepts the rule.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMatrix } from '../../lib/proctor/parse-definition';
import { verifyMatrix } from '../../lib/proctor/verify-matrix';
import { ourRuleResult, proctorRuleResult } from '../support/real-proctor-rules';

const dir = 'test/fixtures/real-proctor';
const lines = (file: string) => readFileSync(`${dir}/${file}`, 'utf8').split('\n').filter((l) => l.trim() !== '');
// The generated corpus, then hand-picked cases (the probes behind each fix of issue #18).
const input = [...lines('rules.in.jsonl'), ...lines('rules-hand.in.jsonl')];
const expected = [...lines('rules.expected.jsonl'), ...lines('rules-hand.expected.jsonl')];
const keyOf = (line: string) => (JSON.parse(line) as { key: string }).key;

/** Cases where we knowingly differ (README.md, "Deviations from Proctor"); each must still differ. */
const KNOWN_DEVIATIONS: Record<string, string> = {
  ...Object.fromEntries(['m4-700', 'm4-1060', 'm4-2043', 'm4-2472', 'm4-2711'].map((k) => [k, 'regex \\N{name}: JS has no Unicode name table (refused)'])),
  ...Object.fromEntries(['m2-2149', 'm2-2586', 'm2-2612'].map((k) => [k, 'String.split(regex) is outside the modelled methods'])),
};

describe('rules against real Proctor (recorded fixture)', () => {
  it('has one expected line per case, and covers every cause with many cases', () => {
    expect(expected).toHaveLength(input.length);
    const perCause = new Map<string, number>();
    for (const line of input) {
      const cause = keyOf(line).replace(/-\d+$/, '');
      perCause.set(cause, (perCause.get(cause) ?? 0) + 1);
    }
    for (const cause of ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'templates', 'general']) {
      expect(perCause.get(cause) ?? 0, cause).toBeGreaterThanOrEqual(100);
    }
  });

  const agreeing = input.map((line, i) => ({ line, i, key: keyOf(line) })).filter((c) => !(c.key in KNOWN_DEVIATIONS));
  it.each(agreeing)('$key', ({ line, i }) => {
    expect(ourRuleResult(line)).toEqual(proctorRuleResult(expected[i]));
  });

  it('still differs on each listed deviation (remove it from the list once fixed)', () => {
    const stillDiffer = input
      .map((line, i) => ({ key: keyOf(line), ours: ourRuleResult(line), proctor: proctorRuleResult(expected[i]) }))
      .filter((c) => c.key in KNOWN_DEVIATIONS && JSON.stringify(c.ours) !== JSON.stringify(c.proctor))
      .map((c) => c.key);
    expect(stillDiffer.sort()).toEqual(Object.keys(KNOWN_DEVIATIONS).sort());
  });
});

describe("Proctor's loader on typed provided contexts (recorded fixture)", () => {
  // typed-context.matrix.json: rules over variables of each providedContext type; typed-context.load.json is
  // `real-proctor load … --provided-context typed-context.types.json` (a specification requiring every test).
  const matrix = parseMatrix(readFileSync(`${dir}/typed-context.matrix.json`, 'utf8'));
  const types = JSON.parse(readFileSync(`${dir}/typed-context.types.json`, 'utf8')) as Record<string, string>;
  const recorded = JSON.parse(readFileSync(`${dir}/typed-context.load.json`, 'utf8')) as { tests: number; loaderErrors: Record<string, string> };
  const spec = { tests: Object.fromEntries(Object.keys(matrix.tests).map((name) => [name, {}])) };
  const ours = verifyMatrix(matrix, spec, types);

  it('loads the same tests and refuses the same ones', () => {
    expect(Object.keys(matrix.tests)).toHaveLength(recorded.tests);
    expect(Object.keys(ours.errors).sort()).toEqual(Object.keys(recorded.loaderErrors).sort());
    expect(ours.errors.t001_tst).toEqual(['Invalid allocation rule in t001_tst: Failed to evaluate a rule ${proctor:inRange(i, 1, 10)}: Problems calling function [proctor:inRange]']);
    expect(ours.errors.t029_tst).toBeUndefined(); // proctor:inRange(l, 1, 10) with l declared long
  });

  it.each(Object.keys(matrix.tests))('%s: the same message', (name) => {
    expect(ours.errors[name]?.[0] ?? null).toBe(recorded.loaderErrors[name] ?? null);
  });
});
