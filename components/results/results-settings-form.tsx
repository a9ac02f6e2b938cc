'use client';
/**
 * How a test's results are computed (editors): α (used for every interval and verdict), Holm correction, the control
 * bucket, and fixed or sequential mode. The mode is locked once the test has data: switching after peeking would make
 * the sequential guarantee meaningless (the server refuses it too).
 */
import { useEffect, useState } from 'react';
import { ErrorPanel } from '@/components/error-panel';
import { api, type TestResults } from '@/lib/ui/api';
import type { ApiErrorBody } from '@/lib/ui/api-error';
import { buttonClass, inputClass, primaryButtonClass } from '@/lib/ui/styles';

export function ResultsSettingsForm({ testName, results, buckets, locked, onSaved }: { testName: string; results: TestResults; buckets: { name: string; value: number }[]; locked: boolean; onSaved: () => void }) {
  const [alpha, setAlpha] = useState(String(results.alpha));
  const [holm, setHolm] = useState(results.correction === 'holm');
  const [mode, setMode] = useState(results.mode);
  const [sequentialN, setSequentialN] = useState(String(results.sequentialN));
  const [control, setControl] = useState(String(results.control.bucket));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiErrorBody | null>(null);
  const [saved, setSaved] = useState(false);
  const active = buckets.filter((b) => b.value !== -1);
  // The server's word on the lock (environments with data); until it answers, the results' own data decide.
  const [lockedBy, setLockedBy] = useState<string[] | null>(null);
  useEffect(() => {
    let live = true;
    api.tests.resultsSettings(testName).then(
      (s) => live && setLockedBy(s.modeLockedBy),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [testName]);
  const modeLocked = lockedBy ? lockedBy.length > 0 : locked;
  const save = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await api.tests.saveResultsSettings(testName, { alpha: Number(alpha), correction: holm ? 'holm' : 'none', mode, sequentialN: Number(sequentialN), controlBucket: Number(control) });
      setSaved(true);
      onSaved();
    } catch (e) {
      setError(e as ApiErrorBody);
    } finally {
      setBusy(false);
    }
  };
  return (
    <details className="rounded-lg border border-slate-200 p-3 dark:border-slate-700">
      <summary className="cursor-pointer font-semibold">How the results are computed (settings)</summary>
      <form className="mt-3 grid gap-3 text-sm sm:grid-cols-2" onSubmit={(e) => void save(e)}>
        <label className="block">
          Significance level α
          <select className={`${inputClass} mt-1 block w-full`} value={alpha} onChange={(e) => setAlpha(e.target.value)}>
            {['0.01', '0.05', '0.1'].map((a) => (
              <option key={a} value={a}>
                {a} ({Math.round((1 - Number(a)) * 100)}% intervals)
              </option>
            ))}
          </select>
        </label>
        <label className="block">
          Control bucket
          <select className={`${inputClass} mt-1 block w-full`} value={control} onChange={(e) => setControl(e.target.value)}>
            {active.map((b) => (
              <option key={b.value} value={b.value}>
                {b.name}
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-start gap-2 sm:col-span-2">
          <input type="checkbox" className="mt-1" checked={holm} onChange={(e) => setHolm(e.target.checked)} />
          <span>Holm correction: with more than one test bucket, keep the chance of any false winner at α.</span>
        </label>
        <fieldset className="sm:col-span-2" disabled={modeLocked} aria-describedby="mode-lock">
          <legend>Mode</legend>
          <label className="mr-4 inline-flex items-center gap-1">
            <input type="radio" name="mode" checked={mode === 'fixed'} onChange={() => setMode('fixed')} /> Fixed sample
          </label>
          <label className="inline-flex items-center gap-1">
            <input type="radio" name="mode" checked={mode === 'sequential'} onChange={() => setMode('sequential')} /> Sequential (safe to peek)
          </label>
          {mode === 'sequential' && (
            <label className="ml-4 inline-flex items-center gap-1">
              tuned for
              <input className={`${inputClass} w-24`} inputMode="numeric" value={sequentialN} onChange={(e) => setSequentialN(e.target.value)} /> units
            </label>
          )}
          <p id="mode-lock" className="mt-1 text-xs text-slate-600 dark:text-slate-400">
            {modeLocked
              ? `The mode is locked: this test has data already${lockedBy?.length ? ` (${lockedBy.join(', ')})` : ''}, and changing the mode after looking at the results would make its error rates meaningless.`
              : 'Choose before the test gets data: the mode locks once exposures arrive.'}
          </p>
        </fieldset>
        <div className="flex items-center gap-2 sm:col-span-2">
          <button type="submit" className={primaryButtonClass} disabled={busy}>
            Save settings
          </button>
          <button type="reset" className={buttonClass} onClick={() => { setAlpha(String(results.alpha)); setHolm(results.correction === 'holm'); setMode(results.mode); setControl(String(results.control.bucket)); }}>
            Reset
          </button>
          {saved && <span role="status">Saved; the results use the new settings.</span>}
        </div>
        {error && (
          <div className="sm:col-span-2">
            <ErrorPanel error={error} title="The settings were not saved" />
          </div>
        )}
      </form>
    </details>
  );
}
