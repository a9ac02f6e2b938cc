'use client';
/**
 * User drift of one allocation's change: before/after bars, the share of users moving per bucket pair, a plain warning
 * when users of a running test would switch between real buckets, and a one-click layout that grows buckets without
 * moving anyone (core suggestStableGrowth).
 */
import { useDeferredValue, useMemo } from 'react';
import { AllocationBar, type BarRange } from '@/components/allocation-bar';
import { activeDrift, driftMessage, sumsToWhole } from '@/lib/editor/allocation-drift-issues';
import { allocationDrift, bucketShares, suggestStableGrowth, type Range, type TestBucket } from '@/lib/proctor';
import { percent } from '@/lib/ui/format';
import { buttonClass } from '@/lib/ui/styles';

function sameRanges(a: Range[], b: Range[]): boolean {
  return a.length === b.length && a.every((r, i) => r.bucketValue === b[i].bucketValue && Math.abs(r.length - b[i].length) < 1e-12);
}

/** A bar with its name beside it (the bar's own text only fits wide segments). */
function LabelledBar({ label, ranges }: { label: string; ranges: BarRange[] }) {
  return (
    <div className="grid grid-cols-[4.5rem_minmax(0,1fr)] items-center gap-2">
      <span className="text-xs font-medium">{label}</span>
      <AllocationBar ranges={ranges} label={label} />
    </div>
  );
}

export function DriftPreview({
  before,
  after: typedAfter,
  buckets,
  running,
  onApply,
}: {
  before: Range[];
  after: Range[];
  buckets: TestBucket[];
  running: boolean;
  /** Without it (read-only places: the save and promote dialogs) the suggested layout is not offered. */
  onApply?: (ranges: Range[]) => void;
}) {
  // Drift and the stable-growth suggestion follow the typed ranges without holding up the keystroke.
  const after = useDeferredValue(typedAfter);
  const nameOf = (value: number) => buckets.find((b) => b.value === value)?.name ?? `bucket ${value}`;
  const drift = useMemo(() => allocationDrift(before, after), [before, after]);
  const suggestion = useMemo(() => {
    // Only a whole allocation (100%) has a layout to suggest: while the shares do not add up, there is nothing to keep.
    if (!onApply || activeDrift(before, after) === 0 || !sumsToWhole(after)) return null;
    const targets: Record<number, number> = {};
    for (const [bucket, share] of bucketShares(after)) if (bucket !== -1) targets[bucket] = share;
    try {
      const s = suggestStableGrowth(before, targets);
      return sameRanges(s.ranges, after) ? null : s;
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }, [before, after, onApply]);
  if (drift.moved <= 1e-12) return null;
  const toBar = (ranges: Range[]) => ranges.map((r) => ({ bucketValue: r.bucketValue, bucketName: nameOf(r.bucketValue), length: r.length }));
  const moved = activeDrift(before, after);
  const warn = running && moved > 0;
  return (
    <div className="mt-3 rounded-md border border-slate-300 p-3 text-sm dark:border-slate-600" data-testid="drift-preview">
      <h4 className="font-medium">User drift</h4>
      <div className="mt-2 grid gap-1">
        <LabelledBar label="Before" ranges={toBar(before)} />
        <LabelledBar label="After" ranges={toBar(after)} />
      </div>
      <ul className="mt-2 list-disc pl-5 text-xs">
        {drift.moves.map((m) => (
          <li key={`${m.from}>${m.to}`}>
            {percent(m.fraction)} of users move from <strong>{nameOf(m.from)}</strong> to <strong>{nameOf(m.to)}</strong>
          </li>
        ))}
      </ul>
      {warn && (
        <p role="alert" className="mt-2 rounded bg-amber-100 p-2 text-amber-950 dark:bg-amber-950 dark:text-amber-100" data-testid="drift-warning">
          Warning: {driftMessage(moved, percent)} Users moved from one variant to another mix their earlier results into the new
          bucket. Grow buckets only into inactive space instead.
        </p>
      )}
      {suggestion && 'ranges' in suggestion && onApply && (
        <div className="mt-2 flex flex-wrap items-center gap-2">
          <span className="text-xs">
            Suggested layout ({suggestion.strategy === 'room-to-grow' ? 'room to grow' : 'split bucket'}): same shares, nobody switches between active buckets.
          </span>
          <div className="w-full" data-testid="suggested-layout">
            <LabelledBar label="Suggested" ranges={toBar(suggestion.ranges)} />
            <p className="mt-0.5 text-xs text-slate-700 dark:text-slate-300">
              {[...bucketShares(suggestion.ranges)]
                .filter(([, share]) => share > 0)
                .map(([bucket, share]) => `${nameOf(bucket)} ${percent(share)}`)
                .join(' · ')}
            </p>
          </div>
          <button type="button" className={buttonClass} onClick={() => onApply(suggestion.ranges)}>
            Apply suggested layout
          </button>
        </div>
      )}
      {suggestion && 'error' in suggestion && <p className="mt-2 text-xs text-slate-700 dark:text-slate-300">No drift-free layout reaches these shares: {suggestion.error}</p>}
    </div>
  );
}
