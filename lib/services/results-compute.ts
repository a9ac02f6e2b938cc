/**
 * Results of one test in one environment from its aggregate rows (lib/events/read-results.ts) and its timeline
 * (./results-phases.ts): per phase the arms (active buckets), their per-goal rates/means with intervals, the
 * comparisons against control, the sample-ratio check against the configured shares, and the minimum-data rule.
 * Pure: the statistics are lib/stats'.
 */
import type { ArmResult, GoalTotals } from '@/lib/events/read-results';
import { exposureKind } from '@/lib/events/earlier-exposures';
import { bucketShares, INACTIVE_BUCKET, rangeIntervals } from '@/lib/proctor/allocation-drift';
import type { Allocation, TestDefinition } from '@/lib/proctor/model';
import {
  binaryMoments,
  compareArms,
  enoughData,
  estimateArm,
  holmAdjust,
  sampleRatioCheck,
  valueMoments,
  verdictOf,
  type ArmView,
  type ComparisonView,
  type GoalKind,
  type Moments,
  type PhaseView,
  type ResultsHealth,
  type StatsOptions,
} from '@/lib/stats';
import type { Correction } from '@/lib/stats/results-view';
import type { TestTimeline, TimelinePhase, TimelineRevision } from './results-phases';

export interface ResultsSettingsValues {
  alpha: number;
  correction: Correction;
  mode: 'fixed' | 'sequential';
  controlBucket: number;
  sequentialN: number;
}

export const DEFAULT_RESULTS_SETTINGS: ResultsSettingsValues = { alpha: 0.05, correction: 'none', mode: 'fixed', controlBucket: 0, sequentialN: 5000 };

const emptyTotals = (): GoalTotals => ({ units: 0, count: 0, sum: 0, unitSumSquares: 0 });

function addTotals(into: GoalTotals, more: GoalTotals): void {
  into.units += more.units;
  into.count += more.count;
  into.sum += more.sum;
  into.unitSumSquares += more.unitSumSquares;
}

/**
 * Binary goal when every unit's value is 1 (count = sum = Σ squares = converting units): the aggregates do not carry
 * the `unique` flag, and a counting goal whose units each converted once with value 1 has the same statistics anyway.
 */
export function goalKinds(rows: ArmResult[]): Array<{ name: string; kind: GoalKind }> {
  const totals = new Map<string, GoalTotals>();
  for (const row of rows) {
    for (const [goal, t] of Object.entries(row.goals)) {
      if (!totals.has(goal)) totals.set(goal, emptyTotals());
      addTotals(totals.get(goal)!, t);
    }
  }
  return [...totals.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, t]) => ({ name, kind: t.count === t.units && t.sum === t.units && t.unitSumSquares === t.units ? 'binary' : 'count' }));
}

export function momentsOf(kind: GoalKind, exposedUnits: number, totals: GoalTotals | undefined): Moments {
  const t = totals ?? emptyTotals();
  return kind === 'binary' ? binaryMoments(exposedUnits, t.units) : valueMoments(exposedUnits, t.sum, t.unitSumSquares);
}

/** Conversions of a goal for the minimum-data rule: converting units (binary) or events (count). */
const conversionsOf = (kind: GoalKind, t: GoalTotals) => (kind === 'binary' ? t.units : t.count);

/** The phase a row is counted in: its version's revision's, or the last phase when the version is unknown here. */
export function revisionOfRow(timeline: TestTimeline, row: Pick<ArmResult, 'definitionVersion'>): TimelineRevision | null {
  return timeline.byVersion.get(row.definitionVersion) ?? timeline.revisions[timeline.revisions.length - 1] ?? null;
}

export function phaseOfRow(timeline: TestTimeline, row: Pick<ArmResult, 'definitionVersion'>): number {
  return revisionOfRow(timeline, row)?.phase ?? 0;
}

/** A row as counted in its phase: `joinedFrom` names the phase's revisions whose inactive range held its units before. */
export type PhaseRow = ArmResult & { joinedFrom: string[] };

/**
 * The rows of each phase, each unit counted once per phase. A phase spans revisions that moved nobody between active
 * buckets, and exposure is first-wins per revision, so a unit can have a row under several of them; each row knows the
 * unit's earlier exposures (lib/events/earlier-exposures.ts). A unit counts in the arm of its first exposure to an arm
 * in the phase (a unit that was inactive and joined an arm that grew counts in that arm, from the inactive bucket's
 * figures too); an exposure to the inactive bucket or the fallback counts only when it is the unit's first in the phase.
 */
export function rowsByPhase(timeline: TestTimeline, rows: ArmResult[]): Map<number, PhaseRow[]> {
  const byPhase = new Map<number, PhaseRow[]>();
  for (const row of rows) {
    const phase = phaseOfRow(timeline, row);
    const before = row.earlier.filter((e) => phaseOfRow(timeline, e) === phase);
    const arm = exposureKind(row.bucket, row.fallback) === 'arm';
    if (before.length > 0 && (!arm || before.some((e) => e.kind === 'arm'))) continue;
    if (!byPhase.has(phase)) byPhase.set(phase, []);
    byPhase.get(phase)!.push({ ...row, joinedFrom: before.filter((e) => e.kind === 'inactive').map((e) => e.definitionVersion).sort() });
  }
  return byPhase;
}

