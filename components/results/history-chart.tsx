'use client';
/**
 * The history graph (issue #20, GAE/Bingo's "wait for the results to stabilise"): per bucket over time the units
 * exposed each day, the cumulative rate or mean with its interval band, and the lift against control with its band;
 * phase boundaries marked with the revision and issue that started them. Colours come from the app's CSS variables
 * (light and dark); recharts' accessibility layer makes the charts keyboard-readable and a table says the same in text.
 */
import { useEffect, useMemo, useState } from 'react';
import { Area, Bar, CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ErrorPanel } from '@/components/error-panel';
import { api, type ResultsHistory } from '@/lib/ui/api';
import type { ApiErrorBody } from '@/lib/ui/api-error';
import { boundaryDay, historyChartData, type HistoryRow, type HistorySeries } from '@/lib/ui/history-chart-data';
import { formatCount, formatRelativeLift, formatValue, formatValueInterval } from '@/lib/ui/results-format';
import { inputClass } from '@/lib/ui/styles';
import type { Environment } from '@/lib/domain/environment';

const PALETTE = ['var(--chart-1)', 'var(--chart-2)', 'var(--chart-3)', 'var(--chart-4)', 'var(--chart-5)'];
const AXIS = { stroke: 'var(--chart-grid)', tick: { fill: 'var(--chart-text)', fontSize: 12 } };
const TOOLTIP = { contentStyle: { background: 'var(--chart-surface)', borderColor: 'var(--chart-grid)', color: 'var(--chart-text)' }, labelStyle: { color: 'var(--chart-text)' } };

function colorOf(series: HistorySeries[], s: HistorySeries): string {
  return s.isControl ? 'var(--chart-control)' : PALETTE[series.filter((x) => !x.isControl).indexOf(s) % PALETTE.length];
}

function Boundaries({ rows, history }: { rows: HistoryRow[]; history: ResultsHistory }) {
  return history.phaseBoundaries.map((b) => {
    const day = boundaryDay(rows, b.at);
    return day ? (
      <ReferenceLine
        key={`${b.index}-${b.at}`}
        x={day}
        stroke="var(--chart-boundary)"
        strokeDasharray="4 3"
        label={{ value: `Phase ${b.index + 1}: ${b.revision.slice(0, 7)}${b.issueKey ? ` ${b.issueKey}` : ''}`, position: 'insideTopLeft', fill: 'var(--chart-boundary)', fontSize: 11 }}
      />
    ) : null;
  });
}

