/**
 * Property tests for the rule parser/evaluator with a seeded PRNG (reproducible): random token soups only ever raise
 * RuleSyntaxError; random valid ASTs print → parse → print to the same text, and evaluating them only raises the
 * domain errors (RuleSyntaxError / RuleEvaluationError), never TypeError/RangeError.
 */
import { describe, expect, it } from 'vitest';
import type { BinaryOp, RuleNode } from '@/lib/proctor/rules';
import { evaluateExpression, evaluateRule, parseRule, printRule, RuleEvaluationError, RuleSyntaxError, verifyRule } from '@/lib/proctor/rules';

/** mulberry32 */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKENS = [
  '${', '}', '#{', '(', ')', '[', ']', '.', ',', ':', '?', '+', '-', '*', '/', '%', '==', '!=', '<', '>', '<=', '>=', '&&', '||', '!',
  '=', '&', '|', ';', '{', '->', '+=', 'and', 'or', 'not', 'eq', 'ne', 'lt', 'gt', 'le', 'ge', 'div', 'mod', 'empty', 'instanceof',
  'true', 'false', 'null', '0', '1', '42', '1.5', '.5', '1e3', '99999999999999999999', "'s'", '"d"', "'un", "'\\n'", 'a', 'b', 'lang',
  'country', 'l', 'm', 'proctor:contains', 'proctor:version', 'fn:length', 'fn:split', 'indeed:matches', 'x:y', '日本', '\u0000', '\\', ' ',
];

const CONTEXT = { a: true, b: false, n: 3, d: 1.5, s: 'en', lang: 'en', country: 'US', l: ['US', 1, 2], m: { k: 'v', n: 1, t: true }, nul: null };

function isDomainError(e: unknown): boolean {
  return e instanceof RuleSyntaxError || e instanceof RuleEvaluationError;
}

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)];
}

const BINARY: BinaryOp[] = ['+', '-', '*', '/', '%', '==', '!=', '<', '>', '<=', '>=', '&&', '||'];
const IDENTS = ['a', 'b', 'n', 'd', 's', 'lang', 'country', 'l', 'm', 'nul'];

function genNode(rand: () => number, depth: number): RuleNode {
  const span = { start: 0, end: 0 };
  const leaf = depth <= 0 || rand() < 0.3;
  if (leaf) {
    switch (Math.floor(rand() * 7)) {
      case 0: {
        const raw = String(Math.floor(rand() * 1000));
        return { type: 'integer', value: BigInt(raw), raw, ...span };
      }
      case 1: {
        const raw = (rand() * 100).toFixed(2);
        return { type: 'float', value: Number(raw), raw, ...span };
      }
      case 2:
        return { type: 'string', value: pick(rand, ['', 'en', "it's", 'a\\b', '"q"', '1', '2.5', 'true', '日本', '${x}']), ...span };
      case 3:
        return { type: 'boolean', value: rand() < 0.5, ...span };
      case 4:
        return { type: 'null', ...span };
      default:
        return { type: 'identifier', name: pick(rand, IDENTS), ...span };
    }
  }
  const d = depth - 1;
  switch (Math.floor(rand() * 7)) {
    case 0:
      return { type: 'unary', op: pick(rand, ['-', '!', 'empty'] as const), operand: genNode(rand, d), ...span };
    case 1:
    case 2:
      return { type: 'binary', op: pick(rand, BINARY), left: genNode(rand, d), right: genNode(rand, d), ...span };
    case 3:
      return { type: 'ternary', test: genNode(rand, d), consequent: genNode(rand, d), alternate: genNode(rand, d), ...span };
    case 4:
      return rand() < 0.5
        ? { type: 'member', object: genNode(rand, d), property: { type: 'string', value: pick(rand, ['k', 'n', 't', 'x']), ...span }, computed: false, ...span }
        : { type: 'member', object: genNode(rand, d), property: genNode(rand, d), computed: true, ...span };
    case 5:
      return { type: 'call', object: genNode(rand, d), property: { type: 'string', value: pick(rand, ['size', 'contains', 'length', 'startsWith']), ...span }, computed: false, args: rand() < 0.5 ? [] : [genNode(rand, d)], ...span };
    default: {
      const fn = pick(rand, [
        ['proctor', 'contains', 2],
        ['indeed', 'matches', 2],
        ['proctor', 'version', 1],
        ['proctor', 'inRange', 3],
        ['proctor', 'maybeAnd', 2],
        ['fn', 'length', 1],
        ['fn', 'substring', 3],
        ['fn', 'split', 2],
        ['fn', 'toUpperCase', 1],
      ] as const);
      return { type: 'function', prefix: fn[0], name: fn[1], args: Array.from({ length: fn[2] }, () => genNode(rand, d)), ...span };
    }
  }
}

describe('rule parser fuzzing (seeded)', () => {
  it('token soups raise nothing but RuleSyntaxError, and whatever parses evaluates to a value or a domain error', () => {
    const rand = prng(20240710);
    let parsed = 0;
    for (let i = 0; i < 5000; i++) {
      const count = 1 + Math.floor(rand() * 12);
      const text = Array.from({ length: count }, () => pick(rand, TOKENS)).join(rand() < 0.5 ? ' ' : '');
      let ok = false;
      try {
        parseRule(text);
        ok = true;
        parsed++;
      } catch (e) {
        if (!(e instanceof RuleSyntaxError)) throw new Error(`parseRule(${JSON.stringify(text)}) threw ${String(e)}`);
        expect(e.position).toBeGreaterThanOrEqual(0);
        expect(e.position).toBeLessThanOrEqual(text.length);
      }
      for (const run of [() => evaluateExpression(text, { context: CONTEXT }), () => evaluateRule('${' + text + '}', { context: CONTEXT }), () => verifyRule(text, { a: 'boolean', s: 'String' })]) {
        try {
          run();
        } catch (e) {
          if (!isDomainError(e)) throw new Error(`${JSON.stringify(text)} (parsed: ${ok}) threw ${String(e)}`);
        }
      }
    }
    expect(parsed).toBeGreaterThan(100);
  });

  it('random valid ASTs survive print → parse → print and evaluate without non-domain errors', () => {
    const rand = prng(42);
    for (let i = 0; i < 3000; i++) {
      const node = genNode(rand, 5);
      const printed = printRule(node);
      let reparsed: string;
      try {
        reparsed = printRule(parseRule(printed));
      } catch (e) {
        throw new Error(`could not re-parse ${printed}: ${String(e)}`);
      }
      expect(reparsed).toBe(printed);
      try {
        evaluateExpression(printed, { context: CONTEXT, constants: { n: 7 } });
      } catch (e) {
        if (!isDomainError(e)) throw new Error(`${printed} threw ${String(e)}`);
      }
      try {
        evaluateRule(printed, { context: CONTEXT });
      } catch (e) {
        if (!isDomainError(e)) throw new Error(`${printed} threw ${String(e)}`);
      }
    }
  });
});
