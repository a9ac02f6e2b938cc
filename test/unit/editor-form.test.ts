import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { copyDefinition, newTestDefinition, parseEditorText } from '../../lib/editor/editor-document';
import * as edits from '../../lib/editor/definition-edits';
import {
  formatJsonValue,
  formatPayloadValue,
  lengthToPercent,
  parseJsonValue,
  parsePayloadValue,
  payloadTypeOf,
  percentToLength,
} from '../../lib/editor/form-values';
import { buildTruthTable, parseSampleContext } from '../../lib/editor/rule-truth-table';
import { rangeOfPath, valuePositions } from '../../lib/proctor/json-locate';
import { parseDefinition, serializeDefinition, validateDefinition, type TestDefinition } from '../../lib/proctor';

const REF = 'test/fixtures/proctor-reference/test-definitions';
const references = readdirSync(REF).map((name) => ({ name, text: readFileSync(`${REF}/${name}/definition.json`, 'utf8') }));

/** What the form does to every field when a user re-enters what it shows: text → value for each form input. */
function reenterThroughForm(def: TestDefinition): TestDefinition {
  let out: TestDefinition = { ...def, constants: {} };
  for (const [key, value] of Object.entries(def.constants)) {
    const parsed = parseJsonValue(formatJsonValue(value));
    if (!parsed.ok) throw new Error(parsed.message);
    out = edits.setConstant(out, null, key, parsed.value);
  }
  out.buckets = def.buckets.map((b) => {
    const type = payloadTypeOf(b.payload);
    if (!type) return b;
    const parsed = parsePayloadValue(type, formatPayloadValue(b.payload));
    if (!parsed.ok) throw new Error(`${b.name}: ${parsed.message}`);
    return { ...b, payload: parsed.value };
  });
  out.allocations = def.allocations.map((a) => ({
    ...a,
    ranges: a.ranges.map((r) => {
      const length = percentToLength(lengthToPercent(r.length));
      if (!length.ok) throw new Error(length.message);
      return { ...r, length: length.value };
    }),
  }));
  return out;
}

describe('editor form model ↔ definition', () => {
  it.each(references.filter((r) => parseEditorText(r.text).ok))('$name: re-entering every form field writes the same bytes', ({ text }) => {
    const parsed = parseEditorText(text);
    if (!parsed.ok) throw new Error('unreachable');
    expect(serializeDefinition(reenterThroughForm(parsed.definition))).toBe(serializeDefinition(parseDefinition(text)));
  });

  it('reads at least 39 of the reference definitions strictly (the rest carry unknown fields)', () => {
    expect(references.filter((r) => parseEditorText(r.text).ok).length).toBeGreaterThanOrEqual(39);
  });

  it('reports unparseable text with line and column, and an unknown key with its path', () => {
    const broken = parseEditorText('{\n  "salt" : "&x",\n  "rule" : \n}');
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect([broken.problem.line, broken.problem.column]).toEqual([4, 1]);
    const unknown = parseEditorText(serializeDefinition(newTestDefinition('t')).replace('"silent"', '"silnt"'));
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.problem.path).toBe('/silnt');
  });

  it('percentages: 1/3 shows 33.33333333 and re-enters as 0.3333333333', () => {
    expect(lengthToPercent(1 / 3)).toBe('33.33333333');
    expect(percentToLength('33.33333333')).toEqual({ ok: true, value: 0.3333333333 });
    expect(percentToLength('7')).toEqual({ ok: true, value: 0.07 });
    expect(percentToLength('101').ok).toBe(false);
    expect(percentToLength('abc').ok).toBe(false);
  });

  it('constants keep 1.0 as a double and their order when renamed', () => {
    const parsed = parseJsonValue('[1.0, 2]');
    expect(parsed.ok && formatJsonValue(parsed.value)).toBe('[ 1.0, 2 ]');
    let def = newTestDefinition('t');
    def = edits.setConstant(def, null, 'a', 1);
    def = edits.setConstant(def, null, 'b', 2);
    def = edits.setConstant(def, 'a', 'z', 3);
    expect(Object.keys(def.constants)).toEqual(['z', 'b']);
  });

  it('typed payloads refuse the wrong shape', () => {
    expect(parsePayloadValue('longValue', '1.5').ok).toBe(false);
    expect(parsePayloadValue('longArray', '[1, 2.5]').ok).toBe(false);
    expect(parsePayloadValue('stringArray', '["a", 1]').ok).toBe(false);
    expect(parsePayloadValue('map', '[1]').ok).toBe(false);
    expect(parsePayloadValue('doubleArray', '[1, 2.5]')).toEqual({ ok: true, value: { doubleArray: [1, 2.5] } });
  });

  it('a new test is valid once it has a description; a copy gets its own salt and no allocation ids', () => {
    const def = { ...newTestDefinition('my_test'), description: 'x' };
    expect(def.salt).toBe('&my_test');
    expect(validateDefinition('my_test', def, { checks: 'all' }).filter((i) => i.severity === 'error')).toEqual([]);
    const source = parseDefinition(references.find((r) => r.name === 'bgcolortst')!.text);
    const copy = copyDefinition(source, 'bgcolortst_copy');
    expect(copy.salt).toBe('&bgcolortst_copy');
    expect(copy.version).toBe('-1');
    expect(copy.allocations.every((a) => a.id === '')).toBe(true);
    expect(copy.buckets).toEqual(source.buckets);
  });

  it('range edits: split keeps the sum, renumbering a bucket follows its ranges, move reorders', () => {
    let def: TestDefinition = { ...newTestDefinition('t'), description: 'x' };
    def = edits.addBucket(edits.addBucket(def));
    def = edits.splitRange(def, 0, 0);
    expect(def.allocations[0].ranges).toEqual([{ bucketValue: -1, length: 0.5 }, { bucketValue: -1, length: 0.5 }]);
    def = edits.setRange(def, 0, 1, { bucketValue: 1 });
    def = edits.setBucket(def, def.buckets.findIndex((b) => b.value === 1), { name: 'test', value: 7, description: '' });
    expect(def.allocations[0].ranges[1].bucketValue).toBe(7);
    def = edits.moveRange(def, 0, 1, 0);
    expect(def.allocations[0].ranges.map((r) => r.bucketValue)).toEqual([7, -1]);
    expect(edits.rangeSum(def.allocations[0].ranges)).toBe(1);
    def = edits.addAllocation(def);
    expect(def.allocations.length).toBe(2);
    expect(def.allocations[1].rule).toBeNull();
  });
});

