import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { diffLines, unifiedDiff, type DiffLine, type UnifiedDiffOptions } from '@/lib/proctor/unified-diff';

interface UnifiedCase {
  name: string;
  a: string;
  b: string;
  options?: UnifiedDiffOptions;
  expected: string[];
}
interface LinesCase {
  name: string;
  a: string;
  b: string;
  expected: DiffLine[];
}

const fixtures = path.resolve(__dirname, '../fixtures/diff');
const unifiedCases = (JSON.parse(readFileSync(path.join(fixtures, 'unified-diff.json'), 'utf8')) as { cases: UnifiedCase[] }).cases;
const linesCases = (JSON.parse(readFileSync(path.join(fixtures, 'diff-lines.json'), 'utf8')) as { cases: LinesCase[] }).cases;

const referenceDir = 'test/fixtures/proctor-reference/test-definitions';
const referenceTexts: { name: string; text: string }[] = existsSync(referenceDir)
  ? readdirSync(referenceDir)
      .filter((name) => existsSync(path.join(referenceDir, name, 'definition.json')))
      .sort()
      .map((name) => ({ name, text: readFileSync(path.join(referenceDir, name, 'definition.json'), 'utf8') }))
  : [];

/** Deterministic PRNG so failures can be reproduced. */
function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random line edits (change, insert, delete), sometimes toggling the final newline. */
function mutate(text: string, rand: () => number, edits: number): string {
  const lines = text.split('\n');
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rand() * (lines.length + 1));
    const op = rand();
    if (op < 0.4 && at < lines.length) lines[at] = lines[at] + ' // edited ' + e;
    else if (op < 0.7) lines.splice(at, 0, `    "inserted${e}" : ${Math.floor(rand() * 100)},`);
    else if (at < lines.length) lines.splice(at, 1 + Math.floor(rand() * 3));
  }
  let out = lines.join('\n');
  if (rand() < 0.3) out = out.endsWith('\n') ? out.slice(0, -1) : out + '\n';
  return out;
}

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'diff-unified-'));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** Applies our patch to a copy of aText with the given native tool and returns the resulting file content. */
function applyNatively(tool: 'git' | 'patch', aText: string, bText: string, context?: number): string {
  const dir = mkdtempSync(path.join(work, tool + '-'));
  writeFileSync(path.join(dir, 'definition.json'), aText);
  const patchText = unifiedDiff(aText, bText, { aLabel: 'a/definition.json', bLabel: 'b/definition.json', context });
  writeFileSync(path.join(dir, 'change.diff'), patchText);
  if (patchText !== '') {
    const result =
      tool === 'git'
        ? spawnSync('git', ['apply', ...(context === 0 ? ['--unidiff-zero'] : []), 'change.diff'], { cwd: dir, encoding: 'utf8' })
        : spawnSync('patch', ['--quiet', '-p1', '-i', 'change.diff'], { cwd: dir, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${tool} failed: ${result.stderr}${result.stdout}\n${patchText}`);
  }
  return readFileSync(path.join(dir, 'definition.json'), 'utf8');
}

/** git diff --no-index --minimal output with the header lines (diff --git, index, ---, +++) removed. */
function gitHunks(aText: string, bText: string, context = 3): string {
  const dir = mkdtempSync(path.join(work, 'git-diff-'));
  writeFileSync(path.join(dir, 'a'), aText);
  writeFileSync(path.join(dir, 'b'), bText);
  const result = spawnSync(
    'git',
    ['-c', 'core.quotepath=off', 'diff', '--no-index', '--no-color', '--minimal', '--no-indent-heuristic', `-U${context}`, 'a', 'b'],
    { cwd: dir, encoding: 'utf8' },
  );
  const lines = result.stdout.split('\n');
  const first = lines.findIndex((l) => l.startsWith('@@'));
  return first < 0 ? '' : lines.slice(first).join('\n');
}

function ourHunks(aText: string, bText: string, context = 3): string {
  const text = unifiedDiff(aText, bText, { context });
  return text === '' ? '' : text.split('\n').slice(2).join('\n');
}

function countChanges(lines: DiffLine[]): { added: number; removed: number } {
  return {
    added: lines.filter((l) => l.kind === 'add').length,
    removed: lines.filter((l) => l.kind === 'remove').length,
  };
}

/** numstat of git diff --no-index --minimal: a minimal edit script has the same counts whatever lines it picks. */
function gitNumstat(aText: string, bText: string): { added: number; removed: number } {
  const dir = mkdtempSync(path.join(work, 'numstat-'));
  writeFileSync(path.join(dir, 'a'), aText);
  writeFileSync(path.join(dir, 'b'), bText);
  const result = spawnSync('git', ['diff', '--no-index', '--minimal', '--numstat', 'a', 'b'], { cwd: dir, encoding: 'utf8' });
  const [added, removed] = result.stdout.trim().split(/\s+/);
  return { added: Number(added ?? 0) || 0, removed: Number(removed ?? 0) || 0 };
}

describe('unifiedDiff (fixture cases)', () => {
  it.each(unifiedCases)('$name', (c) => {
    const expected = c.expected.length === 0 ? '' : c.expected.join('\n') + '\n';
    expect(unifiedDiff(c.a, c.b, c.options)).toBe(expected);
  });
});

describe('diffLines (fixture cases)', () => {
  it.each(linesCases)('$name', (c) => {
    expect(diffLines(c.a, c.b)).toEqual(c.expected);
  });
});

describe('diffLines reconstructs both texts', () => {
  it('from random edits of real definitions', () => {
    const rand = mulberry32(7);
    for (const { text } of referenceTexts) {
      const b = mutate(text, rand, 1 + Math.floor(rand() * 8));
      const lines = diffLines(text, b);
      const aLines = lines.filter((l) => l.kind !== 'add');
      const bLines = lines.filter((l) => l.kind !== 'remove');
      expect(aLines.map((l) => l.text).join('\n')).toBe(text.replace(/\n$/, ''));
      expect(bLines.map((l) => l.text).join('\n')).toBe(b.replace(/\n$/, ''));
      expect(aLines.map((l) => l.aLine)).toEqual(aLines.map((_, i) => i + 1));
      expect(bLines.map((l) => l.bLine)).toEqual(bLines.map((_, i) => i + 1));
    }
  });
});

describe('unifiedDiff against native tools', () => {
  it('has real definitions to work with', () => {
    expect(referenceTexts.length).toBeGreaterThan(20);
  });

  it('git apply and patch turn a into b for pairs of real definitions', () => {
    for (let i = 0; i + 1 < referenceTexts.length; i += 3) {
      const a = referenceTexts[i].text;
      const b = referenceTexts[i + 1].text;
      expect(applyNatively('git', a, b)).toBe(b);
      expect(applyNatively('patch', a, b)).toBe(b);
    }
  });

  it('git apply and patch turn a into b for random edits, with context 3, 1 and 0 (git only)', () => {
    const rand = mulberry32(42);
    for (const [index, { text }] of referenceTexts.entries()) {
      const b = mutate(text, rand, 1 + Math.floor(rand() * 6));
      const context = [3, 1, 0][index % 3];
      expect(applyNatively('git', text, b, context)).toBe(b);
      if (context !== 0) expect(applyNatively('patch', text, b, context)).toBe(b);
    }
  });

  it('produces the same hunks as git diff --minimal for single-site edits of real definitions', () => {
    const rand = mulberry32(3);
    let compared = 0;
    for (const { text } of referenceTexts) {
      const b = mutate(text, rand, 1);
      if (b === text) continue;
      expect(ourHunks(text, b)).toBe(gitHunks(text, b));
      compared++;
    }
    expect(compared).toBeGreaterThan(20);
  });

  it('is as small as git diff --minimal (same added/removed counts) for multi-site edits', () => {
    const rand = mulberry32(11);
    for (const { text } of referenceTexts) {
      const b = mutate(text, rand, 10);
      expect(countChanges(diffLines(text, b))).toEqual(gitNumstat(text, b));
    }
  });

  it('handles 5,000-line inputs: patch reproduces b and counts match git', () => {
    const rand = mulberry32(5000);
    const a = Array.from({ length: 5000 }, (_, i) => `  "key${i % 700}" : ${Math.floor(rand() * 20)},`).join('\n') + '\n';
    const b = mutate(a, rand, 400);
    expect(applyNatively('patch', a, b)).toBe(b);
    expect(countChanges(diffLines(a, b))).toEqual(gitNumstat(a, b));
  });

  it('handles two 5,000-line texts with nothing in common', () => {
    const a = Array.from({ length: 5000 }, (_, i) => `a${i}`).join('\n') + '\n';
    const b = Array.from({ length: 5000 }, (_, i) => `b${i}`).join('\n') + '\n';
    expect(countChanges(diffLines(a, b))).toEqual({ added: 5000, removed: 5000 });
    expect(applyNatively('git', a, b)).toBe(b);
  });
});

describe('git is available for the cross-checks', () => {
  it('runs', () => {
    expect(execFileSync('git', ['--version'], { encoding: 'utf8' })).toMatch(/^git version/);
  });
});