function ChartFrame({ title, id, children }: { title: string; id: string; children: React.ReactElement }) {
  return (
    <figure className="min-w-0" aria-labelledby={id}>
      <figcaption id={id} className="mb-1 text-sm font-medium">
        {title}
      </figcaption>
      <div className="h-64 w-full">
        <ResponsiveContainer width="100%" height="100%">
          {children}
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

export function HistoryChart({ testName, environment, goals }: { testName: string; environment: Environment; goals: { name: string; kind: 'binary' | 'count' }[] }) {
  const [goal, setGoal] = useState(goals[0]?.name ?? '');
  const [history, setHistory] = useState<ResultsHistory | null>(null);
  const [error, setError] = useState<ApiErrorBody | null>(null);
  useEffect(() => {
    if (!goal) return;
    let live = true;
    api.tests.resultsHistory(testName, { environment, goal }).then(
      (h) => live && (setHistory(h), setError(null)),
      (e: ApiErrorBody) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [testName, environment, goal]);
  const data = useMemo(() => (history ? historyChartData(history) : null), [history]);
  const kind = goals.find((g) => g.name === goal)?.kind ?? 'binary';
  const valueTick = (v: number) => formatValue(v, kind);
  const liftTick = (v: number) => formatRelativeLift(v, null);

  return (
    <section aria-labelledby="history-heading" className="space-y-3" data-testid="results-history">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 id="history-heading" className="text-lg font-semibold">
          History
        </h3>
        {goals.length > 1 && (
          <label className="text-sm">
            Goal{' '}
            <select className={inputClass} value={goal} onChange={(e) => setGoal(e.target.value)}>
              {goals.map((g) => (
                <option key={g.name}>{g.name}</option>
              ))}
            </select>
          </label>
        )}
      </div>
      <p className="text-sm text-slate-600 dark:text-slate-400">Results move a lot in the first days; wait until the lines settle before deciding. Dashed purple lines mark where a new phase began.</p>
      {error && <ErrorPanel error={error} title="The history could not be read" />}
      {!error && !data && <p className="text-sm">Loading the history…</p>}
      {data && data.rows.length === 0 && <p className="text-sm">No exposures recorded yet in {environment}.</p>}
      {data && history && data.rows.length > 0 && (
        <>
          <div className="grid gap-6 xl:grid-cols-3">
            <ChartFrame id="chart-units" title="Units exposed per day">
              <ComposedChart data={data.rows} accessibilityLayer margin={{ top: 16, right: 8, left: 0, bottom: 0 }}>
                <CartesianGrid stroke="var(--chart-grid)" strokeDasharray="3 3" />
                <XAxis dataKey="day" {...AXIS} tickFormatter={(d: string) => d.slice(5)} minTickGap={16} />
                <YAxis {...AXIS} tickFormatter={(v: number) => formatCount(v)} width={56} />
                <Tooltip {...TOOLTIP} />
                <Legend wrapperStyle={{ color: 'var(--chart-text)', fontSize: 12 }} />
                {data.series.map((s) => (
                  <Bar key={s.key} dataKey={`${s.key}_units`} name={s.name} fill={colorOf(data.series, s)} isAnimationActive={false} />
                ))}
                {Boundaries({ rows: data.rows, history })}
              </ComposedChart>
            </ChartFrame>
            <ChartFrame id="chart-value" title={kind === 'binary' ? `Cumulative conversion rate (${goal})` : `Cumulative mean per unit (${goal})`}>
              <ComposedChart data={data.rows} accessibilityLayer margin={{ top: 16, right: 8, left: 0, bottom: 0 }}>
                <CartesianGrid stroke="var(--chart-grid)" strokeDasharray="3 3" />
                <XAxis dataKey="day" {...AXIS} tickFormatter={(d: string) => d.slice(5)} minTickGap={16} />
                <YAxis {...AXIS} tickFormatter={valueTick} width={56} domain={['auto', 'auto']} />
                <Tooltip {...TOOLTIP} formatter={(v) => (Array.isArray(v) ? `${valueTick(Number(v[0]))} to ${valueTick(Number(v[1]))}` : valueTick(Number(v)))} />
                <Legend wrapperStyle={{ color: 'var(--chart-text)', fontSize: 12 }} />
                {data.series.map((s) => (
                  <Area key={`${s.key}-band`} dataKey={`${s.key}_band`} name={`${s.name} interval`} legendType="none" stroke="none" fill={colorOf(data.series, s)} fillOpacity={0.15} isAnimationActive={false} connectNulls />
                ))}
                {data.series.map((s) => (
                  <Line key={s.key} dataKey={`${s.key}_value`} name={s.name} stroke={colorOf(data.series, s)} strokeWidth={2} strokeDasharray={s.isControl ? '6 3' : undefined} dot={false} isAnimationActive={false} connectNulls />
                ))}
                {Boundaries({ rows: data.rows, history })}
              </ComposedChart>
            </ChartFrame>
            <ChartFrame id="chart-lift" title={`Relative lift against ${history.control.name}`}>
              <ComposedChart data={data.rows} accessibilityLayer margin={{ top: 16, right: 8, left: 0, bottom: 0 }}>
                <CartesianGrid stroke="var(--chart-grid)" strokeDasharray="3 3" />
                <XAxis dataKey="day" {...AXIS} tickFormatter={(d: string) => d.slice(5)} minTickGap={16} />
                <YAxis {...AXIS} tickFormatter={liftTick} width={64} domain={['auto', 'auto']} />
                <Tooltip {...TOOLTIP} formatter={(v) => (Array.isArray(v) ? `${liftTick(Number(v[0]))} to ${liftTick(Number(v[1]))}` : liftTick(Number(v)))} />
                <Legend wrapperStyle={{ color: 'var(--chart-text)', fontSize: 12 }} />
                <ReferenceLine y={0} stroke="var(--chart-control)" />
                {data.series
                  .filter((s) => !s.isControl)
                  .map((s) => (
                    <Area key={`${s.key}-band`} dataKey={`${s.key}_liftBand`} name={`${s.name} interval`} legendType="none" stroke="none" fill={colorOf(data.series, s)} fillOpacity={0.15} isAnimationActive={false} connectNulls />
                  ))}
                {data.series
                  .filter((s) => !s.isControl)
                  .map((s) => (
                    <Line key={s.key} dataKey={`${s.key}_lift`} name={s.name} stroke={colorOf(data.series, s)} strokeWidth={2} dot={false} isAnimationActive={false} connectNulls />
                  ))}
                {Boundaries({ rows: data.rows, history })}
              </ComposedChart>
            </ChartFrame>
          </div>
          <HistoryText history={history} kind={kind} />
        </>
      )}
    </section>
  );
}

/** The graph in words: the latest figures per bucket and the phase boundaries (for screen readers and for copying). */
function HistoryText({ history, kind }: { history: ResultsHistory; kind: 'binary' | 'count' }) {
  return (
    <details className="text-sm" data-testid="history-text">
      <summary className="cursor-pointer">The history as text</summary>
      <div className="mt-2 overflow-x-auto">
        <table className="w-full min-w-[32rem] text-left">
          <caption className="sr-only">Latest cumulative figures per bucket</caption>
          <thead>
            <tr className="text-xs uppercase text-slate-600 dark:text-slate-400">
              <th scope="col" className="py-1 pr-3">Bucket</th>
              <th scope="col" className="py-1 pr-3">Days</th>
              <th scope="col" className="py-1 pr-3">Units so far</th>
              <th scope="col" className="py-1 pr-3">{kind === 'binary' ? 'Rate' : 'Mean'} (interval)</th>
              <th scope="col" className="py-1 pr-3">Lift vs {history.control.name}</th>
            </tr>
          </thead>
          <tbody>
            {history.buckets.map((b) => {
              const last = b.points.at(-1);
              return (
                <tr key={b.bucket} className="border-t border-slate-200 dark:border-slate-700">
                  <th scope="row" className="py-1 pr-3 font-mono font-normal">{b.name}</th>
                  <td className="py-1 pr-3">{b.points.length ? `${b.points[0].day} to ${last!.day}` : '—'}</td>
                  <td className="py-1 pr-3">{last ? formatCount(last.cumulativeUnits) : '—'}</td>
                  <td className="py-1 pr-3">{last?.mean != null ? `${formatValue(last.mean, kind)} (${formatValueInterval(last.interval, kind)})` : '—'}</td>
                  <td className="py-1 pr-3">{b.bucket === history.control.bucket ? 'control' : last?.lift ? formatRelativeLift(last.lift.estimate, last.lift.interval) : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {history.phaseBoundaries.length > 0 && (
          <ul className="mt-2 list-disc pl-5">
            {history.phaseBoundaries.map((b) => (
              <li key={`${b.index}-${b.at}`}>
                Phase {b.index + 1} began {b.at.slice(0, 10)} with revision <code>{b.revision.slice(0, 7)}</code>
                {b.issueKey ? ` (${b.issueKey})` : ''}.
              </li>
            ))}
          </ul>
        )}
      </div>
    </details>
  );
}