describe('rule helper truth table', () => {
  // Seed 004's mistake: && binds tighter than ||, so Canadians of every language get in.
  const def: TestDefinition = {
    ...newTestDefinition('t'),
    description: 'x',
    rule: "(lang=='en' && country=='US') || country=='CA'",
    allocations: [
      { rule: 'loggedIn', ranges: [{ bucketValue: 0, length: 1 }], id: '', name: '' },
      { rule: null, ranges: [{ bucketValue: -1, length: 1 }], id: '', name: '' },
    ],
  };
  it('shows which samples pass the test rule and which allocation they get', () => {
    const rows = buildTruthTable(def, ['lang=fr, country=CA, loggedIn=true', 'lang=fr, country=US, loggedIn=true', 'lang=en, country=US, loggedIn=false'].map(parseSampleContext));
    expect(rows.map((r) => r.testRule)).toEqual([{ value: true }, { value: false }, { value: true }]);
    expect(rows.map((r) => r.chosen)).toEqual([0, null, 1]);
  });
  it('types sample values: numbers and booleans as JSON, the rest as strings', () => {
    expect(parseSampleContext('a=1, b=true, c=US, d="x y"')).toEqual({ a: 1, b: true, c: 'US', d: 'x y' });
  });
  it('reports an evaluation error instead of throwing', () => {
    const rows = buildTruthTable({ ...def, rule: 'lang ==' }, [{}]);
    expect('error' in rows[0].testRule).toBe(true);
  });
});

describe('issue positions', () => {
  it('finds a range value, and falls back to the parent for a missing path', () => {
    const text = serializeDefinition({ ...newTestDefinition('t'), description: 'x' });
    const positions = valuePositions(text)!;
    const at = rangeOfPath(text, positions, '/allocations/0/ranges/0/length');
    expect(text.slice(at.from, at.to)).toBe('1.0');
    const missing = rangeOfPath(text, positions, '/allocations/0/ranges/5');
    expect(text.slice(missing.from, missing.from + 1)).toBe('[');
    expect(valuePositions('{')).toBeNull();
  });
});
