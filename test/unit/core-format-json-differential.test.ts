import { describe, expect, it } from 'vitest';
import { JsonParseError, locate, parseJson, type ParseJsonOptions } from '@/lib/proctor/json';
import { BigIntegerValue, DoubleValue, type JsonValue } from '@/lib/proctor/model';
import { parseDefinition, parseDefinitionStrict } from '@/lib/proctor/parse-definition';
import { definitionCorpus } from '../support/definition-corpus';
import { referenceParseJson } from '../support/reference-json';

/**
 * parseJson is a hand-tuned reader; test/support/reference-json.ts is the plain one it replaced. On real definitions,
 * on many mutations of them (truncations, deletions, insertions of JSON's structural characters) and on edge cases,
 * both must give the same value (number kinds, key order, own `__proto__`), the same positions and the same error.
 */

const corpus = definitionCorpus();

/** A comparable picture of a value: DoubleValues and plain numbers stay distinct, objects keep own key order. */
function shape(value: JsonValue): unknown {
  if (value instanceof DoubleValue) return { double: value.value };
  if (value instanceof BigIntegerValue) return { bigint: value.toString() };
  if (typeof value === 'number') return { int: Object.is(value, -0) ? '-0' : value };
  if (Array.isArray(value)) return value.map(shape);
  if (value !== null && typeof value === 'object') {
    return { proto: Object.getPrototypeOf(value) === Object.prototype, entries: Object.keys(value).map((k) => [k, shape(value[k])]) };
  }
  return value;
}

type Outcome = { ok: true; value: unknown; positions: [string, number][] } | { ok: false; error: unknown };

function outcome(parse: () => { value: JsonValue; positions: Map<string, number> }): Outcome {
  try {
    const { value, positions } = parse();
    return { ok: true, value: shape(value), positions: [...positions] };
  } catch (error) {
    if (!(error instanceof JsonParseError)) throw error;
    return { ok: false, error: { message: error.message, offset: error.offset, line: error.line, column: error.column } };
  }
}

function expectSame(text: string, options: ParseJsonOptions = {}): void {
  expect(outcome(() => parseJson(text, options)), JSON.stringify(text.slice(0, 200))).toEqual(outcome(() => referenceParseJson(text, options)));
}

/** Deterministic pseudo-random numbers so every run checks the same mutations. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const INSERTS = [',', '{', '}', '[', ']', ':', '"', '\\', '-', '+', '.', 'e', 'E', '0', '7', '/', '*', '//', '/*', '\u0000', '\n', '\t', "'", 'x', 'tru', 'null', '\\u12', '\u00e9', '\ufeff', ' '];

describe('parseJson agrees with the reference reader', () => {
  it('on every reference and proctor-data definition, with and without positions', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(56);
    for (const text of corpus) {
      expectSame(text);
      expectSame(text, { trackPositions: true });
      expectSame(text, { allowComments: false });
    }
  });

  it('on truncations, deletions and insertions of those definitions', () => {
    const rand = lcg(7);
    for (const text of corpus) {
      for (let k = 0; k < 40; k++) {
        const at = Math.floor(rand() * text.length);
        const insert = INSERTS[Math.floor(rand() * INSERTS.length)];
        expectSame(text.slice(0, at), { trackPositions: k % 2 === 0 });
        expectSame(text.slice(0, at) + text.slice(at + 1));
        expectSame(text.slice(0, at) + insert + text.slice(at), { trackPositions: k % 2 === 1 });
      }
    }
  });

  it.each([
    '', ' ', '\ufeff{}', '{}\ufeff', '0', '-0', '-0.0', '1.0', '1e3', '1E+3', '1e-3', '0.5e', '1.', '.5', '01', '-', '--1', '-a', '1x',
    '9007199254740991', '-9007199254740991', '9007199254740992', '123456789012345', '1234567890123456', '1e400', '-1e400', '1.5.2',
    '"\\u00e9\\n\\t\\"\\\\\\/\\b\\f\\r"', '"\\uZZZZ"', '"\\u12"', '"\\x"', '"abc', '"a\nb"', '"\\', '"a\\"',
    '{"__proto__": {"x": 1}, "constructor": 2, "toString": 3}', '{"a": 1, "b": 2, "a": 3}', '{"2": 1, "1": 2, "b": 3}',
    '{"a/b~c": [1, {"d": [ ]}]}', '{"a": 1,}', '[1,]', '[,1]', '{,}', '{"a" 1}', '{"a": }', '{a: 1}', "{'a': 1}", '[1 2]', '{"a":1} x',
    '[true, false, null, trueish]', 'nul', '\u0000', '[\u0000]', '// c\n{"a": /* b */ 1} // d', '/* open', '/x', '{"a": 1} /',
  ])('on %j', (text) => {
    expectSame(text);
    expectSame(text, { trackPositions: true });
    expectSame(text, { allowComments: false });
  });

  it('on nesting at and beyond the depth limit', () => {
    for (const depth of [3, 4, 5]) {
      expectSame('['.repeat(depth) + ']'.repeat(depth), { maxDepth: 4, trackPositions: true });
      expectSame('{"a":'.repeat(depth) + '1' + '}'.repeat(depth), { maxDepth: 4, trackPositions: true });
    }
    expectSame('['.repeat(600));
  });
});

describe('parseDefinition errors name the position of the offending value', () => {
  // Positions are worked out only when a definition is wrong; the error must still point at the value's start.
  it.each([
    ['/buckets/1/value', '"abc"', '{\n  "buckets" : [ { "name" : "a", "value" : 0 }, {\n    "name" : "b",\n    "value" : "abc"\n  } ]\n}'],
    ['/allocations/0/ranges/0/length', '[ 1 ]', '{ "allocations" : [ { "ranges" : [ { "bucketValue" : 0, "length" : [ 1 ] } ] } ] }'],
    ['/silent', '"maybe"', '// comment\n{\n  "silent" : "maybe"\n}'],
  ])('%s', (pointer, valueText, text) => {
    const { line, column } = locate(text, text.indexOf(valueText));
    expect(() => parseDefinition(text)).toThrow(`Invalid test definition at ${pointer} (line ${line}, column ${column}): `);
  });

  it('for an unknown field in strict mode', () => {
    const text = '{\n  "version" : "1",\n  "colour" : "blue"\n}';
    expect(() => parseDefinitionStrict(text)).toThrow('Invalid test definition at /colour (line 3, column 14): unknown field "colour"');
  });
});
