/**
 * `npm run bench [-- --only store,rules] [-- --quick]`: runs every bench module in one process and prints each figure
 * against a baseline measured in the same run. A module that is missing or cannot load is reported and skipped, so
 * the bench always runs what exists.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { formatFigure, type BenchContext, type BenchFigure, type BenchModule } from './report';

interface ModuleEntry {
  name: string;
  load: () => Promise<Record<string, unknown>>;
  exportName: string;
  /**
   * Run in a child process (same node + tsx flags): a module that can exhaust the heap (the store on 60,000 commits)
   * then fails alone, and its RSS figure is not inflated by the other modules.
   */
  isolate?: boolean;
  /** Calls the module's export the way that module expects and turns its result into figures or printable lines. */
  run?: (fn: (...args: never[]) => unknown, context: BenchContext) => Promise<(BenchFigure | string)[]>;
}

interface RuleResult {
  name: string;
  opsPerSec: number;
  ratioToBaseline: number;
}
interface DetermineGroupsResult {
  tests: number;
  identifiers: number;
  callMicros: number;
  perTestMicros: number;
  nodeMd5Micros: number;
  ourMd5Micros: number;
  perTestVsNodeMd5: number;
  perTestVsOurMd5: number;
}

interface ParseResult {
  corpus: string;
  definitions: number;
  parseDefinitionMicros: number;
  jsonParseMicros: number;
  ratio: number;
}

function opsLine(name: string, ops: number, ratio: number): string {
  return `${name.padEnd(64)} ${Math.round(ops).toLocaleString('en-US').padStart(14)} ops/s  ${ratio.toFixed(3).padStart(8)}x of the plain-JS baseline`;
}

// Static specifiers so bundlers/tsx resolve them; a missing file fails only its own import.
const MODULES: ModuleEntry[] = [
  // Event ingestion over HTTP vs a raw INSERT, embedded and on PostgreSQL: isolated (servers, a PostgreSQL server).
  { name: 'events', load: () => import('./events'), exportName: 'benchEvents', isolate: true },
  {
    name: 'rules',
    load: () => import('./rules' as string),
    exportName: 'benchRules',
    // benchRules(): [{name, opsPerSec, ratioToBaseline}], the baseline being the same rule as a JS closure.
    run: async (fn) => ((await (fn as () => Promise<RuleResult[]>)()) ?? []).map((r) => opsLine(r.name, r.opsPerSec, r.ratioToBaseline)),
  },
  {
    name: 'determine-groups',
    load: () => import('./determine-groups' as string),
    exportName: 'benchDetermineGroups',
    // benchDetermineGroups(identifierCount): per-call and per-test cost against one MD5 (the floor Proctor must pay).
    run: async (fn, context) => {
      const r = await (fn as (identifiers?: number) => DetermineGroupsResult)(context.quick ? 500 : 2000);
      return [
        `determineGroups over ${r.tests} tests, ${r.identifiers} identifiers: ${r.callMicros.toFixed(1)} µs per call, ${r.perTestMicros.toFixed(3)} µs per test`,
        `per test vs one node:crypto MD5 (${r.nodeMd5Micros.toFixed(3)} µs): ${r.perTestVsNodeMd5.toFixed(2)}x; vs one of our MD5s (${r.ourMd5Micros.toFixed(3)} µs): ${r.perTestVsOurMd5.toFixed(2)}x`,
      ];
    },
  },
  {
    name: 'parse',
    load: () => import('./parse' as string),
    exportName: 'benchParse',
    // benchParse({quick}): per-definition µs of parseDefinition and of JSON.parse on the same texts, and their ratio.
    run: async (fn, context) => {
      const results = (await (fn as (options: { quick: boolean }) => Promise<ParseResult[]>)({ quick: context.quick })) ?? [];
      return results.map(
        (r) =>
          `parseDefinition, ${r.definitions} ${r.corpus}: ${r.parseDefinitionMicros.toFixed(1)} µs per definition; ` +
          `JSON.parse ${r.jsonParseMicros.toFixed(1)} µs; ${r.ratio.toFixed(2)}x of JSON.parse`,
      );
    },
  },
  { name: 'store', load: () => import('./store'), exportName: 'benchStore', isolate: true },
  // Starts the built app and client fleets: isolated so its servers and sockets do not skew the other modules.
  { name: 'distribution', load: () => import('./distribution'), exportName: 'benchDistribution', isolate: true },
  // The matrix endpoint (304, gzip, brotli, identity) beside node:http serving the same bytes: isolated likewise.
  { name: 'matrix-serving', load: () => import('./matrix-serving'), exportName: 'benchMatrixServing', isolate: true },
  // activate vs getGroups per call, and the heap with the event queue full: isolated so the heap figure is its own.
  { name: 'client', load: () => import('./client'), exportName: 'benchClient', isolate: true },
  // Results of a 10,000,000-unit test from the aggregates vs from the raw rows (embedded database, on disk): isolated.
  { name: 'results', load: () => import('./results'), exportName: 'benchResults', isolate: true },
];

interface Args {
  only: Set<string> | null;
  quick: boolean;
  /** Internal: run the selected module here and write its figures to this file (set by the parent for isolated modules). */
  figuresOut: string | null;
}