/** Active buckets of the phase's revisions (latest name wins), by value. */
export function armsOf(definitions: TestDefinition[]): Array<{ bucket: number; name: string }> {
  const names = new Map<number, string>();
  for (const d of definitions) for (const b of d.buckets) if (b.value !== INACTIVE_BUCKET) names.set(b.value, b.name);
  return [...names.entries()].sort(([a], [b]) => a - b).map(([bucket, name]) => ({ bucket, name }));
}

export function controlOf(arms: Array<{ bucket: number; name: string }>, wanted: number): { bucket: number; name: string } {
  return arms.find((a) => a.bucket === wanted) ?? arms.find((a) => a.bucket === 0) ?? arms[0] ?? { bucket: wanted, name: '' };
}

/**
 * The position in its revision of the allocation a row fell in: by its id, or the only allocation when the client
 * named none (-1: unknown).
 */
function allocationIndexOf(revision: TimelineRevision | null, allocationId: string): number {
  const allocations = revision?.definition.allocations ?? [];
  const index = allocations.findIndex((a) => a.id && a.id === allocationId);
  return index >= 0 ? index : allocations.length === 1 ? 0 : -1;
}

/**
 * Share of all users per bucket among the units a group can hold: the allocation's ranges, or, for units that joined
 * from the inactive range of earlier revisions of the phase, the part of the ranges inside all those inactive ranges
 * (a room-to-grow change gives joiners the arms that grew, in those proportions). Null when an allocation is unknown.
 */
function groupShares(timeline: TestTimeline, revision: TimelineRevision | null, allocationId: string, joinedFrom: string[]): Map<number, number> | null {
  const index = allocationIndexOf(revision, allocationId);
  if (index < 0) return null;
  const allocation = revision!.definition.allocations[index];
  if (joinedFrom.length === 0) return bucketShares(allocation.ranges);
  let region: Array<[number, number]> = [[0, 1]];
  for (const version of joinedFrom) {
    // The same allocation before: by position, as definitionDrift compares them (a ratio change gives it a new id).
    const before: Allocation | undefined = revisionOfRow(timeline, { definitionVersion: version })?.definition.allocations[index];
    if (!before) return null;
    const inactive = rangeIntervals(before.ranges).filter((i) => i.bucket === INACTIVE_BUCKET);
    region = region.flatMap(([start, end]) => inactive.map((i): [number, number] => [Math.max(start, i.start), Math.min(end, i.end)]).filter(([a, b]) => b > a));
  }
  const shares = new Map<number, number>();
  for (const i of rangeIntervals(allocation.ranges)) {
    for (const [start, end] of region) shares.set(i.bucket, (shares.get(i.bucket) ?? 0) + Math.max(0, Math.min(end, i.end) - Math.max(start, i.start)));
  }
  return shares;
}

/**
 * Expected units per arm: Σ over groups of units — (revision, allocation, the revisions they joined from) — of the
 * group's units in the arms × the group's share of each arm (groupShares), renormalised over the arms (inactive ranges
 * and fallback apart). Units whose allocation is not in the revision (no id logged and several allocations) are left
 * out of both sides of the check.
 */
export function expectedCounts(rows: PhaseRow[], arms: number[], timeline: TestTimeline): { observed: Map<number, number>; expected: Map<number, number> } {
  const armSet = new Set(arms);
  const groups = new Map<string, { revision: TimelineRevision | null; allocationId: string; joinedFrom: string[]; units: Map<number, number> }>();
  for (const row of rows) {
    if (row.fallback || !armSet.has(row.bucket) || row.exposedUnits === 0) continue;
    const revision = revisionOfRow(timeline, row);
    const key = JSON.stringify([revision?.revision ?? '', row.allocationId, row.joinedFrom]);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { revision, allocationId: row.allocationId, joinedFrom: row.joinedFrom, units: new Map() }));
    group.units.set(row.bucket, (group.units.get(row.bucket) ?? 0) + row.exposedUnits);
  }
  const observed = new Map(arms.map((b) => [b, 0]));
  const expected = new Map(arms.map((b) => [b, 0]));
  for (const group of groups.values()) {
    const shares = groupShares(timeline, group.revision, group.allocationId, group.joinedFrom);
    if (!shares) continue;
    const armTotal = arms.reduce((s, b) => s + (shares.get(b) ?? 0), 0);
    if (!(armTotal > 1e-12)) continue;
    const n = [...group.units.values()].reduce((s, u) => s + u, 0);
    for (const b of arms) {
      observed.set(b, observed.get(b)! + (group.units.get(b) ?? 0));
      expected.set(b, expected.get(b)! + (n * (shares.get(b) ?? 0)) / armTotal);
    }
  }
  return { observed, expected };
}

