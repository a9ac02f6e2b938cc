import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { TestDefinition } from '@/lib/proctor/model';
import { parseDefinition, parseMatrix } from '@/lib/proctor/parse-definition';
import { serializeConsumableDefinition } from '@/lib/proctor/serialize-definition';
import { toConsumable } from '@/lib/proctor/to-consumable';

const REF = 'test/fixtures/proctor-reference';
const { cases } = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/format/to-consumable.json'), 'utf8')) as {
  cases: { name: string; definition: Partial<TestDefinition>; expect: Record<string, unknown> }[];
};
const base = parseDefinition('{ "salt" : "&s", "testType" : "USER", "description" : "d" }');

describe('toConsumable', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const def: TestDefinition = { ...base, ...c.definition };
    const before = JSON.stringify(def);
    const consumable = toConsumable(def);
    for (const [key, value] of Object.entries(c.expect)) expect((consumable as unknown as Record<string, unknown>)[key]).toEqual(value);
    expect(JSON.stringify(def)).toBe(before); // input untouched
  });

  it('reproduces the artifact example test from the reference definition + __COUNTRIES', () => {
    const def = parseDefinition(fs.readFileSync(path.join(REF, 'test-definitions/example-test-definition/definition.json'), 'utf8'));
    def.specialConstants = { __COUNTRIES: ['US', 'CA'] };
    const artifact = fs.readFileSync(path.join(REF, 'serialization-examples/artifact-example.json'), 'utf8');
    const expected = parseMatrix(artifact).tests.exampletst;
    expect(serializeConsumableDefinition(toConsumable(def))).toBe(serializeConsumableDefinition(expected));
  });
});
