import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '@/lib/errors';
import { buildMatrix } from '@/lib/proctor/build-matrix';
import type { TestDefinition } from '@/lib/proctor/model';
import { parseDefinition, parseMatrix } from '@/lib/proctor/parse-definition';
import { serializeMatrix } from '@/lib/proctor/serialize-definition';
import { toConsumable } from '@/lib/proctor/to-consumable';

const REF = 'test/fixtures/proctor-reference';
const expected = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/validation/reference-definitions.json'), 'utf8')) as {
  definitions: Record<string, { valid: boolean; errors?: string[] }>;
};
const load = (dir: string): TestDefinition => parseDefinition(fs.readFileSync(path.join(REF, 'test-definitions', dir, 'definition.json'), 'utf8'));
const audit = { version: '4f1c2d3e', updated: 1454432430000, updatedBy: 'builder' };

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('buildMatrix', () => {
  const validDirs = Object.keys(expected.definitions).filter((d) => expected.definitions[d].valid && d !== 'example-test-definition-with-dependency');

  it('builds every valid reference definition into one artifact', () => {
    const defs = Object.fromEntries(validDirs.map((d) => [d, load(d)]));
    const artifact = buildMatrix(defs, audit);
    expect(artifact.audit).toEqual({ version: '4f1c2d3e', updated: 1454432430000, updatedDate: '2016-02-02T11:00-0600', updatedBy: 'builder' });
    expect(Object.keys(artifact.tests)).toEqual(validDirs);
    for (const d of validDirs) expect(artifact.tests[d]).toEqual(toConsumable(defs[d]));
    const text = serializeMatrix(artifact);
    expect(serializeMatrix(parseMatrix(text))).toBe(text);
  });

  it('reproduces artifact-example.json byte for byte', () => {
    const def = load('example-test-definition');
    def.specialConstants = { __COUNTRIES: ['US', 'CA'] };
    const artifact = buildMatrix({ exampletst: def }, audit);
    expect(serializeMatrix(artifact)).toBe(fs.readFileSync(path.join(REF, 'serialization-examples/artifact-example.json'), 'utf8'));
  });

  it('writes "" as updatedDate when updated <= 0', () => {
    expect(buildMatrix({}, { version: 'v', updated: 0, updatedBy: 'me' }).audit.updatedDate).toBe('');
  });

  it('lists every invalid test and returns nothing partial', () => {
    const defs: Record<string, TestDefinition> = { good: load('exampletst'), kluj: load('kluj'), pimple: load('pimple') };
    const bad = load('exampletst');
    bad.allocations = [{ ...bad.allocations[0], ranges: [{ bucketValue: 42, length: 1 }] }];
    defs.unknown_bucket = bad;
    const error = thrown(() => buildMatrix(defs, audit));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toContain('3 invalid tests (kluj, pimple, unknown_bucket)');
    expect(error.details).toEqual([
      { path: 'kluj', message: 'Allocation range has no buckets, needs to add up to 1.' },
      { path: 'pimple', message: 'Allocation range has no buckets, needs to add up to 1.' },
      { path: 'pimple', message: 'Allocation range has no buckets, needs to add up to 1.' },
      { path: 'pimple', message: 'Allocation range has no buckets, needs to add up to 1.' },
      { path: 'unknown_bucket', message: 'Allocation range in unknown_bucket from builder@4f1c2d3e refers to unknown bucket value 42' },
    ]);
  });

  it('builds a test with an invalid dependency, as Proctor\'s LocalProctorBuilder does (checked with real Proctor)', () => {
    // The builder does not check dependsOn; an application's loader drops the test (verifyMatrix reports it).
    const artifact = buildMatrix({ child: load('example-test-definition-with-dependency') }, audit);
    expect(Object.keys(artifact.tests)).toEqual(['child']);
    expect(artifact.tests.child.dependsOn).toEqual({ testName: 'another_tst', bucketValue: 1 });
  });

  it('accepts a valid dependency', () => {
    const parent = load('exampletst');
    parent.salt = '&parent';
    const child = load('example-test-definition-with-dependency');
    const artifact = buildMatrix({ child, another_tst: parent }, audit);
    expect(artifact.tests.child.dependsOn).toEqual({ testName: 'another_tst', bucketValue: 1 });
  });

  it('does not modify its input', () => {
    const def = load('example-test-definition');
    const before = JSON.stringify(def);
    buildMatrix({ t: def }, audit);
    expect(JSON.stringify(def)).toBe(before);
  });
});
