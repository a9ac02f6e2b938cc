/**
 * A differential run over a recorded corpus (test/support/record-real-proctor.ts --out DIR):
 *   npx tsx test/support/real-proctor-differential.ts DIR
 * prints the figures (cases, agreements) and each remaining difference, grouped by its first line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseJson } from '@/lib/proctor/json';
import { compareAssign, compareBuild, compareReaddef, type BuildExpected, type ReaddefExpected } from './real-proctor-compare';

const dir = process.argv[2] ?? 'test/fixtures/real-proctor';
const lines = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8').split('\n').filter((l) => l.trim() !== '');
const groups = new Map<string, string[]>();
const note = (key: string, diff: string) => {
  const head = diff.split('\n')[0].replace(/\d+(\.\d+)?(E-?\d+)?/g, 'N').slice(0, 160);
  groups.set(head, [...(groups.get(head) ?? []), `${key}: ${diff}`]);
};

const defsIn = lines('definitions.in.jsonl').map((l) => JSON.parse(l) as { key: string; text: string });
const defsOut = lines('definitions.expected.jsonl').map((l) => JSON.parse(l) as ReaddefExpected);
let defsAgree = 0;
defsIn.forEach((c, i) => {
  const diffs = compareReaddef(c, defsOut[i]);
  if (diffs.length === 0) defsAgree++;
  diffs.forEach((d) => note(c.key, d));
});

const buildsIn = lines('builds.in.jsonl').map((l) => JSON.parse(l) as { key: string; definitions: Record<string, string> });
const buildsOut = lines('builds.expected.jsonl').map((l) => JSON.parse(l) as BuildExpected);
let buildsAgree = 0;
let blocks = 0;
let identical = 0;
buildsIn.forEach((c, i) => {
  const r = compareBuild(c, buildsOut[i]);
  blocks += r.blocks;
  identical += r.identicalBlocks;
  if (r.diffs.length === 0) buildsAgree++;
  r.diffs.forEach((d) => note(c.key, d));
});

const matrices = new Map(buildsOut.map((b) => [b.key, b.matrix]));
const assignIn = lines('assign.in.jsonl').map((l) => parseJson(l).value as unknown as { key: string; identifiers: Record<string, string>; context: Record<string, unknown> });
const assignOut = lines('assign.expected.jsonl');
let assignAgree = 0;
let assignments = 0;
assignIn.forEach((c, i) => {
  const diffs = compareAssign(matrices.get(c.key.split('.')[0])!, c, assignOut[i]);
  assignments += Object.keys((JSON.parse(assignOut[i]) as { raw: object }).raw).length;
  if (diffs.length === 0) assignAgree++;
  diffs.forEach((d) => note(c.key, d));
});

console.log(`readdef: ${defsAgree}/${defsIn.length} definitions agree`);
console.log(`build: ${buildsAgree}/${buildsIn.length} builds agree (${buildsOut.filter((b) => b.error).length} refused by Proctor); ${identical}/${blocks} test blocks byte-identical`);
console.log(`assign: ${assignAgree}/${assignIn.length} lines agree (${assignments} assignments by Proctor)`);
for (const [head, items] of [...groups].sort((a, b) => b[1].length - a[1].length)) {
  console.log(`\n[${items.length}] ${head}`);
  for (const item of items.slice(0, 3)) console.log('   ' + item.replace(/\n/g, '\n   '));
}
