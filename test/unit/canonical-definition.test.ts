import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { adoptCanonicalDefinition } from '@/lib/proctor/canonical-definition';
import { parseJson } from '@/lib/proctor/json';
import { DoubleValue, type JsonValue, type TestDefinition } from '@/lib/proctor/model';
import { parseDefinition, readDefinition } from '@/lib/proctor/parse-definition';
import { serializeDefinition } from '@/lib/proctor/serialize-definition';
import { definitionCorpus, PROCTOR_DATA_DEFINITIONS as DATA } from '../support/definition-corpus';

/**
 * The JSON.parse fast path of parseDefinition (lib/proctor/canonical-definition.ts) may answer only with exactly what
 * the scanner and its Reader give: the same values, number kinds (`5` vs `5.0`), key order and own `__proto__` keys —
 * and never for a text the scanner refuses. Checked on every reference and proctor-data definition, on generated
 * definitions with numbers of both kinds in constants and payloads, and on mutations aimed at what JSON.parse loses.
 */

const corpus = definitionCorpus();

/** A comparable picture: DoubleValues and plain numbers stay distinct, -0 is visible, objects keep own key order. */
function shape(value: unknown): unknown {
  if (value instanceof DoubleValue) return { double: Object.is(value.value, -0) ? '-0' : value.value };
  if (typeof value === 'number') return { number: Object.is(value, -0) ? '-0' : value };
  if (Array.isArray(value)) return value.map(shape);
  if (value !== null && typeof value === 'object') {
    return { proto: Object.getPrototypeOf(value) === Object.prototype, entries: Object.keys(value).map((k) => [k, shape((value as Record<string, unknown>)[k])]) };
  }
  return value;
}

/** What the scanner and Reader alone make of the text (the path parseDefinition took before the fast path). */
function scanned(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: shape(readDefinition(parseJson(text).value)) };
  } catch {
    return { ok: false };
  }
}

