import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parseJson } from '@/lib/proctor/json';
import { checkDefinitionSchema, checkMatrixSchema, checkSpecificationSchema } from '@/lib/proctor/schema-check';

const REF = 'test/fixtures/proctor-reference';
type Case = { name: string; value: unknown; issues: [string, string][] };
const cases = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/format/schema-cases.json'), 'utf8')) as Record<'definition' | 'specification' | 'matrix', Case[]>;
const checks = { definition: checkDefinitionSchema, specification: checkSpecificationSchema, matrix: checkMatrixSchema };

describe.each(Object.keys(checks) as (keyof typeof checks)[])('%s schema', (kind) => {
  it.each(cases[kind].map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const issues = checks[kind](c.value).map((i) => [i.path, i.message]);
    expect(issues.sort()).toEqual([...c.issues].sort());
  });
});

describe('reference files against the schemas', () => {
  // Strict definition schema: these carry keys Proctor's lenient reader ignores.
  const unknownKeys: Record<string, string[]> = {
    'exampletst__proctor__unrecognized-payload-test-matrix': ['/buckets/0/payload/UNRECOGNIZED', '/buckets/1/payload/UNRECOGNIZED'],
    'unrecognized-fields-test-definition': ['/customField'],
    kluj: ['/allocations/0/ratios'],
    oop_poop: ['/allocations/0/ratios'],
    salsa: ['/allocations/0/ratios'],
    pimple: ['/allocations/0/ratios', '/allocations/1/ratios', '/allocations/2/ratios'],
  };
  it.each(fs.readdirSync(path.join(REF, 'test-definitions')))('definition %s', (dir) => {
    const { value } = parseJson(fs.readFileSync(path.join(REF, 'test-definitions', dir, 'definition.json'), 'utf8'));
    expect(checkDefinitionSchema(value).map((i) => i.path).sort()).toEqual(unknownKeys[dir] ?? []);
  });
  it.each(fs.readdirSync(path.join(REF, 'matrices')))('matrix %s', (file) => {
    expect(checkMatrixSchema(parseJson(fs.readFileSync(path.join(REF, 'matrices', file), 'utf8')).value)).toEqual([]);
  });
  it.each(fs.readdirSync(path.join(REF, 'specifications')))('specification %s', (file) => {
    expect(checkSpecificationSchema(parseJson(fs.readFileSync(path.join(REF, 'specifications', file), 'utf8')).value)).toEqual([]);
  });
});
