import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { TestDefinition, ValidationIssue } from '@/lib/proctor/model';
import { parseDefinition } from '@/lib/proctor/parse-definition';
import { validateDefinition, type ValidateDefinitionOptions } from '@/lib/proctor/validate-definition';

const REF = 'test/fixtures/proctor-reference';
const FIXTURES = path.join(__dirname, '../fixtures/validation');
const load = <T>(name: string): T => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8')) as T;

/** Applies {pointer: value} to a deep copy. */
function patch<T>(base: T, set: Record<string, unknown>): T {
  const copy = structuredClone(base) as Record<string, unknown>;
  for (const [pointer, value] of Object.entries(set)) {
    const tokens = pointer.split('/').slice(1).map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
    let target = copy as Record<string, unknown>;
    for (const token of tokens.slice(0, -1)) target = target[token] as Record<string, unknown>;
    target[tokens[tokens.length - 1]] = value;
  }
  return copy as T;
}

const byPathAndMessage = (a: ValidationIssue, b: ValidationIssue) =>
  (a.path + a.message).localeCompare(b.path + b.message);

describe('validateDefinition (table)', () => {
  const table = load<{
    testName: string;
    base: TestDefinition;
    cases: { name: string; set: Record<string, unknown>; options?: ValidateDefinitionOptions; issues: ValidationIssue[] }[];
  }>('definition-cases.json');

  it.each(table.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const def = patch(table.base, c.set);
    const issues = validateDefinition(table.testName, def, c.options);
    expect([...issues].sort(byPathAndMessage)).toEqual([...c.issues].sort(byPathAndMessage));
  });
});

describe('reference definitions: expected valid / invalid for Proctor', () => {
  const expected = load<{ definitions: Record<string, { valid: boolean; reason: string; errors?: string[] }> }>('reference-definitions.json');
  const dirs = fs.readdirSync(path.join(REF, 'test-definitions'));

  it('lists every reference definition', () => {
    expect(Object.keys(expected.definitions).sort()).toEqual([...dirs].sort());
  });

  it.each(dirs)('%s', (dir) => {
    const def = parseDefinition(fs.readFileSync(path.join(REF, 'test-definitions', dir, 'definition.json'), 'utf8'));
    const testName = dir.split('__')[0].replace(/-/g, '_');
    const errors = validateDefinition(testName, def, { checks: 'core' }).filter((i) => i.severity === 'error').map((i) => i.message);
    const entry = expected.definitions[dir];
    expect(errors.length === 0).toBe(entry.valid);
    if (!entry.valid) expect(errors).toEqual(entry.errors);
  });
});
