'use client';
/**
 * The Results tab (issue #20): per environment and phase, the sample-ratio check, the per-goal tables, the history
 * graph, the settings (editors), the CSV export and "End the test choosing …", which opens the editor with the change
 * prepared (it is saved and promoted like any change).
 */
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { ErrorPanel } from '@/components/error-panel';
import type { Environment } from '@/lib/domain/environment';
import { api, resultsCsvUrl, type PhaseResult, type TestResults } from '@/lib/ui/api';
import type { ApiErrorBody } from '@/lib/ui/api-error';
import { formatConfidence, formatCount, srmMessage } from '@/lib/ui/results-format';
import { ENV_NAMES } from '@/lib/ui/environments';
import { formatDateTime, shortRevision } from '@/lib/ui/format';
import { buttonClass, focusRing, linkClass } from '@/lib/ui/styles';
import { HistoryChart } from './history-chart';
import { ResultsSettingsForm } from './results-settings-form';
import { ResultsTable } from './results-table';

const tabHref = (name: string, env: Environment, phase?: number) => `/tests/${encodeURIComponent(name)}?tab=results&env=${env}${phase === undefined ? '' : `&phase=${phase}`}`;

function SrmBanner({ phase }: { phase: PhaseResult }) {
  const message = srmMessage(phase);
  if (!message) return null;
  const mismatch = message.level === 'mismatch';
  return (
    <div
      role={mismatch ? 'alert' : 'status'}
      data-testid="srm-banner"
      className={`rounded-md border p-3 text-sm ${mismatch ? 'border-red-400 bg-red-50 text-red-950 dark:border-red-700 dark:bg-red-950 dark:text-red-50' : 'border-amber-400 bg-amber-50 text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-50'}`}
    >
      <p className="font-semibold">{mismatch ? 'Sample-ratio mismatch: the traffic split is not what the allocation says' : 'The traffic split looks a little off'}</p>
      <p className="mt-1">{message.text}</p>
      <p className="mt-1">{message.advice}</p>
    </div>
  );
}

function PhaseNav({ results, name, current }: { results: TestResults; name: string; current: PhaseResult }) {
  if (results.phases.length < 2 && !current.startedBy) return null;
  return (
    <nav aria-label="Phases" className="text-sm">
      <p className="mb-1 text-slate-600 dark:text-slate-400">The results are split into phases at each change of the allocation that moved users between buckets.</p>
      <ul className="flex flex-wrap gap-2">
        {results.phases.map((p) => (
          <li key={p.index}>
            <Link
              href={tabHref(name, results.environment as Environment, p.index)}
              aria-current={p.index === current.index ? 'page' : undefined}
              className={`block rounded-md border px-2 py-1 ${p.index === current.index ? 'border-blue-700 bg-blue-50 font-semibold dark:border-blue-300 dark:bg-blue-950' : 'border-slate-300 dark:border-slate-600'} ${focusRing}`}
            >
              Phase {p.index + 1}: {p.startedAt ? formatDateTime(p.startedAt).slice(0, 10) : 'start'} – {p.endedAt ? formatDateTime(p.endedAt).slice(0, 10) : 'now'}
              {p.startedBy && (
                <span className="block text-xs font-normal">
                  revision <code>{shortRevision(p.startedBy.revision)}</code>
                  {p.startedBy.issueKey ? ` · ${p.startedBy.issueKey}` : ''}
                </span>
              )}
            </Link>
          </li>
        ))}
      </ul>
      {current.revisions.length > 1 && (
        <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">
          This phase continued through {current.revisions.length - 1} later revision{current.revisions.length === 2 ? '' : 's'} that moved nobody between buckets (
          {current.revisions
            .slice(1)
            .map((r) => `${shortRevision(r.revision)}${r.issueKey ? ` ${r.issueKey}` : ''}`)
            .join(', ')}
          ).
        </p>
      )}
    </nav>
  );
}