export function computePhase(
  phase: TimelinePhase,
  rows: PhaseRow[],
  timeline: TestTimeline,
  goals: Array<{ name: string; kind: GoalKind }>,
  settings: ResultsSettingsValues,
): PhaseView {
  const options: StatsOptions = { alpha: settings.alpha, mode: settings.mode, sequentialN: settings.sequentialN };
  const armList = armsOf(phase.revisions.map((r) => r.definition));
  const armBuckets = armList.map((a) => a.bucket);
  const control = controlOf(armList, settings.controlBucket);
  const perArm = new Map(armBuckets.map((b) => [b, { exposed: 0, goals: new Map<string, GoalTotals>() }]));
  let fallbackUnits = 0;
  let inactiveUnits = 0;
  for (const row of rows) {
    if (row.fallback) {
      fallbackUnits += row.exposedUnits;
      continue;
    }
    const arm = perArm.get(row.bucket);
    if (!arm) {
      inactiveUnits += row.exposedUnits;
      continue;
    }
    arm.exposed += row.exposedUnits;
    for (const [goal, t] of Object.entries(row.goals)) {
      if (!arm.goals.has(goal)) arm.goals.set(goal, emptyTotals());
      addTotals(arm.goals.get(goal)!, t);
    }
  }
  const { observed, expected } = expectedCounts(rows, armBuckets, timeline);
  const expectedTotal = [...expected.values()].reduce((s, e) => s + e, 0);
  const srm = sampleRatioCheck(armBuckets.map((b) => observed.get(b)!), armBuckets.map((b) => expected.get(b)!));
  const arms: ArmView[] = armList.map(({ bucket, name }) => {
    const arm = perArm.get(bucket)!;
    const goalViews: ArmView['goals'] = {};
    for (const { name: goal, kind } of goals) {
      const totals = arm.goals.get(goal) ?? emptyTotals();
      const estimate = estimateArm(momentsOf(kind, arm.exposed, totals), options);
      goalViews[goal] = { units: totals.units, count: totals.count, sum: totals.sum, mean: estimate.mean, interval: estimate.interval };
    }
    return { bucket, name, expectedShare: expectedTotal > 0 ? expected.get(bucket)! / expectedTotal : null, exposedUnits: arm.exposed, goals: goalViews };
  });
  const unitsPerArm = armBuckets.map((b) => perArm.get(b)!.exposed);
  const comparisons: ComparisonView[] = [];
  let mostConversions = 0;
  for (const { name: goal, kind } of goals) {
    const conversions = armBuckets.reduce((s, b) => s + conversionsOf(kind, perArm.get(b)!.goals.get(goal) ?? emptyTotals()), 0);
    mostConversions = Math.max(mostConversions, conversions);
    const enough = enoughData(unitsPerArm, conversions).ok;
    const controlArm = perArm.get(control.bucket);
    if (!controlArm) continue;
    const family = armBuckets
      .filter((b) => b !== control.bucket)
      .map((b) => ({ bucket: b, result: compareArms(momentsOf(kind, controlArm.exposed, controlArm.goals.get(goal)), momentsOf(kind, perArm.get(b)!.exposed, perArm.get(b)!.goals.get(goal)), options) }));
    const raw = family.map((f) => f.result.pValue);
    const adjusted = settings.correction === 'holm' ? holmAdjust(raw) : raw;
    family.forEach((f, i) => {
      comparisons.push({
        goal,
        bucket: f.bucket,
        absoluteLift: f.result.absoluteLift,
        relativeLift: f.result.relativeLift,
        pValue: f.result.pValue,
        adjustedPValue: adjusted[i],
        verdict: verdictOf(enough, f.result.absoluteLift?.estimate ?? null, adjusted[i], settings.alpha),
      });
    });
  }
  const srmObserved: Record<string, number> = {};
  const srmExpected: Record<string, number> = {};
  for (const b of armBuckets) {
    srmObserved[b] = observed.get(b)!;
    srmExpected[b] = expected.get(b)!;
  }
  return {
    index: phase.index,
    startedAt: phase.startedAt.toISOString(),
    endedAt: phase.endedAt ? phase.endedAt.toISOString() : null,
    startedBy: phase.startedBy,
    revisions: phase.revisions.map((r) => ({ definitionVersion: r.definitionVersion, revision: r.revision, issueKey: r.issueKey, at: r.at.toISOString() })),
    arms,
    fallback: { exposedUnits: fallbackUnits },
    inactive: { exposedUnits: inactiveUnits },
    srm: { level: srm.level, chiSquare: srm.chiSquare, pValue: srm.pValue, observed: srmObserved, expected: srmExpected },
    enoughData: enoughData(unitsPerArm, mostConversions),
    comparisons,
  };
}

export function healthOf(phase: PhaseView | undefined): ResultsHealth {
  if (!phase) return 'no-data';
  const units = phase.arms.reduce((s, a) => s + a.exposedUnits, 0) + phase.fallback.exposedUnits + phase.inactive.exposedUnits;
  if (units === 0) return 'no-data';
  if (phase.srm.level === 'mismatch') return 'srm';
  if (!phase.enoughData.ok) return 'not-enough-data';
  if (phase.comparisons.some((c) => c.verdict === 'better' || c.verdict === 'worse')) return 'significant';
  return 'ok';
}
