/**
 * The bench's shared result shape and printing. Every figure is shown against a baseline measured in the same run
 * (native git, or a naive implementation), so machine speed cancels out of the ratio; goals are absolute.
 */

export interface BenchFigure {
  name: string;
  ours: number;
  /** Same operation done the reference way in the same run; omitted when there is nothing comparable. */
  baseline?: number;
  /** What the baseline is, e.g. "git log -- path". */
  baselineLabel?: string;
  unit: 'ms' | 'MB';
  /** Absolute goal: ours must stay below it. */
  goal?: number;
  note?: string;
}

export interface BenchContext {
  quick: boolean;
  log: (line: string) => void;
  /** Called by modules as each figure is measured, so a later crash does not lose the earlier figures. */
  report?: (figure: BenchFigure) => void;
}

export type BenchModule = (context: BenchContext) => Promise<BenchFigure[] | void>;

function formatNumber(value: number, unit: BenchFigure['unit']): string {
  if (unit === 'MB') return `${value.toFixed(1)} MB`;
  if (value >= 10_000) return `${(value / 1000).toFixed(2)} s`;
  return value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(2)} ms`;
}

export function formatFigure(figure: BenchFigure): string {
  const parts = [figure.name.padEnd(44), formatNumber(figure.ours, figure.unit).padStart(11)];
  if (figure.baseline !== undefined) {
    const ratio = figure.baseline > 0 ? figure.ours / figure.baseline : Infinity;
    parts.push(`baseline ${formatNumber(figure.baseline, figure.unit)}`.padStart(20));
    parts.push(`${ratio.toFixed(2)}x`.padStart(9));
  } else {
    parts.push(''.padStart(20), ''.padStart(9));
  }
  if (figure.goal !== undefined) {
    const met = figure.ours < figure.goal;
    parts.push(`goal < ${formatNumber(figure.goal, figure.unit)}`.padEnd(17), met ? 'met' : 'MISSED');
  }
  let line = parts.join('  ');
  const notes = [figure.baselineLabel ? `baseline: ${figure.baselineLabel}` : '', figure.note ?? ''].filter(Boolean);
  if (notes.length) line += `   (${notes.join('; ')})`;
  return line;
}

/** Runs fn `runs` times and returns the median duration in ms (and the last result). */
export async function timeMedian<T>(runs: number, fn: () => Promise<T> | T): Promise<{ ms: number; result: T }> {
  const times: number[] = [];
  let result!: T;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    result = await fn();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], result };
}

export async function timeOnce<T>(fn: () => Promise<T> | T): Promise<{ ms: number; result: T }> {
  return timeMedian(1, fn);
}