function parseArgs(argv: string[]): Args {
  let only: Set<string> | null = null;
  let quick = false;
  let figuresOut: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') quick = true;
    else if (arg === '--figures-out') figuresOut = argv[++i] ?? null;
    else if (arg === '--only') only = new Set((argv[++i] ?? '').split(',').filter(Boolean));
    else if (arg.startsWith('--only=')) only = new Set(arg.slice('--only='.length).split(',').filter(Boolean));
    else {
      console.error(`Unknown argument ${arg}. Usage: npm run bench -- [--only ${MODULES.map((m) => m.name).join(',')}] [--quick]`);
      process.exit(2);
    }
  }
  if (only) {
    const unknown = [...only].filter((name) => !MODULES.some((m) => m.name === name));
    if (unknown.length) {
      console.error(`Unknown bench module(s): ${unknown.join(', ')}. Known: ${MODULES.map((m) => m.name).join(', ')}.`);
      process.exit(2);
    }
  }
  return { only, quick, figuresOut };
}

const FIGURE_MARK = '@@bench-figure ';

/**
 * Runs one module in a child process, handing each figure to `onFigure` as the child reports it; rejects with the
 * child's last output if it dies (figures reported before that are kept).
 */
function runIsolated(entry: ModuleEntry, quick: boolean, onFigure: (figure: BenchFigure) => void): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'proctor-bench-'));
  const out = path.join(dir, 'figures.json');
  const args = [...process.execArgv, __filename, '--only', entry.name, '--figures-out', out, ...(quick ? ['--quick'] : [])];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    let partial = '';
    const relay = (chunk: Buffer) => {
      const text = partial + chunk.toString();
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith(FIGURE_MARK)) onFigure(JSON.parse(line.slice(FIGURE_MARK.length)) as BenchFigure);
        else {
          tail = (tail + line + '\n').slice(-2000);
          if (line.trim()) console.log(line);
        }
      }
    };
    child.stdout.on('data', relay);
    child.stderr.on('data', (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-2000)));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      try {
        if (code === 0 && existsSync(out)) resolve();
        else {
          const oom = /heap out of memory/.test(tail) ? ' — JavaScript heap out of memory' : '';
          reject(new Error(`child process exited with ${signal ?? code}${oom}\n${tail.split('\n').slice(-8).join('\n')}`));
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

function isBenchFigure(value: unknown): value is BenchFigure {
  return typeof value === 'object' && value !== null && typeof (value as BenchFigure).name === 'string' && typeof (value as BenchFigure).ours === 'number';
}

async function runChild(args: Args): Promise<void> {
  const entry = MODULES.find((m) => args.only?.has(m.name))!;
  const mod = await entry.load();
  const fn = mod[entry.exportName] as BenchModule;
  let reported = false;
  const result = await fn({
    quick: args.quick,
    log: (line) => console.log(`  ${line}`),
    report: (figure) => {
      reported = true;
      console.log(FIGURE_MARK + JSON.stringify(figure));
    },
  });
  if (!reported) for (const figure of Array.isArray(result) ? result : []) console.log(FIGURE_MARK + JSON.stringify(figure));
  writeFileSync(args.figuresOut!, 'done');
  // Open handles (database, timers) must not keep the child alive.
  process.exit(0);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.figuresOut) return runChild(args);
  const { only, quick } = args;
  const started = performance.now();
  console.log(`Proctor Studio bench${quick ? ' (quick)' : ''} — node ${process.version}, ${new Date().toISOString()}`);
  let missed = 0;
  for (const entry of MODULES) {
    if (only && !only.has(entry.name)) continue;
    console.log(`\n== ${entry.name}`);
    let mod: Record<string, unknown>;
    try {
      mod = await entry.load();
    } catch (error) {
      console.log(`skipped: ${entry.name} not available (${firstLine(error)})`);
      continue;
    }
    const fn = mod[entry.exportName];
    if (typeof fn !== 'function') {
      console.log(`skipped: ${entry.name} not available (no ${entry.exportName}() export)`);
      continue;
    }
    const context: BenchContext = { quick, log: (line) => console.log(`  ${line}`) };
    const moduleStarted = performance.now();
    try {
      const print = (figure: unknown): void => {
        if (typeof figure === 'string') console.log(figure);
        if (!isBenchFigure(figure)) return;
        console.log(formatFigure(figure));
        if (figure.goal !== undefined && !(figure.ours < figure.goal)) missed++;
      };
      if (entry.isolate) await runIsolated(entry, quick, print);
      else {
        const result = entry.run ? await entry.run(fn as (...args: never[]) => unknown, context) : await (fn as BenchModule)(context);
        for (const figure of Array.isArray(result) ? result : []) print(figure);
      }
    } catch (error) {
      const detail = error instanceof Error ? (entry.isolate ? error.message : (error.stack ?? error.message)) : String(error);
      console.log(`failed: ${entry.name}: ${detail}`);
      missed++;
    }
    console.log(`  (${entry.name} took ${((performance.now() - moduleStarted) / 1000).toFixed(1)} s)`);
  }
  console.log(`\nbench finished in ${((performance.now() - started) / 1000).toFixed(1)} s; ${missed} goal(s) missed or module(s) failed`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
