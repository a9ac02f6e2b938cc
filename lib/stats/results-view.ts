/**
 * The shapes of the results API (issue #20), shared by the server (lib/services/read-results.ts) and the pages.
 * GET /api/v1/tests/{name}/results, …/results/history, /api/v1/results-health, …/results/settings, …/conclusion.
 * Numbers that cannot be estimated honestly are null (never NaN); intervals are [low, high] at level 1 − α.
 */
import type { Interval } from './compare-arms';
import type { SrmLevel } from './sample-ratio';
import type { Verdict } from './verdict';

export type GoalKind = 'binary' | 'count';
export type Correction = 'none' | 'holm';
export type StatsMode = 'fixed' | 'sequential';
export type ResultsHealth = 'srm' | 'not-enough-data' | 'significant' | 'ok' | 'no-data';

export interface ResultsSettingsView {
  testName: string;
  alpha: number;
  correction: Correction;
  mode: StatsMode;
  controlBucket: number;
  sequentialN: number;
  /** Environments where the test has data: the mode cannot change any more when non-empty. */
  modeLockedBy: string[];
  updatedAt: string | null;
  updatedBy: string | null;
}

export interface PhaseRevision {
  definitionVersion: string;
  /** The commit on the environment's branch. */
  revision: string;
  issueKey: string | null;
  at: string;
}

export interface ArmGoalView {
  /** Units that converted at least once. */
  units: number;
  count: number;
  sum: number;
  /** Rate (binary) or per-unit mean of the unit's sum (count/value), over exposed units. */
  mean: number | null;
  interval: Interval | null;
}

export interface ArmView {
  bucket: number;
  name: string;
  /** Configured share among the arms, from the allocations live when the units were exposed. */
  expectedShare: number | null;
  exposedUnits: number;
  goals: Record<string, ArmGoalView>;
}

export interface SrmView {
  level: SrmLevel;
  chiSquare: number | null;
  pValue: number | null;
  observed: Record<string, number>;
  expected: Record<string, number>;
}

export interface LiftView {
  estimate: number;
  interval: Interval | null;
}

export interface ComparisonView {
  goal: string;
  bucket: number;
  absoluteLift: LiftView | null;
  relativeLift: LiftView | null;
  pValue: number | null;
  /** Holm-adjusted when correction is 'holm'; equal to pValue otherwise. */
  adjustedPValue: number | null;
  verdict: Verdict;
}

export interface PhaseView {
  index: number;
  startedAt: string | null;
  endedAt: string | null;
  /** The revision whose allocation change moved users between active buckets; null for the first phase. */
  startedBy: { definitionVersion: string; revision: string; issueKey: string | null; movedShare: number } | null;
  revisions: PhaseRevision[];
  arms: ArmView[];
  fallback: { exposedUnits: number };
  /** Units logged in a bucket that is not an arm (the inactive bucket, or one removed from the definition). */
  inactive: { exposedUnits: number };
  srm: SrmView;
  enoughData: { ok: boolean; reason: string | null };
  comparisons: ComparisonView[];
}

export interface TestResultsView {
  testName: string;
  environment: string;
  control: { bucket: number; name: string };
  alpha: number;
  correction: Correction;
  mode: StatsMode;
  sequentialN: number;
  goals: Array<{ name: string; kind: GoalKind }>;
  phases: PhaseView[];
  /** Of the current (last) phase. */
  health: ResultsHealth;
}

export interface HistoryPoint {
  /** The phase the point belongs to (cumulative figures restart at each phase). */
  phase: number;
  /** The day (UTC, YYYY-MM-DD) the units were exposed. */
  day: string;
  exposedUnits: number;
  cumulativeUnits: number;
  mean: number | null;
  interval: Interval | null;
  /** Against control, cumulative to this day; null for control itself. */
  lift: LiftView | null;
}

export interface ResultsHistoryView {
  testName: string;
  environment: string;
  goal: string;
  kind: GoalKind;
  alpha: number;
  mode: StatsMode;
  control: { bucket: number; name: string };
  /** Cumulative figures restart at each phase boundary. */
  buckets: Array<{ bucket: number; name: string; points: HistoryPoint[] }>;
  phaseBoundaries: Array<{ index: number; at: string; definitionVersion: string; revision: string; issueKey: string | null }>;
}

export interface ResultsHealthView {
  tests: Array<{ testName: string; environment: string; health: ResultsHealth }>;
}

export interface ConclusionView {
  testName: string;
  hypothesis: string;
  result: string;
  decision: string;
  /** Save against this (0 = none yet); a stale one is a 409. */
  revision: number;
  updatedAt: string | null;
  updatedBy: string | null;
}
