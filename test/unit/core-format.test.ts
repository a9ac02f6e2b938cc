import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '@/lib/errors';
import { formatAuditDate } from '@/lib/proctor/audit';
import { JsonParseError, formatPlainDouble, javaDoubleToString, parseJson, serializeJson } from '@/lib/proctor/json';
import { DoubleValue } from '@/lib/proctor/model';
import { MAX_DEFINITION_DEPTH } from '@/lib/proctor/json-depth';
import {
  parseDefinition,
  parseDefinitionStrict,
  parseMatrix,
  parseSpecification,
} from '@/lib/proctor/parse-definition';
import { definitionToJson, serializeDefinition, serializeMatrix } from '@/lib/proctor/serialize-definition';

const REF = 'test/fixtures/proctor-reference';
const FIXTURES = path.join(__dirname, '../fixtures/format');
const read = (file: string) => fs.readFileSync(file, 'utf8');
const fixture = <T>(name: string): T => JSON.parse(read(path.join(FIXTURES, name))) as T;

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('byte-exact serialisation against Proctor output', () => {
  const examples = path.join(REF, 'serialization-examples');
  const pairs: [string, string][] = [
    ['test-definitions/example-test-definition/definition.json', 'example-test-definition.json.reserialized.json'],
    ['test-definitions/example-test-definition-with-dependency/definition.json', 'example-test-definition-with-dependency.json.reserialized.json'],
    ['test-definitions/subrule-example-test-definition/definition.json', 'subrule-example-test-definition.json.reserialized.json'],
    ['serialization-examples/webapp-create-example.definition.json', 'webapp-create-example.definition.json'],
    ['serialization-examples/builder-payload-example.definition.json', 'builder-payload-example.definition.json'],
  ];
  it.each(pairs)('%s → %s', (input, expected) => {
    const out = serializeDefinition(parseDefinition(read(path.join(REF, input))));
    expect(out).toBe(read(path.join(examples, expected)));
  });

  it('artifact-example.json round-trips through parseMatrix/serializeMatrix', () => {
    const text = read(path.join(examples, 'artifact-example.json'));
    expect(serializeMatrix(parseMatrix(text))).toBe(text);
  });

  it('metadata.json is the empty object "{ }"', () => {
    expect(serializeJson({})).toBe(read(path.join(examples, 'metadata.json')));
  });

  const probe = read(path.join(examples, 'double-format-probe.txt'))
    .split('\n')
    .filter((l) => l.includes(' -> '))
    .map((l) => l.split(' -> ') as [string, string]);
  it.each(probe)('PlainNumericSerializer %s → %s', (input, expected) => {
    expect(formatPlainDouble(Number(input))).toBe(expected);
  });
});

describe('number formatting beyond the probe', () => {
  it.each([
    [0.00048828125, '0.0004882812'], // exact binary tie → HALF_EVEN
    [0.00146484375, '0.0014648438'], // exact binary tie, odd → up
    [5e-11, '0.0'], // above the tie, but DigitList sees Double.toString's "5.0E-11": the 0 blocks the round-up (real Proctor)
    [0.99999999999, '1.0'],
    [-1e-11, '-0.0'],
    [1e21, '1000000000000000000000.0'],
    [2, '2.0'],
  ])('formatPlainDouble(%s) = %s', (x, expected) => expect(formatPlainDouble(x)).toBe(expected));

  it.each([
    [1, '1.0'], [0.001, '0.001'], [0.0001, '1.0E-4'], [1e7, '1.0E7'], [9999999, '9999999.0'], [1.5e-7, '1.5E-7'], [-0, '-0.0'], [0.9, '0.9'],
  ])('javaDoubleToString(%s) = %s', (x, expected) => expect(javaDoubleToString(x)).toBe(expected));
});

