'use client';
/**
 * User drift of one allocation's change: before/after bars, the share of users moving per bucket pair, a plain warning
 * when users of a running test would switch between real buckets, and a one-click layout that grows buckets without
 * moving anyone (core suggestStableGrowth).
 */
import { useDeferredValue, useMemo } from 'react';
import { AllocationBar } from '@/components/allocation-bar';
import { allocationDrift, bucketShares, suggestStableGrowth, type Range, type TestBucket } from '@/lib/proctor';
import { percent } from '@/lib/ui/format';
import { buttonClass } from '@/lib/ui/styles';

function sameRanges(a: Range[], b: Range[]): boolean {
  return a.length === b.length && a.every((r, i) => r.bucketValue === b[i].bucketValue && Math.abs(r.length - b[i].length) < 1e-12);
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
    if (!onApply || drift.movedBetweenActiveBuckets <= 1e-9) return null;
    const targets: Record<number, number> = {};
    for (const [bucket, share] of bucketShares(after)) if (bucket !== -1) targets[bucket] = share;
    try {
      const s = suggestStableGrowth(before, targets);
      return sameRanges(s.ranges, after) ? null : s;
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }, [before, after, drift, onApply]);
  if (drift.moved <= 1e-12) return null;
  const toBar = (ranges: Range[]) => ranges.map((r) => ({ bucketValue: r.bucketValue, bucketName: nameOf(r.bucketValue), length: r.length }));
  const warn = running && drift.movedBetweenActiveBuckets > 1e-9;
  return (
    <div className="mt-3 rounded-md border border-slate-300 p-3 text-sm dark:border-slate-600" data-testid="drift-preview">
      <h4 className="font-medium">User drift</h4>
      <div className="mt-2 grid gap-1">
        <AllocationBar ranges={toBar(before)} label="Before" />
        <AllocationBar ranges={toBar(after)} label="After" />
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
          Warning: this test is running, and {percent(drift.movedBetweenActiveBuckets)} of all users would switch between active buckets
          (for example from one variant to another). Their earlier results would mix with the new bucket and the experiment&apos;s data
          would be skewed. Grow buckets only into inactive space instead.
        </p>
      )}
      {suggestion && 'ranges' in suggestion && onApply && (
        <div className="mt-2 flex flex-wrap items-center gap-2">
          <span className="text-xs">
            Suggested layout ({suggestion.strategy === 'room-to-grow' ? 'room to grow' : 'split bucket'}): same shares, nobody switches between active buckets.
          </span>
          <AllocationBar ranges={toBar(suggestion.ranges)} label="Suggested" compact />
          <button type="button" className={buttonClass} onClick={() => onApply(suggestion.ranges)}>
            Apply suggested layout
          </button>
        </div>
      )}
      {suggestion && 'error' in suggestion && <p className="mt-2 text-xs text-slate-700 dark:text-slate-300">No drift-free layout reaches these shares: {suggestion.error}</p>}
    </div>
  );
}
