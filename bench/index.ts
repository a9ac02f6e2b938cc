/**
 * `npm run bench [-- --only store,rules] [-- --quick]`: runs every bench module in one process and prints each figure
 * against a baseline measured in the same run. A module that is missing or cannot load is reported and skipped, so
 * the bench always runs what exists.
 */
import { formatFigure, type BenchContext, type BenchFigure, type BenchModule } from './report';

interface ModuleEntry {
  name: string;
  load: () => Promise<Record<string, unknown>>;
  exportName: string;
}

// Static specifiers so bundlers/tsx resolve them; a missing file fails only its own import.
const MODULES: ModuleEntry[] = [
  { name: 'rules', load: () => import('./rules' as string), exportName: 'benchRules' },
  { name: 'determine-groups', load: () => import('./determine-groups' as string), exportName: 'benchDetermineGroups' },
  { name: 'store', load: () => import('./store'), exportName: 'benchStore' },
];

function parseArgs(argv: string[]): { only: Set<string> | null; quick: boolean } {
  let only: Set<string> | null = null;
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') quick = true;
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
  return { only, quick };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

function isBenchFigure(value: unknown): value is BenchFigure {
  return typeof value === 'object' && value !== null && typeof (value as BenchFigure).name === 'string' && typeof (value as BenchFigure).ours === 'number';
}

async function main(): Promise<void> {
  const { only, quick } = parseArgs(process.argv.slice(2));
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
      const result = await (fn as BenchModule)(context);
      for (const figure of Array.isArray(result) ? result : []) {
        if (!isBenchFigure(figure)) continue;
        console.log(formatFigure(figure));
        if (figure.goal !== undefined && !(figure.ours < figure.goal)) missed++;
      }
    } catch (error) {
      console.log(`failed: ${entry.name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
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