describe('every reference file loads', () => {
  const definitionDirs = fs.readdirSync(path.join(REF, 'test-definitions'));
  it('has the 46 definitions, 13 matrices and 8 specifications', () => {
    expect(definitionDirs).toHaveLength(46);
    expect(fs.readdirSync(path.join(REF, 'matrices'))).toHaveLength(13);
    expect(fs.readdirSync(path.join(REF, 'specifications'))).toHaveLength(8);
  });

  it.each(definitionDirs)('definition %s parses and re-serialises stably', (dir) => {
    const def = parseDefinition(read(path.join(REF, 'test-definitions', dir, 'definition.json')));
    const once = serializeDefinition(def);
    expect(serializeDefinition(parseDefinition(once))).toBe(once);
    expect(parseDefinitionStrict(once)).toEqual(def);
  });

  it.each(fs.readdirSync(path.join(REF, 'matrices')))('matrix %s parses and re-serialises stably', (file) => {
    const matrix = parseMatrix(read(path.join(REF, 'matrices', file)));
    expect(Object.keys(matrix.tests).length).toBeGreaterThan(0);
    expect(matrix.audit.updatedDate).toBe(formatAuditDate(matrix.audit.updated));
    const once = serializeMatrix(matrix);
    expect(serializeMatrix(parseMatrix(once))).toBe(once);
  });

  it.each(fs.readdirSync(path.join(REF, 'specifications')))('specification %s parses', (file) => {
    const spec = parseSpecification(read(path.join(REF, 'specifications', file)));
    expect(spec.tests).toBeDefined();
  });

  it('reads the spec fields (demo ProctorGroups, with // comments)', () => {
    const spec = parseSpecification(read(path.join(REF, 'specifications/proctor-demo__src__main__proctor__com__indeed__demo__ProctorGroups.json')));
    expect(spec.tests?.bgcolortst).toEqual({
      fallbackValue: -1,
      buckets: { inactive: -1, altcolor1: 0, altcolor2: 1, altcolor3: 2, altcolor4: 3 },
      payload: { type: 'map', schema: { bgcolor: 'stringValue', bucketNameFontSizePercentage: 'longValue' }, validator: null, allowForce: false },
    });
    expect(spec.providedContext).toEqual({ userAgent: 'com.indeed.web.useragents.UserAgent' });
  });

  it('reads matrix test fields in consumable form', () => {
    const matrix = parseMatrix(read(path.join(REF, 'matrices/proctor__proctor-common__src__test__resources__com__indeed__proctor__common__example-test-matrix.json')));
    expect(matrix.audit).toEqual({ version: '1524', updated: 1313525000000, updatedDate: '2011-08-16T15:03-0500', updatedBy: 'shoichi' });
    expect(matrix.tests.exampletst.allocations[0]).toEqual({ rule: '${lang == ENGLISH}', ranges: [{ bucketValue: 0, length: 0.25 }, { bucketValue: 1, length: 0.75 }], id: '', name: '' });
    expect(matrix.tests.exampletst.dynamic).toBe(false);
  });
});

describe('lenient reading', () => {
  interface Case { name: string; input: string; expect?: Record<string, unknown>; serialized?: Record<string, string> }
  const { cases } = fixture<{ cases: Case[] }>('lenient-parse.json');
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const def = parseDefinition(c.input);
    if (c.expect) {
      for (const [key, value] of Object.entries(c.expect)) expect((def as unknown as Record<string, unknown>)[key]).toEqual(value);
    }
    if (c.serialized) {
      const tree = definitionToJson(def) as Record<string, Parameters<typeof serializeJson>[0]>;
      for (const [key, text] of Object.entries(c.serialized)) expect(serializeJson(tree[key])).toBe(text);
    }
  });

  it('keeps DoubleValue in constants but plain numbers in typed fields', () => {
    const def = parseDefinition('{ "constants" : { "a" : 1.0 }, "allocations" : [ { "ranges" : [ { "bucketValue" : 0, "length" : 1.0 } ] } ] }');
    expect(def.constants.a).toBeInstanceOf(DoubleValue);
    expect(def.allocations[0].ranges[0].length).toBe(1);
  });
});

