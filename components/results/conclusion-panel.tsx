'use client';
/**
 * The test's written conclusion (hypothesis, result, decision), kept with the test (issue #20). Editors edit it; a
 * save names the revision the form started from, so an edit made meanwhile is refused (409) rather than overwritten.
 * Saving can also comment it on the test's current issue, where the release manager reads the decision.
 */
import { useEffect, useState } from 'react';
import { ErrorPanel } from '@/components/error-panel';
import { api, type Conclusion } from '@/lib/ui/api';
import type { ApiErrorBody } from '@/lib/ui/api-error';
import { formatDateTime } from '@/lib/ui/format';
import { conclusionText } from '@/lib/ui/results-format';
import { buttonClass, inputClass, primaryButtonClass } from '@/lib/ui/styles';

const FIELDS = [
  ['hypothesis', 'Hypothesis', 'What we expected, and why.'],
  ['result', 'Result', 'What the numbers showed (goal, lift, interval).'],
  ['decision', 'Decision', 'What we do now: the bucket chosen, or why the test stops.'],
] as const;

type Text = Pick<Conclusion, 'hypothesis' | 'result' | 'decision'>;

export function ConclusionPanel({ testName, canEdit, issueKey, compact = false }: { testName: string; canEdit: boolean; issueKey: string | null; compact?: boolean }) {
  const [conclusion, setConclusion] = useState<Conclusion | null>(null);
  const [error, setError] = useState<ApiErrorBody | null>(null);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState<Text>({ hypothesis: '', result: '', decision: '' });
  const [comment, setComment] = useState(true);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api.tests.conclusion(testName).then(
      (c) => live && setConclusion(c),
      (e: ApiErrorBody) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [testName]);
  const empty = !conclusion || FIELDS.every(([key]) => !conclusion[key].trim());
  if (compact && (empty || error)) return null;

  const save = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!conclusion) return;
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const saved = await api.tests.saveConclusion(testName, { ...draft, expectedRevision: conclusion.revision });
      setConclusion(saved);
      setEditing(false);
      if (comment && issueKey) {
        try {
          await api.issues.comment(issueKey, conclusionText(testName, saved));
          setNotice(`Saved, and commented on ${issueKey}.`);
        } catch (e) {
          setNotice(`Saved, but commenting on ${issueKey} failed: ${(e as ApiErrorBody).message}`);
        }
      } else setNotice('Saved.');
    } catch (e) {
      setError(e as ApiErrorBody);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="conclusion-heading" className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-700 dark:bg-slate-900" data-testid="conclusion">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 id="conclusion-heading" className="text-lg font-semibold">
          Conclusion
        </h3>
        {canEdit && conclusion && !editing && !compact && (
          <button
            type="button"
            className={buttonClass}
            onClick={() => {
              setDraft({ hypothesis: conclusion.hypothesis, result: conclusion.result, decision: conclusion.decision });
              setEditing(true);
            }}
          >
            {empty ? 'Write the conclusion' : 'Edit the conclusion'}
          </button>
        )}
      </div>
      {error && <ErrorPanel error={error} title={error.code === 'STALE_REVISION' || error.code === 'CONFLICT' ? 'Someone changed the conclusion meanwhile; reload to see theirs' : 'The conclusion could not be read or saved'} />}
      {notice && <p role="status" className="mt-1 text-sm">{notice}</p>}
      {!editing && conclusion && (
        empty ? (
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">No conclusion written yet.</p>
        ) : (
          <dl className="mt-2 grid gap-2 text-sm sm:grid-cols-[8rem_1fr]">
            {FIELDS.map(([key, label]) => (
              <div key={key} className="contents">
                <dt className="font-medium">{label}</dt>
                <dd className="whitespace-pre-wrap break-words" data-field={key}>{conclusion[key] || '—'}</dd>
              </div>
            ))}
            {conclusion.updatedBy && (
              <p className="text-xs text-slate-600 sm:col-span-2 dark:text-slate-400">
                Last written by {conclusion.updatedBy}, {formatDateTime(conclusion.updatedAt)}.
              </p>
            )}
          </dl>
        )
      )}
      {editing && (
        <form className="mt-2 space-y-3 text-sm" onSubmit={(e) => void save(e)}>
          {FIELDS.map(([key, label, hint]) => (
            <label key={key} className="block">
              <span className="font-medium">{label}</span> <span className="text-xs text-slate-600 dark:text-slate-400">{hint}</span>
              <textarea className={`${inputClass} mt-1 block w-full`} rows={3} value={draft[key]} onChange={(e) => setDraft((d) => ({ ...d, [key]: e.target.value }))} />
            </label>
          ))}
          {issueKey && (
            <label className="flex items-center gap-2">
              <input type="checkbox" checked={comment} onChange={(e) => setComment(e.target.checked)} /> Also comment it on {issueKey}
            </label>
          )}
          <div className="flex gap-2">
            <button type="submit" className={primaryButtonClass} disabled={busy}>
              Save the conclusion
            </button>
            <button type="button" className={buttonClass} onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
