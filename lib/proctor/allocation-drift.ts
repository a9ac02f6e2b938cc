/**
 * User drift between two allocations (the webapp editor's "The allocation changing may cause a user drift." warning,
 * made quantitative). Each allocation maps [0,1] onto buckets by cumulative range lengths in file order; overlaying the
 * two maps shows which share of ALL users moves from bucket X to bucket Y. Bucket -1 is "inactive".
 */
import type { Allocation, Range } from './model';

export interface DriftMove {
  from: number;
  to: number;
  /** Share of all users (0..1). */
  fraction: number;
}

export interface AllocationDrift {
  moves: DriftMove[];
  /** Share of users whose bucket changes. */
  moved: number;
  /** Share moving from one non-inactive bucket to another: the drift that corrupts an experiment. */
  movedBetweenActiveBuckets: number;
}

/** Proctor's convention: bucket -1 is the inactive bucket (users in the test but not in an experiment arm). */
export const INACTIVE_BUCKET = -1;
const INACTIVE = INACTIVE_BUCKET;
const EPSILON = 1e-12;

interface Interval {
  start: number;
  end: number;
  bucket: number;
}

/**
 * The intervals of [0,1] each bucket owns. As in StandardTestChooser, a point past the last cutoff falls into the last
 * range, so the last range reaches 1 even when the lengths sum to slightly less; anything past 1 is cut off.
 */
export function rangeIntervals(ranges: Range[]): Interval[] {
  const out: Interval[] = [];
  let start = 0;
  ranges.forEach((r, i) => {
    const end = i === ranges.length - 1 ? 1 : Math.min(1, start + Math.max(0, r.length));
    if (end - start > EPSILON) out.push({ start, end, bucket: r.bucketValue });
    start = Math.max(start, end);
  });
  return out;
}

function rangesOf(a: Allocation | Range[]): Range[] {
  return Array.isArray(a) ? a : (a.ranges ?? []);
}

export function allocationDrift(before: Allocation | Range[], after: Allocation | Range[]): AllocationDrift {
  const a = rangeIntervals(rangesOf(before));
  const b = rangeIntervals(rangesOf(after));
  const totals = new Map<string, DriftMove>();
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const start = Math.max(a[i].start, b[j].start);
    const end = Math.min(a[i].end, b[j].end);
    if (end - start > EPSILON && a[i].bucket !== b[j].bucket) {
      const key = `${a[i].bucket}>${b[j].bucket}`;
      const move = totals.get(key);
      if (move) move.fraction += end - start;
      else totals.set(key, { from: a[i].bucket, to: b[j].bucket, fraction: end - start });
    }
    if (a[i].end <= b[j].end) i++;
    else j++;
  }
  const moves = [...totals.values()];
  return {
    moves,
    moved: moves.reduce((s, m) => s + m.fraction, 0),
    movedBetweenActiveBuckets: moves
      .filter((m) => m.from !== INACTIVE && m.to !== INACTIVE)
      .reduce((s, m) => s + m.fraction, 0),
  };
}

/** Share of users per bucket value. */
export function bucketShares(ranges: Range[]): Map<number, number> {
  const shares = new Map<number, number>();
  for (const r of rangeIntervals(ranges)) shares.set(r.bucket, (shares.get(r.bucket) ?? 0) + (r.end - r.start));
  return shares;
}

export interface AllocationDriftEntry {
  index: number;
  rule: string | null;
  before: Range[];
  after: Range[];
  drift: AllocationDrift;
}

/**
 * User drift of a whole definition change: allocations compared by index (an allocation-only change keeps their number
 * and rules). `movedBetweenActiveBuckets` is the largest share over the allocations — the share of the users an
 * allocation's rule selects who would switch between active buckets. An allocation added or removed counts as moving
 * nobody here; that is not an allocation-only change anyway.
 */
export interface DefinitionDrift {
  allocations: AllocationDriftEntry[];
  moved: number;
  movedBetweenActiveBuckets: number;
}

export function definitionDrift(before: { allocations?: Allocation[] | null } | null, after: { allocations?: Allocation[] | null } | null): DefinitionDrift {
  const a = before?.allocations ?? [];
  const b = after?.allocations ?? [];
  const allocations: AllocationDriftEntry[] = [];
  for (let index = 0; index < Math.min(a.length, b.length); index++) {
    const drift = allocationDrift(a[index], b[index]);
    if (drift.moved > EPSILON) allocations.push({ index, rule: b[index].rule ?? null, before: rangesOf(a[index]), after: rangesOf(b[index]), drift });
  }
  return {
    allocations,
    moved: Math.max(0, ...allocations.map((e) => e.drift.moved)),
    movedBetweenActiveBuckets: Math.max(0, ...allocations.map((e) => e.drift.movedBetweenActiveBuckets)),
  };
}
