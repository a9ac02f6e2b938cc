/**
 * Records what the real Proctor does with a generated corpus (test/support/real-proctor-corpus.ts):
 *
 *   npx tsx test/support/record-real-proctor.ts --seed 18 --definitions 400 --builds 40 --assigns 40 --out test/fixtures/real-proctor
 *
 * Needs the `real-proctor` tool (Java); CI does not run this, it reads the committed output. Writes, in --out:
 * definitions.{in,expected}.jsonl (readdef), builds.{in,expected}.jsonl (build, then load of each built matrix) and
 * assign.{in,expected}.jsonl (assign over each built matrix).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateCorpus } from './real-proctor-corpus';

// The real Proctor launcher lives in shared/tools beside the checkout (or wherever REAL_PROCTOR points).
const TOOL = process.env.REAL_PROCTOR ?? path.resolve(__dirname, '../../../shared/tools/real-proctor/real-proctor');
export const PROVIDED_CONTEXT = { country: 'String', lang: 'String' };

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const seed = Number(arg('seed', '18'));
const out = arg('out', 'test/fixtures/real-proctor');
const corpus = generateCorpus(seed, { definitions: Number(arg('definitions', '400')), builds: Number(arg('builds', '40')), assignsPerBuild: Number(arg('assigns', '40')) });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'real-proctor-'));
fs.mkdirSync(out, { recursive: true });
const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

// readdef: one JVM for all files; the test name Proctor reports is the folder name (the case key).
const files = corpus.definitions.map((c) => {
  const file = path.join(tmp, 'defs', c.key, 'definition.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, c.text, 'utf8');
  return file;
});
const readdef = execFileSync(TOOL, ['readdef', ...files], { maxBuffer: 1 << 30, encoding: 'utf8' }).trim().split('\n');
fs.writeFileSync(path.join(out, 'definitions.in.jsonl'), jsonl(corpus.definitions));
fs.writeFileSync(
  path.join(out, 'definitions.expected.jsonl'),
  jsonl(readdef.map((line, i) => {
    const { file: _file, consumable: _consumable, ...rest } = JSON.parse(line) as Record<string, unknown>;
    return { key: corpus.definitions[i].key, ...rest };
  })),
);

// build each group, load every built matrix (one JVM), assign over each.
const types = path.join(tmp, 'types.json');
fs.writeFileSync(types, JSON.stringify(PROVIDED_CONTEXT));
const built: Record<string, unknown>[] = [];
const matrices: string[] = [];
const assignIn: unknown[] = [];
const assignOut: unknown[] = [];
for (const b of corpus.builds) {
  const dir = path.join(tmp, 'builds', b.key);
  for (const [name, text] of Object.entries(b.definitions)) {
    fs.mkdirSync(path.join(dir, name), { recursive: true });
    fs.writeFileSync(path.join(dir, name, 'definition.json'), text, 'utf8');
  }
  const run = spawnSync(TOOL, ['build', dir, '--author', 'ci', '--version', '42'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (run.status !== 0) {
    built.push({ key: b.key, error: run.stderr.trim() });
    continue;
  }
  const matrixFile = path.join(tmp, 'builds', `${b.key}.matrix.json`);
  fs.writeFileSync(matrixFile, run.stdout);
  matrices.push(matrixFile);
  built.push({ key: b.key, matrix: run.stdout });
  const lines = corpus.assigns[b.key];
  const input = path.join(tmp, 'builds', `${b.key}.assign.jsonl`);
  fs.writeFileSync(input, jsonl(lines));
  const assigned = spawnSync(TOOL, ['assign', matrixFile, input, '--provided-context', types], { encoding: 'utf8', maxBuffer: 1 << 30 });
  assignIn.push(...lines);
  // Kept as printed: JSON.parse would round big integers and drop the kind of numbers.
  assignOut.push(...assigned.stdout.trim().split('\n'));
}
if (matrices.length > 0) {
  const loaded = execFileSync(TOOL, ['load', ...matrices, '--provided-context', types], { encoding: 'utf8', maxBuffer: 1 << 30 }).trim().split('\n');
  loaded.forEach((line, i) => {
    const entry = built.find((b) => matrices[i].endsWith(`${b.key}.matrix.json`))!;
    const { matrix: _m, ...load } = JSON.parse(line) as Record<string, unknown>;
    entry.load = load; // messages and test names only: nothing numeric to lose
  });
}
fs.writeFileSync(path.join(out, 'builds.in.jsonl'), jsonl(corpus.builds));
fs.writeFileSync(path.join(out, 'builds.expected.jsonl'), jsonl(built));
fs.writeFileSync(path.join(out, 'assign.in.jsonl'), jsonl(assignIn));
fs.writeFileSync(path.join(out, 'assign.expected.jsonl'), assignOut.join('\n') + '\n');
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`seed ${seed}: ${corpus.definitions.length} definitions, ${corpus.builds.length} builds (${matrices.length} built), ${assignIn.length} assignments → ${out}`);