let adopted = 0;
/** The fast path answers only with the scanner's own result; returns whether it answered. */
function expectAgreement(text: string): boolean {
  const fast = adoptCanonicalDefinition(text);
  if (fast === null) return false;
  adopted++;
  expect(scanned(text), text.slice(0, 300)).toEqual({ ok: true, value: shape(fast) });
  // parseDefinition takes the fast path here and gives the same.
  expect(shape(parseDefinition(text))).toEqual(shape(fast));
  return true;
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** A raw value with numbers of both kinds (written `5`, `5.0`, `0.25`, `1.0E-4`), strings, nesting. */
function rawValue(rand: () => number, depth = 0): JsonValue {
  const pick = Math.floor(rand() * (depth > 2 ? 7 : 9));
  switch (pick) {
    case 0: return Math.floor(rand() * 7) - 2; // small integers, 0 and negatives included
    case 1: return new DoubleValue(Math.floor(rand() * 7) - 2); // 5.0, 0.0, -2.0
    case 2: return new DoubleValue(Math.floor(rand() * 1000) / 8); // 0.125 …
    case 3: return new DoubleValue(rand() < 0.5 ? 1e-4 : 12345678.5); // exponent forms
    case 4: return ['en', 'v1.0 rollout', '5.0', 'x"y', 'é'][Math.floor(rand() * 5)];
    case 5: return rand() < 0.5;
    case 6: return null;
    case 7: return Array.from({ length: Math.floor(rand() * 4) }, () => rawValue(rand, depth + 1));
    default: return Object.fromEntries(Array.from({ length: Math.floor(rand() * 4) }, (_, i) => [`k${i}`, rawValue(rand, depth + 1)]));
  }
}

const base = parseDefinition(readFileSync(path.join(DATA, 'company_profile_reviews/definition.json'), 'utf8'));
/** The same without its map payloads (`"minRating" : 1.0` there is an integer-valued double of its own). */
const plain: TestDefinition = { ...base, buckets: base.buckets.map((b) => ({ ...b, payload: { stringValue: b.name } })) };

function generated(rand: () => number): TestDefinition {
  const def = structuredClone({ ...base, constants: {}, specialConstants: {} }) as TestDefinition;
  def.constants = Object.fromEntries(Array.from({ length: Math.floor(rand() * 4) }, (_, i) => [`C${i}`, rawValue(rand)]));
  if (rand() < 0.3) def.specialConstants = { __COUNTRIES: ['US', 'CA'] };
  def.buckets = def.buckets.map((bucket, i) => {
    const kind = Math.floor(rand() * 4);
    const payload = kind === 0 ? { map: { n: rawValue(rand), s: 'x' } } : kind === 1 ? { json: rawValue(rand) } : kind === 2 ? { doubleValue: i + 0.5 } : { longArray: [i, 7] };
    return { ...bucket, payload };
  });
  def.allocations = def.allocations.map((a) => ({ ...a, ranges: a.ranges.map((r, i) => ({ ...r, length: i === 0 ? 1 : 0 })) }));
  return def;
}

/** Textual mutations aimed at what JSON.parse does not keep or the Reader would coerce. */
const MUTATIONS: Array<[string, (text: string) => string]> = [
  ['compact whitespace', (t) => t.replace(/\n\s*/g, '')],
  ['length 1.0 → 1', (t) => t.replace('"length" : 1.0', '"length" : 1')],
  ['length 0.0 → -0.0', (t) => t.replace('"length" : 0.0', '"length" : -0.0')],
  ['length 0.0 → -0', (t) => t.replace('"length" : 0.0', '"length" : -0')],
  ['bucket value → -0', (t) => t.replace(/"value" : 0\b/, '"value" : -0')],
  ['bucket value → 1.0', (t) => t.replace(/"value" : 1\b/, '"value" : 1.0')],
  ['bucket value beyond int', (t) => t.replace(/"value" : 1\b/, '"value" : 2147483648')],
  ['constant integer → double literal', (t) => t.replace(/("C0" : )(-?\d+)([,\n])/, '$1$2.0$3')],
  ['constant integer → exponent literal', (t) => t.replace(/("C0" : )(-?\d+)([,\n])/, '$1$2e0$3')],
  ['constant double → integer literal', (t) => t.replace(/("C0" : -?\d+)\.0([,\n])/, '$1$2')],
  ['constant → unsafe integer', (t) => t.replace('"constants" : {', '"constants" : { "BIG" : 9007199254740993,')],
  ['constant → -0', (t) => t.replace('"constants" : {', '"constants" : { "Z" : -0,')],
  ['constant → 1e400', (t) => t.replace('"constants" : {', '"constants" : { "I" : 1e400,')],
  ['constant → __proto__ key', (t) => t.replace('"constants" : {', '"constants" : { "__proto__" : { "a" : 1 },')],
  ['constant → deep nesting', (t) => t.replace('"constants" : {', `"constants" : { "D" : ${'['.repeat(600)}${']'.repeat(600)},`)],
  ['unknown root key with an unsafe integer', (t) => t.replace('{', '{ "extra" : 123456789012345678901,')],
  ['unknown root key, deep', (t) => t.replace('{', `{ "extra" : ${'{"a":'.repeat(520)}1${'}'.repeat(520)},`)],
  ['unknown root key', (t) => t.replace('{', '{ "extra" : "x",')],
  ['numeric version', (t) => t.replace(/"version" : "[^"]*"/, '"version" : 1')],
  ['numeric salt', (t) => t.replace(/"salt" : "[^"]*"/, '"salt" : 2.0')],
  ['null buckets', (t) => t.replace(/"buckets" : \[/, '"buckets" : null, "b" : [')],
  ['null metaTags', (t) => t.replace(/"metaTags" : \[[^\]]*\]/, '"metaTags" : null')],
  ['null flag', (t) => t.replace('"silent" : false', '"silent" : null')],
  ['string flag', (t) => t.replace('"silent" : false', '"silent" : "true"')],
  ['salt before version', (t) => t.replace(/("version" : [^,]*,)(\s*"constants")/, '$2')],
  ['duplicate salt', (t) => t.replace('{', '{ "salt" : "first",')],
  ['subrule', (t) => t.replace('"rule" : ', '"subrule" : ')],
  ['bucket description null', (t) => t.replace(/("description" : )"[^"]*"(,\s*"payload")/, '$1null$2')],
  ['bucket payload null', (t) => t.replace(/"payload" : \{/, '"payload" : null, "p" : {')],
  ['payload keys swapped', (t) => t.replace(/\{\s*"longArray" : (\[[^\]]*\])\s*\}/, '{ "stringValue" : "s", "longArray" : $1 }')],
  ['payload longArray unsafe', (t) => t.replace(/"longArray" : \[/, '"longArray" : [ 9007199254740993,')],
  ['payload doubleValue as string', (t) => t.replace(/"doubleValue" : ([\d.]+)/, '"doubleValue" : "$1"')],
  ['allocation id null', (t) => t.replace(/"id" : "[^"]*"/, '"id" : null')],
  ['comment', (t) => `// edited by hand\n${t}`],
  ['byte-order mark', (t) => `\ufeff${t}`],
  ['escaped key', (t) => t.replace('"salt"', '"s\\u0061lt"')],
  ['trailing garbage', (t) => `${t} x`],
  ['truncated', (t) => t.slice(0, Math.floor(t.length / 2))],
];

describe('adoptCanonicalDefinition (the JSON.parse fast path)', () => {
  it('reads every reference and proctor-data definition as the scanner does', () => {
    const taken = corpus.filter(expectAgreement).length;
    // Proctor's own test fixtures are hand-written (`"version": 1`, allocations without ids …): the scanner reads those.
    expect(taken).toBeGreaterThanOrEqual(8);
    expect(corpus.length - taken).toBeGreaterThan(30);
  });

  it('agrees with the scanner on 2,000 generated definitions with numbers of both kinds, and on their mutations', () => {
    const rand = lcg(20261125);
    let cleanTaken = 0;
    let mutatedTaken = 0;
    const declinedBy = new Map<string, number>();
    for (let n = 0; n < 2000; n++) {
      const text = serializeDefinition(generated(rand));
      if (expectAgreement(text)) cleanTaken++;
      const [name, mutate] = MUTATIONS[n % MUTATIONS.length];
      const mutated = mutate(text);
      if (expectAgreement(mutated)) mutatedTaken++;
      else declinedBy.set(name, (declinedBy.get(name) ?? 0) + 1);
    }
    // Written by the serializer, many are taken; one with, say, a constant 1 beside a length 1.0 is left to the scanner.
    expect(cleanTaken).toBeGreaterThan(800);
    expect(mutatedTaken).toBeGreaterThan(100);
    // Each of these changes what JSON.parse can tell apart, or what the Reader coerces: never taken.
    for (const name of ['length 0.0 → -0', 'bucket value → -0', 'constant integer → double literal', 'constant integer → exponent literal',
      'constant → unsafe integer', 'constant → -0', 'constant → 1e400', 'constant → deep nesting', 'unknown root key with an unsafe integer',
      'unknown root key, deep', 'numeric version', 'numeric salt', 'null buckets', 'null metaTags', 'null flag', 'comment', 'byte-order mark',
      'trailing garbage', 'truncated']) {
      expect(declinedBy.get(name), name).toBeGreaterThan(0);
    }
  });

  it('takes an integer constant and a double length of the same value only when the literals tell them apart', () => {
    const allOnControl = plain.allocations.map((a) => ({ ...a, ranges: a.ranges.map((r, i) => ({ ...r, length: i === 0 ? 1 : 0 })) }));
    const text = serializeDefinition({ ...plain, allocations: allOnControl, constants: { N: 1, D: new DoubleValue(0.5) } });
    expect(text).toContain('"N" : 1,');
    expect(text).toContain('"length" : 1.0');
    // `1.0` is in the text, so the integer 1 could have been written `1.0`: the scanner decides (and agrees).
    expect(adoptCanonicalDefinition(text)).toBeNull();
    expect(shape(parseDefinition(text).constants)).toEqual(shape({ N: 1, D: new DoubleValue(0.5) }));
    const other = serializeDefinition({ ...plain, allocations: allOnControl, constants: { N: 7, D: new DoubleValue(0.5) } });
    expect(shape(adoptCanonicalDefinition(other)?.constants)).toEqual(shape({ N: 7, D: new DoubleValue(0.5) }));
  });

  it('declines a double constant written as an integer-valued double', () => {
    const text = serializeDefinition({ ...plain, constants: { N: new DoubleValue(7) } });
    expect(text).toContain('"N" : 7.0');
    expect(adoptCanonicalDefinition(text)).toBeNull();
    expect(parseDefinition(text).constants.N).toBeInstanceOf(DoubleValue);
  });

  it('was exercised', () => {
    expect(adopted).toBeGreaterThan(1000);
  });
});