describe('malformed input gives a clear error, never a crash', () => {
  interface Case { name: string; input: string; includes: string[] }
  const { cases } = fixture<{ cases: Case[] }>('parse-errors.json');
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const error = thrown(() => parseDefinition(c.input));
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('VALIDATION_FAILED');
    for (const part of c.includes) expect((error as AppError).message).toContain(part);
    expect((error as AppError).details.length).toBe(1);
  });

  it('10,000-deep nesting is refused at the depth limit without a stack overflow', () => {
    for (const open of ['[', '{"a":']) {
      const close = open === '[' ? ']' : '}';
      const text = '{"constants":{"x":' + open.repeat(10_000) + '1' + close.repeat(10_000) + '}}';
      const error = thrown(() => parseDefinition(text)) as AppError;
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.message).toContain(`deeper than ${MAX_DEFINITION_DEPTH} levels`);
    }
  });

  it('accepts nesting up to the limit', () => {
    const text = '['.repeat(500) + ']'.repeat(500);
    expect(() => parseJson(text)).not.toThrow();
    expect(() => parseJson('[' + text + ']')).toThrow(JsonParseError);
  });

  it('10,000-deep unclosed input reports the missing brackets', () => {
    const error = thrown(() => parseJson('['.repeat(400))) as JsonParseError;
    expect(error.message).toContain("missing its closing ']'");
  });

  it('handles a 5 MB string and 100,000 buckets', () => {
    const big = 'x'.repeat(5_000_000);
    expect(parseDefinition(`{ "description" : "${big}" }`).description).toHaveLength(5_000_000);
    const buckets = Array.from({ length: 100_000 }, (_, i) => `{"name":"b${i}","value":${i}}`).join(',');
    expect(parseDefinition(`{ "buckets" : [${buckets}] }`).buckets).toHaveLength(100_000);
  });

  it('pathological strings: escapes everywhere, lone surrogates, NUL', () => {
    const text = '{ "description" : "' + '\\u0000\\"\\\\'.repeat(10_000) + '\\ud800" }';
    const def = parseDefinition(text);
    expect(def.description).toHaveLength(30_001);
    expect(serializeDefinition(def)).toContain('"description" : "\\u0000\\"\\\\');
  });

  it('non-string input is refused', () => {
    expect(() => parseDefinition(undefined as unknown as string)).toThrow(AppError);
  });
});

describe('strict reading (webapp edit submission)', () => {
  it.each([
    ['{ "salt" : "s", "colour" : 1 }', '/colour', 'unknown field "colour" in a test definition; allowed fields are: version, constants'],
    ['{ "buckets" : [ { "name" : "a", "value" : 0, "desc" : "" } ] }', '/buckets/0/desc', 'unknown field "desc" in a bucket; allowed fields are: name, value, description, payload'],
    ['{ "allocations" : [ { "ratios" : [ ] } ] }', '/allocations/0/ratios', 'unknown field "ratios" in an allocation; allowed fields are: rule, ranges, id, name'],
    ['{ "allocations" : [ { "ranges" : [ { "bucketValue" : 0, "len" : 1 } ] } ] }', '/allocations/0/ranges/0/len', 'allowed fields are: bucketValue, length'],
    ['{ "buckets" : [ { "name" : "a", "value" : 0, "payload" : { "double" : 1 } } ] }', '/buckets/0/payload/double', 'allowed fields are: doubleValue, doubleArray'],
    ['{ "dependsOn" : { "test" : "x" } }', '/dependsOn/test', 'allowed fields are: testName, bucketValue'],
  ])('%s', (text, pointer, message) => {
    const error = thrown(() => parseDefinitionStrict(text)) as AppError;
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details[0].path).toBe(pointer);
    expect(error.details[0].message).toContain(message);
    expect(error.message).toContain('line 1');
    expect(() => parseDefinition(text)).not.toThrow();
  });

  it('accepts subrule (a real setter in TestDefinition)', () => {
    expect(parseDefinitionStrict('{ "subrule" : "x" }').rule).toBe('x');
  });
});

describe('audit date', () => {
  const { cases } = fixture<{ cases: { updated: number; updatedDate: string }[] }>('audit-dates.json');
  it.each(cases)('$updated → "$updatedDate"', ({ updated, updatedDate }) => {
    expect(formatAuditDate(updated)).toBe(updatedDate);
  });
});
