import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { validateTestName } from '@/lib/proctor/validate-test-name';

const cases = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/validation/test-names.json'), 'utf8')) as {
  cases: { name: string; message: string | null }[];
  lengthCases: { length: number; message: string | null }[];
};

describe('validateTestName', () => {
  it.each(cases.cases.map((c) => [JSON.stringify(c.name), c] as const))('%s', (_label, c) => {
    expect(validateTestName(c.name)).toBe(c.message);
  });
  it.each(cases.lengthCases)('length $length', ({ length, message }) => {
    expect(validateTestName('a'.repeat(length))).toBe(message);
  });
});
