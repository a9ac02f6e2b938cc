import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateSpecification } from '../../lib/proctor/generate-specification';
import { parseDefinition } from '../../lib/proctor/parse-definition';

const REF = 'test/fixtures/proctor-reference/test-definitions';
const load = (name: string) => parseDefinition(readFileSync(`${REF}/${name}/definition.json`, 'utf8'));

describe('generateSpecification (SpecificationGenerator)', () => {
  it('map payloads: schema inferred per key (1 → longValue, 1.1 → doubleValue), buckets sorted by value', () => {
    const spec = generateSpecification(load('map_payload'));
    expect(Object.entries(spec.buckets!)).toEqual([['inactive', -1], ['control', 0], ['test', 1]]);
    expect(spec.fallbackValue).toBe(-1);
    expect(spec.description).toBe('This test has map payloads');
    expect(spec.payload).toEqual({
      type: 'map',
      schema: { astring: 'stringValue', adouble: 'doubleValue', anarray: 'longArray', astringarr: 'stringArray', adarray: 'doubleArray', anextravalue: 'stringValue' },
    });
  });

  it('fallbackValue is the smallest bucket value; no payload → no payload spec', () => {
    const def = load('map_payload');
    def.buckets = [
      { name: 'b', value: 3 },
      { name: 'a', value: 1 },
      { name: 'c', value: 2 },
    ];
    const spec = generateSpecification(def);
    expect(Object.entries(spec.buckets!)).toEqual([['a', 1], ['c', 2], ['b', 3]]);
    expect(spec.fallbackValue).toBe(1);
    expect(spec.payload).toBeUndefined();
  });

  it('mixed long/double in one map key unify to doubleValue; empty lists need a typed array elsewhere', () => {
    const def = load('map_payload');
    def.buckets = [
      { name: 'a', value: 0, payload: { map: { k: 1, l: [] } } },
      { name: 'b', value: 1, payload: { map: { k: 1.5, l: ['x'] } } },
    ];
    expect(generateSpecification(def).payload).toEqual({ type: 'map', schema: { k: 'doubleValue', l: 'stringArray' } });
    def.buckets = [{ name: 'a', value: 0, payload: { map: { l: [] } } }];
    expect(() => generateSpecification(def)).toThrow('Cannot infer map schema type for key l');
  });

  it('incompatible payload types are refused', () => {
    const def = load('map_payload');
    def.buckets = [
      { name: 'a', value: 0, payload: { longValue: 1 } },
      { name: 'b', value: 1, payload: { stringValue: 'x' } },
    ];
    expect(() => generateSpecification(def)).toThrow('Payloads not compatible: [LONG_VALUE, STRING_VALUE]');
  });

  it('no buckets: fallback -1 and an empty bucket map', () => {
    const def = load('map_payload');
    def.buckets = [];
    expect(generateSpecification(def)).toEqual({ buckets: {}, description: 'This test has map payloads', fallbackValue: -1 });
  });
});
