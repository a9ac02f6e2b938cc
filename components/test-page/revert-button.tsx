'use client';
import { useRef, useState } from 'react';
import { ApiForm, field } from '@/components/api-form';
import { ErrorPanel } from '@/components/error-panel';
import { api } from '@/lib/ui/api';
import { useApiAction } from '@/lib/ui/use-api-action';
import { shortRevision } from '@/lib/ui/format';
import { buttonClass, inputClass, primaryButtonClass } from '@/lib/ui/styles';

/** Restores a trunk revision as a new commit, under an issue key. */
export function RevertButton({ testName, toRevision, baseRevision }: { testName: string; toRevision: string; baseRevision: string }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const { error, busy, run } = useApiAction();
  const [done, setDone] = useState<string | null>(null);
  const id = `revert-${toRevision.slice(0, 10)}`;
  return (
    <>
      <button type="button" className={`${buttonClass} px-2 py-0.5 text-xs`} onClick={() => dialog.current?.showModal()}>
        Revert to {shortRevision(toRevision)}
      </button>
      <dialog ref={dialog} aria-labelledby={`${id}-title`} className="m-auto w-[min(28rem,95vw)] rounded-lg bg-white p-4 text-slate-900 shadow-xl backdrop:bg-black/50 dark:bg-slate-900 dark:text-slate-100">
        <h2 id={`${id}-title`} className="text-lg font-semibold">
          Revert {testName} to {shortRevision(toRevision)}
        </h2>
        <p className="mt-1 text-sm">Trunk gets a new commit with the definition of revision {shortRevision(toRevision)}. qa and production are not touched.</p>
        <ApiForm
          className="mt-3 space-y-3"
          keepValues
          submit={(form) => run(() => api.tests.revert(testName, { toRevision, baseRevision, issueKey: field(form, 'issueKey').trim(), comment: field(form, 'comment') || undefined }))}
          onSuccess={(result) => setDone(`Reverted: trunk is now at ${shortRevision(result.revision)}.`)}
        >
          <div className="flex flex-col gap-1">
            <label htmlFor={`${id}-issue`} className="text-sm font-medium">
              Issue key
            </label>
            <input id={`${id}-issue`} name="issueKey" required className={inputClass} placeholder="PROTEST-7" />
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor={`${id}-comment`} className="text-sm font-medium">
              Comment (optional)
            </label>
            <input id={`${id}-comment`} name="comment" className={inputClass} />
          </div>
          {error && <ErrorPanel error={error} />}
          {done && (
            <p role="status" className="text-sm text-emerald-800 dark:text-emerald-300">
              {done}
            </p>
          )}
          <div className="flex justify-end gap-2">
            <button type="button" className={buttonClass} onClick={() => dialog.current?.close()}>
              Close
            </button>
            <button type="submit" className={primaryButtonClass} disabled={busy || !!done}>
              {busy ? 'Reverting…' : 'Revert'}
            </button>
          </div>
        </ApiForm>
      </dialog>
    </>
  );
}
