/**
 * One goal's results in a phase: per active bucket its units and rate or mean with the interval, and each test bucket
 * against control (absolute and relative lift, p-value, verdict in words). Below the minimum data the verdict column
 * says so instead (GAE/Bingo's "take these results with a grain of salt").
 */
import type { PhaseResult, TestResults } from '@/lib/ui/api';
import { formatAbsoluteLift, formatCount, formatPValue, formatRelativeLift, formatValue, formatValueInterval, VERDICT_WORDS } from '@/lib/ui/results-format';

const VERDICT_CLASS = {
  better: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100',
  worse: 'bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100',
  inconclusive: 'bg-slate-200 text-slate-900 dark:bg-slate-700 dark:text-slate-100',
  'not-enough-data': 'bg-amber-100 text-amber-950 dark:bg-amber-900 dark:text-amber-100',
} as const;

export function ResultsTable({ results, phase, goal }: { results: TestResults; phase: PhaseResult; goal: { name: string; kind: 'binary' | 'count' } }) {
  const corrected = results.correction === 'holm' && phase.arms.length > 2;
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-700 dark:bg-slate-900">
      <table className="w-full min-w-[52rem] border-collapse text-left text-sm" data-goal={goal.name}>
        <caption className="px-3 pt-2 text-left font-semibold">
          {goal.name} <span className="font-normal text-slate-600 dark:text-slate-400">({goal.kind === 'binary' ? 'share of units converting' : 'mean per unit'})</span>
        </caption>
        <thead className="bg-slate-100 text-xs uppercase text-slate-700 dark:bg-slate-800 dark:text-slate-300">
          <tr>
            <th scope="col" className="px-3 py-2">Bucket</th>
            <th scope="col" className="px-3 py-2 text-right">Units</th>
            <th scope="col" className="px-3 py-2 text-right">{goal.kind === 'binary' ? 'Converted' : 'Total'}</th>
            <th scope="col" className="px-3 py-2">{goal.kind === 'binary' ? 'Rate' : 'Mean'} (interval)</th>
            <th scope="col" className="px-3 py-2">Change vs {results.control.name}</th>
            <th scope="col" className="px-3 py-2">Relative change</th>
            <th scope="col" className="px-3 py-2">{corrected ? 'p (Holm)' : 'p'}</th>
            <th scope="col" className="px-3 py-2">Verdict</th>
          </tr>
        </thead>
        <tbody>
          {phase.arms.map((arm) => {
            const stats = arm.goals[goal.name];
            const isControl = arm.bucket === results.control.bucket;
            const comparison = phase.comparisons.find((c) => c.goal === goal.name && c.bucket === arm.bucket);
            const verdict = !phase.enoughData.ok ? 'not-enough-data' : comparison?.verdict;
            return (
              <tr key={arm.bucket} data-bucket={arm.name} className="border-t border-slate-200 align-top dark:border-slate-700">
                <th scope="row" className="px-3 py-2 font-mono font-semibold">
                  {arm.name}
                  {isControl && <span className="ml-1 font-sans text-xs font-normal text-slate-600 dark:text-slate-400">(control)</span>}
                </th>
                <td className="px-3 py-2 text-right">{formatCount(arm.exposedUnits)}</td>
                <td className="px-3 py-2 text-right">{stats ? formatCount(goal.kind === 'binary' ? stats.units : stats.sum) : '—'}</td>
                <td className="px-3 py-2">
                  {stats && stats.mean !== null && arm.exposedUnits > 0 ? (
                    <>
                      {formatValue(stats.mean, goal.kind)} <span className="text-xs text-slate-600 dark:text-slate-400">({formatValueInterval(stats.interval, goal.kind)})</span>
                    </>
                  ) : (
                    '—'
                  )}
                </td>
                {isControl ? (
                  <td colSpan={4} className="px-3 py-2 text-slate-600 dark:text-slate-400">
                    The baseline the other buckets are compared with.
                  </td>
                ) : (
                  <>
                    <td className="px-3 py-2 whitespace-nowrap">{comparison?.absoluteLift ? formatAbsoluteLift(comparison.absoluteLift.estimate, comparison.absoluteLift.interval, goal.kind) : '—'}</td>
                    <td className="px-3 py-2 whitespace-nowrap">{comparison?.relativeLift ? formatRelativeLift(comparison.relativeLift.estimate, comparison.relativeLift.interval) : '—'}</td>
                    <td className="px-3 py-2 whitespace-nowrap">{comparison ? formatPValue(corrected ? comparison.adjustedPValue : comparison.pValue) : '—'}</td>
                    <td className="px-3 py-2">
                      {verdict ? (
                        <span className={`inline-block rounded px-1.5 py-0.5 text-xs font-medium ${VERDICT_CLASS[verdict]}`} data-verdict={verdict}>
                          {VERDICT_WORDS[verdict]}
                        </span>
                      ) : (
                        '—'
                      )}
                    </td>
                  </>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
