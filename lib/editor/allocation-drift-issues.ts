/**
 * The editor's drift check: which allocation each edited allocation was before, and a warning (counted with the other
 * problems) for each allocation of a running test whose change would move users from one active bucket to another.
 */
import { allocationDrift, type Allocation, type Range, type TestDefinition, type ValidationIssue } from '../proctor';
import { rangeSum } from './definition-edits';

/** The ranges allocation `index` had in `base`: matched by id when it has one, else by position. */
export function rangesBefore(base: TestDefinition | null, allocation: Allocation, index: number): Range[] | null {
  if (!base) return null;
  const match = allocation.id ? base.allocations.find((b) => b.id === allocation.id) : base.allocations[index];
  return match ? match.ranges : null;
}

/** An allocation whose shares add up to 100% (the tolerance the form's sum display uses). */
export function sumsToWhole(ranges: readonly Range[]): boolean {
  const sum = rangeSum(ranges);
  return sum >= 0.9999 && sum <= 1.0001;
}

/** Share of the allocation's users that would switch between active buckets (0 when nobody would). */
export function activeDrift(before: Range[], after: Range[]): number {
  const moved = allocationDrift(before, after).movedBetweenActiveBuckets;
  return moved > 1e-9 ? moved : 0;
}

export function driftMessage(fraction: number, formatPercent: (fraction: number) => string): string {
  return `This test is running: ${formatPercent(fraction)} of this allocation's users would switch between active buckets, which skews the results.`;
}

export function allocationDriftIssues(base: TestDefinition | null, def: TestDefinition, running: boolean, formatPercent: (fraction: number) => string): ValidationIssue[] {
  if (!running || !base) return [];
  const issues: ValidationIssue[] = [];
  def.allocations.forEach((allocation, i) => {
    const before = rangesBefore(base, allocation, i);
    const moved = before ? activeDrift(before, allocation.ranges) : 0;
    if (moved > 0) issues.push({ path: `/allocations/${i}/ranges`, severity: 'warning', message: driftMessage(moved, formatPercent) });
  });
  return issues;
}
