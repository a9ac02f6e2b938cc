/**
 * Results statistics (issue #20): pure functions over per-arm moments, so the server and the browser compute the same
 * numbers. Distribution functions come from stdlib; the numbers are checked against SciPy (test/fixtures/stats-reference.json).
 */
export { binaryMoments, valueMoments, mean, sampleVariance, type Moments } from './moments';
export { estimateArm, compareArms, welchDf, type ArmComparison, type ArmEstimate, type Estimate, type Interval, type StatsOptions } from './compare-arms';
export { holmAdjust } from './holm';
export { sampleRatioCheck, SRM_MISMATCH_P, SRM_WARNING_P, type SrmLevel, type SrmResult } from './sample-ratio';
export { enoughData, MIN_CONVERSIONS, MIN_UNITS_PER_ARM, type EnoughData } from './enough-data';
export { verdictOf, type Verdict } from './verdict';
export { DEFAULT_SEQUENTIAL_N, sequentialRho, sequentialHalfWidth, sequentialPValue } from './sequential';
export type * from './results-view';
