/**
 * The results as CSV (issue #20 "results export as CSV"): one line per phase, arm and goal, with the comparison
 * against control on the arm's line. Text cells that a spreadsheet would run as a formula are prefixed with '.
 */
import type { TestResultsView } from '@/lib/stats';

const HEADER = [
  'phase', 'phase_started_at', 'bucket', 'bucket_name', 'is_control', 'expected_share', 'exposed_units', 'goal', 'goal_kind',
  'converting_units', 'count', 'sum', 'mean', 'mean_low', 'mean_high',
  'absolute_lift', 'absolute_low', 'absolute_high', 'relative_lift', 'relative_low', 'relative_high', 'p_value', 'adjusted_p_value', 'verdict',
  'srm_level', 'srm_p_value', 'alpha', 'correction', 'mode',
];

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function resultsCsv(results: TestResultsView): string {
  const lines = [HEADER.join(',')];
  for (const phase of results.phases) {
    for (const arm of phase.arms) {
      for (const goal of results.goals) {
        const g = arm.goals[goal.name];
        const c = phase.comparisons.find((x) => x.goal === goal.name && x.bucket === arm.bucket);
        lines.push(
          [
            phase.index, phase.startedAt, arm.bucket, arm.name, arm.bucket === results.control.bucket, arm.expectedShare, arm.exposedUnits, goal.name, goal.kind,
            g?.units, g?.count, g?.sum, g?.mean, g?.interval?.[0], g?.interval?.[1],
            c?.absoluteLift?.estimate, c?.absoluteLift?.interval?.[0], c?.absoluteLift?.interval?.[1],
            c?.relativeLift?.estimate, c?.relativeLift?.interval?.[0], c?.relativeLift?.interval?.[1], c?.pValue, c?.adjustedPValue, c?.verdict,
            phase.srm.level, phase.srm.pValue, results.alpha, results.correction, results.mode,
          ].map(cell).join(','),
        );
      }
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
