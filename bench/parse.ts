/**
 * Cost of reading definition.json with our lenient reader (parseDefinition: comments, number kinds, positions for
 * errors, mapping to TestDefinition) against the floor of JSON.parse on the same texts, measured in the same run.
 * Corpora: Proctor's 46 reference definitions (hand-written test fixtures: nearly all take the scanner) and the 10
 * proctor-data examples (written as Proctor writes them: most take the JSON.parse fast path, canonical-definition.ts).
 * Run: npx tsx bench/parse.ts
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseDefinition } from '../lib/proctor/parse-definition';

export interface ParseBenchResult {
  corpus: string;
  definitions: number;
  /** Mean µs per definition for parseDefinition. */
  parseDefinitionMicros: number;
  /** Mean µs per definition for JSON.parse of the same text. */
  jsonParseMicros: number;
  /** parseDefinitionMicros / jsonParseMicros (lower is better, 1 = as fast as JSON.parse). */
  ratio: number;
}

const CORPORA: Array<{ name: string; dir: string }> = [
  { name: 'proctor-reference (Proctor test-definitions)', dir: 'test/fixtures/proctor-reference/test-definitions' },
  { name: 'proctor-data (seed examples)', dir: path.resolve(__dirname, '../proctor-data/test-definitions') },
];

function readCorpus(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(dir, e.name, 'definition.json')))
    .map((e) => e.name)
    .sort()
    .map((name) => readFileSync(path.join(dir, name, 'definition.json'), 'utf8'));
}

/** Mean µs per text of `fn` over the whole corpus, repeated until `minMs` elapsed; the median of 5 such rounds. */
function perTextMicros(texts: string[], fn: (text: string) => unknown, minMs: number): number {
  let sink = 0;
  const pass = () => {
    for (const text of texts) sink += fn(text) === undefined ? 0 : 1;
  };
  for (let i = 0; i < 200; i++) pass(); // warm-up so both sides are optimised
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    let passes = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < minMs) {
      pass();
      passes++;
      elapsed = performance.now() - start;
    }
    rounds.push((elapsed * 1000) / (passes * texts.length));
  }
  if (sink < 0) throw new Error('unreachable');
  rounds.sort((a, b) => a - b);
  return rounds[2];
}

export async function benchParse(options: { quick?: boolean } = {}): Promise<ParseBenchResult[]> {
  const minMs = options.quick ? 60 : 250;
  const results: ParseBenchResult[] = [];
  for (const corpus of CORPORA) {
    const texts = readCorpus(corpus.dir);
    if (texts.length === 0) continue;
    const ours = perTextMicros(texts, parseDefinition, minMs);
    const floor = perTextMicros(texts, (t) => JSON.parse(t), minMs);
    results.push({ corpus: corpus.name, definitions: texts.length, parseDefinitionMicros: ours, jsonParseMicros: floor, ratio: ours / floor });
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchParse({ quick: process.argv.includes('--quick') }).then((results) => {
    for (const r of results) {
      console.log(`${r.corpus}: ${r.parseDefinitionMicros.toFixed(1)} µs per definition; JSON.parse ${r.jsonParseMicros.toFixed(1)} µs; ${r.ratio.toFixed(2)}x`);
    }
  });
}
