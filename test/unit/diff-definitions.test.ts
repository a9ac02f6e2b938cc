import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { diffDefinitions, formatPercent, summarizeChanges, type DefinitionChange } from '@/lib/proctor/diff-definitions';
import type { TestDefinition } from '@/lib/proctor/model';

type Edit = { set: string; value: unknown } | { remove: string } | { insert: string; value: unknown };
interface Case {
  name: string;
  base: string | Record<string, unknown>;
  before: Edit[] | null;
  after: Edit[] | null;
  expected: { kind: string; path: string; summary: string; warning?: boolean }[];
}

const referenceDir = 'test/fixtures/proctor-reference/test-definitions';
const fixture = JSON.parse(readFileSync(path.resolve(__dirname, '../fixtures/diff/definition-changes.json'), 'utf8')) as { cases: Case[] };

function loadReference(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(referenceDir, name, 'definition.json'), 'utf8')) as Record<string, unknown>;
}

function parsePointer(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Applies one edit to a JSON document in place (a minimal JSON Patch: set = add-or-replace). */
function applyEdit(doc: Record<string, unknown>, edit: Edit): void {
  const pointer = 'set' in edit ? edit.set : 'remove' in edit ? edit.remove : edit.insert;
  const parts = parsePointer(pointer);
  const last = parts.pop() as string;
  let target: unknown = doc;
  for (const p of parts) target = (target as Record<string, unknown>)[p];
  if (Array.isArray(target)) {
    const index = Number(last);
    if ('remove' in edit) target.splice(index, 1);
    else if ('insert' in edit) target.splice(index, 0, structuredClone(edit.value));
    else target[index] = structuredClone(edit.value);
  } else {
    const obj = target as Record<string, unknown>;
    if ('remove' in edit) delete obj[last];
    else obj[last] = structuredClone((edit as { value: unknown }).value);
  }
}

function build(base: Case['base'], edits: Edit[] | null): TestDefinition | null {
  if (edits === null) return null;
  const doc = structuredClone(typeof base === 'string' ? loadReference(base) : base);
  for (const edit of edits) applyEdit(doc, edit);
  return doc as unknown as TestDefinition;
}

describe('diffDefinitions (fixture cases)', () => {
  it.each(fixture.cases)('$name', (c) => {
    const changes = diffDefinitions(build(c.base, c.before), build(c.base, c.after));
    expect(changes.map((ch) => ({ kind: ch.kind, path: ch.path, summary: ch.summary, ...(ch.warning ? { warning: true } : {}) }))).toEqual(
      c.expected,
    );
  });
});

describe('diffDefinitions details', () => {
  it('carries before/after values on changes', () => {
    const before = build('example-test-definition', []);
    const after = build('example-test-definition', [{ set: '/salt', value: 'other' }]);
    const [change] = diffDefinitions(before, after);
    expect(change.before).toBe('exampletst');
    expect(change.after).toBe('other');
  });

  it('is empty for every real definition compared with itself, and non-empty against every other', () => {
    const names = readdirSync(referenceDir).filter((n) => existsSync(path.join(referenceDir, n, 'definition.json')));
    expect(names.length).toBeGreaterThan(20);
    for (const name of names) {
      const def = loadReference(name) as unknown as TestDefinition;
      expect(diffDefinitions(def, structuredClone(def))).toEqual([]);
    }
    for (let i = 0; i + 1 < names.length; i++) {
      const a = loadReference(names[i]) as unknown as TestDefinition;
      const b = loadReference(names[i + 1]) as unknown as TestDefinition;
      if (JSON.stringify(a) === JSON.stringify(b)) continue;
      const changes = diffDefinitions(a, b);
      expect(changes.length, `${names[i]} → ${names[i + 1]}`).toBeGreaterThan(0);
      for (const ch of changes) {
        expect(ch.summary).toMatch(/\.$/);
        expect(ch.path === '' || ch.path.startsWith('/')).toBe(true);
      }
    }
  });
});

describe('formatPercent', () => {
  it.each([
    [0.1, '10%'],
    [1 / 3, '33.33%'],
    [2 / 3, '66.67%'],
    [0.005, '0.5%'],
    [1, '100%'],
    [0, '0%'],
    [0.1 + 0.2, '30%'],
    [0.00001, '0%'],
  ])('%s → %s', (fraction, text) => {
    expect(formatPercent(fraction)).toBe(text);
  });
});

describe('summarizeChanges', () => {
  const change = (summary: string, warning?: string): DefinitionChange => ({ kind: 'constant-changed', path: '/constants/x', summary, warning });

  it('says when nothing changed', () => {
    expect(summarizeChanges([])).toBe('No changes.');
  });

  it('uses the creation summary for a new test', () => {
    expect(summarizeChanges(diffDefinitions(null, build('newfeaturerollout', [])))).toBe('Test created with 2 buckets and 1 allocation.');
  });

  it('joins up to three summaries, warnings first, and counts the rest', () => {
    expect(summarizeChanges([change('A.'), change('B.'), change('Salt changed.', 'reshuffles'), change('C.'), change('D.')])).toBe(
      'Salt changed; A; B; and 2 more changes.',
    );
    expect(summarizeChanges([change('A.'), change('B.')])).toBe('A; B.');
  });

  it('summarises a real rollout change', () => {
    const before = build('newfeaturerollout', []);
    const after = build('newfeaturerollout', [
      { set: '/allocations/0/ranges/0/length', value: 0.4 },
      { set: '/allocations/0/ranges/1/length', value: 0.6 },
    ]);
    expect(summarizeChanges(diffDefinitions(before, after))).toBe('Allocation 1: inactive 60% → 40%, active 40% → 60%.');
  });
});