export function ResultsPanel({ testName, environment, phase, canEdit, buckets }: { testName: string; environment: Environment; phase: number | undefined; canEdit: boolean; buckets: { name: string; value: number }[] }) {
  const [results, setResults] = useState<TestResults | null>(null);
  const [error, setError] = useState<ApiErrorBody | null>(null);
  const [reload, setReload] = useState(0);
  useEffect(() => {
    let live = true;
    // All phases (the phase navigation lists them); the one shown is picked here.
    api.tests.results(testName, { environment }).then(
      (r) => live && (setResults(r), setError(null)),
      (e: ApiErrorBody) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [testName, environment, reload]);

  const current = results ? (results.phases.find((p) => p.index === phase) ?? results.phases.at(-1)) : undefined;
  const outside = current ? current.fallback.exposedUnits + current.inactive.exposedUnits : 0;
  const hasData = !!results?.phases.some((p) => p.arms.some((a) => a.exposedUnits > 0));
  return (
    <div className="space-y-5" data-testid="results-panel">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <nav aria-label="Environment" className="flex flex-wrap gap-1 text-sm">
          {ENV_NAMES.map((env) => (
            <Link key={env} href={tabHref(testName, env)} aria-current={env === environment ? 'page' : undefined} className={`${buttonClass} ${env === environment ? '!border-blue-700 !bg-blue-50 dark:!border-blue-300 dark:!bg-blue-950' : ''}`}>
              {env}
            </Link>
          ))}
        </nav>
        <a href={resultsCsvUrl(testName, environment)} className={linkClass} download>
          Download the results as CSV
        </a>
      </div>
      {error && <ErrorPanel error={error} title="The results could not be read" />}
      {!error && !results && <p className="text-sm">Loading the results…</p>}
      {results && !current && (
        <p className="rounded-md border border-slate-200 p-3 text-sm dark:border-slate-700" data-testid="results-empty">
          No exposures recorded for {testName} in {environment} yet. Results appear once applications log exposures with the client (activate / track).
        </p>
      )}
      {results && current && (
        <>
          <p className="text-sm text-slate-700 dark:text-slate-300">
            {formatConfidence(results.alpha)} intervals, significance at α = {results.alpha}
            {results.correction === 'holm' ? ', Holm correction over the test buckets' : ''}
            {results.mode === 'sequential' ? `, sequential (safe to look at any time; tuned for about ${formatCount(results.sequentialN)} units)` : ', fixed sample (decide once, at the planned size)'}. Control: <strong className="font-mono">{results.control.name}</strong>.
          </p>
          <PhaseNav results={results} name={testName} current={current} />
          <SrmBanner phase={current} />
          {!current.enoughData.ok && (
            <p role="status" className="rounded-md border border-amber-400 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-50" data-testid="not-enough-data">
              <strong>Not enough data yet</strong> to call a winner{current.enoughData.reason ? `: ${current.enoughData.reason.replace(/\.$/, '')}` : ''}. Take the figures below with a grain of salt.
            </p>
          )}
          {results.goals.length === 0 && <p className="text-sm">No goal has been tracked for this test yet: only exposures are counted.</p>}
          {results.goals.map((goal) => (
            <ResultsTable key={goal.name} results={results} phase={current} goal={goal} />
          ))}
          <p className="text-sm text-slate-700 dark:text-slate-300" data-testid="fallback-units">
            Outside the comparison: {formatCount(outside)} unit{outside === 1 ? '' : 's'} exposed but not in the test (the inactive bucket, the fallback, or a bucket that is no longer allocated).
          </p>
          {canEdit && (
            <section aria-labelledby="decide-heading" className="space-y-2">
              <h3 id="decide-heading" className="text-lg font-semibold">
                Decide
              </h3>
              <p className="text-sm text-slate-700 dark:text-slate-300">
                Ending the test gives one bucket all the traffic, without moving anybody already in it. The change opens in the editor, prepared; you save it under a ProTest issue and promote it through qa to production like any change.
              </p>
              <ul className="flex flex-wrap gap-2">
                {current.arms.map((arm) => (
                  <li key={arm.bucket}>
                    <Link href={`/tests/${encodeURIComponent(testName)}/edit?endChoosing=${encodeURIComponent(arm.name)}&from=${environment}`} className={buttonClass}>
                      End the test choosing {arm.name}
                    </Link>
                  </li>
                ))}
              </ul>
            </section>
          )}
          <HistoryChart testName={testName} environment={environment} goals={results.goals} />
          {canEdit && (
            <ResultsSettingsForm
              testName={testName}
              results={results}
              buckets={buckets}
              locked={hasData}
              onSaved={() => setReload((n) => n + 1)}
            />
          )}
        </>
      )}
    </div>
  );
}
