import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJson } from '@/lib/proctor/json';
import { compareAssign, compareBuild, compareReaddef, type BuildExpected, type ReaddefExpected } from '../support/real-proctor-compare';
import { generateCorpus } from '../support/real-proctor-corpus';

/**
 * lib/proctor against the real Proctor (Java), on a fixed-seed corpus recorded with real-proctor
 * (indeedeng/proctor e1bf2613, Tomcat EL 7.0.109, Jackson 2.13.4): see test/fixtures/real-proctor/README.md.
 * Line i of each *.expected.jsonl is Proctor's answer to line i of the matching *.in.jsonl.
 */

const DIR = path.join(__dirname, '../fixtures/real-proctor');
const lines = (file: string) => fs.readFileSync(path.join(DIR, file), 'utf8').split('\n').filter((l) => l.trim() !== '');
// Input lines go through the project's reader, so 5 and 5.0 (and integers past 2^53) stay what they were.
const read = <T>(line: string) => parseJson(line).value as unknown as T;

describe('the committed corpus is the generator output for seed 18', () => {
  it('regenerates byte for byte', () => {
    const corpus = generateCorpus(18, { definitions: 300, builds: 24, assignsPerBuild: 40 });
    expect(lines('definitions.in.jsonl')).toEqual(corpus.definitions.map((c) => JSON.stringify(c)));
    expect(lines('builds.in.jsonl')).toEqual(corpus.builds.map((c) => JSON.stringify(c)));
  });
});

describe('readdef: reading, rewriting and checking definition.json as Proctor does', () => {
  const input = lines('definitions.in.jsonl').map((l) => JSON.parse(l) as { key: string; text: string });
  const expected = lines('definitions.expected.jsonl').map((l) => JSON.parse(l) as ReaddefExpected);
  it('has one answer per case', () => expect(expected.map((e) => e.key)).toEqual(input.map((c) => c.key)));
  input.forEach((c, i) =>
    it(`${c.key}`, () => {
      expect(compareReaddef(c, expected[i])).toEqual([]);
    }));
});

describe('build: the matrix LocalProctorBuilder writes, and what an application loader makes of it', () => {
  const input = lines('builds.in.jsonl').map((l) => JSON.parse(l) as { key: string; definitions: Record<string, string> });
  const expected = lines('builds.expected.jsonl').map((l) => JSON.parse(l) as BuildExpected);
  input.forEach((c, i) =>
    it(`${c.key}`, () => {
      expect(expected[i].key).toBe(c.key);
      expect(compareBuild(c, expected[i]).diffs).toEqual([]);
    }));
});

describe('assign: buckets Proctor gives over each built matrix', () => {
  const builds = new Map(lines('builds.expected.jsonl').map((l) => JSON.parse(l) as BuildExpected).map((b) => [b.key, b]));
  const input = lines('assign.in.jsonl').map((l) => read<{ key: string; identifiers: Record<string, string>; context: Record<string, unknown> }>(l));
  const expected = lines('assign.expected.jsonl');
  it('has one answer per line', () => expect(expected.length).toBe(input.length));
  input.forEach((c, i) =>
    it(`${c.key}`, () => {
      const matrix = builds.get(c.key.split('.')[0])!.matrix!;
      expect(compareAssign(matrix, c, expected[i])).toEqual([]);
    }));
});
