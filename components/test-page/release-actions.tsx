'use client';
/**
 * The two emergency actions of a releaser, each one step whatever the issue's status: roll an environment back to a
 * revision that was live there before, and stop the test (100% inactive in trunk, qa and production at once). Both
 * need a reason and a confirmation; both leave a trail in the audit log, the history and on the issue.
 */
import { useEffect, useRef, useState } from 'react';
import { ErrorPanel } from '@/components/error-panel';
import { api, type RollbackTarget } from '@/lib/ui/api';
import type { ApiErrorBody } from '@/lib/ui/api-error';
import { formatDateTime, shortRevision } from '@/lib/ui/format';
import { buttonClass, dangerButtonClass, inputClass } from '@/lib/ui/styles';
import { useApiAction } from '@/lib/ui/use-api-action';

/** Closes the <dialog> the clicked control is in. */
function closeDialog(event: React.MouseEvent<HTMLElement>) {
  event.currentTarget.closest('dialog')?.close();
}

function ActionDialog({
  id,
  title,
  trigger,
  children,
  onOpen,
}: {
  id: string;
  title: string;
  trigger: string;
  children: React.ReactNode;
  onOpen?: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className={buttonClass}
        onClick={() => {
          setOpen(true);
          onOpen?.();
          dialog.current?.showModal();
        }}
      >
        {trigger}
      </button>
      <dialog
        ref={dialog}
        onClose={() => setOpen(false)}
        aria-labelledby={`${id}-title`}
        className="m-auto max-h-[94vh] w-[min(34rem,96vw)] overflow-y-auto rounded-lg border-4 border-red-600 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-black/50 dark:bg-slate-900 dark:text-slate-100"
      >
        <div className="bg-red-700 px-4 py-3 text-white">
          <h2 id={`${id}-title`} className="text-lg font-semibold">
            {title}
          </h2>
        </div>
        {open && <div className="p-4">{children}</div>}
      </dialog>
    </>
  );
}

function ReasonFields({ id, reason, setReason, issueKey, setIssueKey }: { id: string; reason: string; setReason: (v: string) => void; issueKey: string; setIssueKey: (v: string) => void }) {
  return (
    <>
      <div className="flex flex-col gap-1">
        <label htmlFor={`${id}-reason`} className="text-sm font-medium">
          Reason (required)
        </label>
        <textarea id={`${id}-reason`} className={inputClass} rows={2} value={reason} onChange={(event) => setReason(event.target.value)} required />
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor={`${id}-issue`} className="text-sm font-medium">
          Issue key (optional: the issue gets a comment)
        </label>
        <input id={`${id}-issue`} className={`${inputClass} font-mono`} value={issueKey} onChange={(event) => setIssueKey(event.target.value)} placeholder="PROTEST-7" />
      </div>
    </>
  );
}

/** The end of a production action's form: the explicit confirmation, the outcome, and Cancel beside the action. */
function ConfirmAndSubmit(props: {
  confirmation: string;
  confirmed: boolean;
  setConfirmed: (value: boolean) => void;
  error: ApiErrorBody | null;
  errorTitle: string;
  done: string | null;
  busy: boolean;
  canSubmit: boolean;
  submitLabel: string;
}) {
  return (
    <>
      <label className="flex items-start gap-2 rounded border border-red-400 bg-red-50 p-2 text-sm text-red-950 dark:border-red-700 dark:bg-red-950 dark:text-red-100">
        <input type="checkbox" className="mt-1" checked={props.confirmed} onChange={(event) => props.setConfirmed(event.target.checked)} />
        <span>{props.confirmation}</span>
      </label>
      {props.error && <ErrorPanel error={props.error} title={props.errorTitle} />}
      {props.done && (
        <p role="status" className="text-sm text-emerald-800 dark:text-emerald-300">
          {props.done}
        </p>
      )}
      <div className="flex justify-end gap-2">
        <button type="button" className={buttonClass} onClick={closeDialog}>
          {props.done ? 'Close' : 'Cancel'}
        </button>
        <button type="submit" className={dangerButtonClass} disabled={!props.canSubmit}>
          {props.submitLabel}
        </button>
      </div>
    </>
  );
}

function RollbackForm({ testName, liveRevision, issueKey: initialIssueKey }: { testName: string; liveRevision: string | null; issueKey: string }) {
  const [targets, setTargets] = useState<RollbackTarget[] | null>(null);
  const [loadError, setLoadError] = useState<ApiErrorBody | null>(null);
  const [revision, setRevision] = useState('');
  const [reason, setReason] = useState('');
  const [issueKey, setIssueKey] = useState(initialIssueKey);
  const [confirmed, setConfirmed] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const { error, busy, run } = useApiAction();
  useEffect(() => {
    let cancelled = false;
    api.tests.rollbackTargets(testName, 'production')
      .then((answer) => {
        if (cancelled) return;
        const earlier = answer.targets.filter((target) => target.revision !== (answer.current ?? liveRevision));
        setTargets(earlier);
        setRevision(earlier[0]?.revision ?? '');
      })
      .catch((caught) => !cancelled && setLoadError(caught as ApiErrorBody));
    return () => {
      cancelled = true;
    };
  }, [testName, liveRevision]);
  const canSubmit = revision !== '' && reason.trim() !== '' && confirmed && !busy && !done;
  return (
    <form
      className="space-y-3"
      onSubmit={async (event) => {
        event.preventDefault();
        if (!canSubmit) return;
        const result = await run(() => api.tests.rollback(testName, { env: 'production', revision, reason: reason.trim(), issueKey: issueKey.trim() || undefined }));
        if (result) setDone(`Rolled back: production is now at ${result.commits.map((commit) => shortRevision(commit.revision)).join(', ')} (the definition of ${shortRevision(revision)}).`);
      }}
    >
      <p className="text-sm">Production gets the definition it had at an earlier revision, now, whatever the issue&apos;s status. Trunk and qa are not touched.</p>
      {loadError ? (
        <ErrorPanel error={loadError} title="The earlier production revisions could not be read" />
      ) : !targets ? (
        <p className="text-sm">Reading the revisions that were live in production…</p>
      ) : targets.length === 0 ? (
        <p className="text-sm" data-testid="no-rollback-target">
          No earlier revision was live in production: there is nothing to roll back to. Stop the test instead.
        </p>
      ) : (
        <div className="flex flex-col gap-1">
          <label htmlFor="rollback-revision" className="text-sm font-medium">
            Roll back to (revisions that were live in production, newest first)
          </label>
          <select id="rollback-revision" className={`${inputClass} min-w-0`} value={revision} onChange={(event) => setRevision(event.target.value)}>
            {targets.map((target) => (
              <option key={target.revision} value={target.revision}>
                {shortRevision(target.revision)} — live from {formatDateTime(target.liveFrom)} ({target.author})
                {target.message ? ` — ${target.message.split('\n', 1)[0].slice(0, 60)}` : ''}
              </option>
            ))}
          </select>
        </div>
      )}
      <ReasonFields id="rollback" reason={reason} setReason={setReason} issueKey={issueKey} setIssueKey={setIssueKey} />
      <ConfirmAndSubmit
        confirmation="I confirm: this changes what real users get in PRODUCTION."
        {...{ confirmed, setConfirmed, error, done, busy, canSubmit }}
        errorTitle="Not rolled back"
        submitLabel={busy ? 'Rolling back…' : `Roll back production to ${revision ? shortRevision(revision) : '…'}`}
      />
    </form>
  );
}

function StopForm({ testName, issueKey: initialIssueKey }: { testName: string; issueKey: string }) {
  const [reason, setReason] = useState('');
  const [issueKey, setIssueKey] = useState(initialIssueKey);
  const [confirmed, setConfirmed] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const { error, busy, run } = useApiAction();
  const canSubmit = reason.trim() !== '' && confirmed && !busy && !done;
  return (
    <form
      className="space-y-3"
      onSubmit={async (event) => {
        event.preventDefault();
        if (!canSubmit) return;
        const result = await run(() => api.tests.stop(testName, { reason: reason.trim(), issueKey: issueKey.trim() || undefined }));
        if (result) setDone(`Stopped: every user gets the inactive bucket — ${result.commits.map((commit) => `${commit.env} ${shortRevision(commit.revision)}`).join(', ')}.`);
      }}
    >
      <p className="text-sm">
        Every allocation becomes 100% inactive in trunk, qa and production at once, whatever the issue&apos;s status. Applications fall back to
        their inactive behaviour within a minute or two.
      </p>
      <ReasonFields id="stop" reason={reason} setReason={setReason} issueKey={issueKey} setIssueKey={setIssueKey} />
      <ConfirmAndSubmit
        confirmation="I confirm: stop this test for every user, in PRODUCTION too."
        {...{ confirmed, setConfirmed, error, done, busy, canSubmit }}
        errorTitle="Not stopped"
        submitLabel={busy ? 'Stopping…' : 'Stop test: 100% inactive everywhere'}
      />
    </form>
  );
}

/** Roll back production and stop the test: one action each, for releasers (the page says why to anyone else). */
export function ReleaseActions({ testName, liveProduction, issueKey }: { testName: string; liveProduction: string | null; issueKey: string }) {
  return (
    <>
      {liveProduction && (
        <ActionDialog id="rollback" title={`Roll back ${testName} in PRODUCTION`} trigger="Roll back production…">
          <RollbackForm testName={testName} liveRevision={liveProduction} issueKey={issueKey} />
        </ActionDialog>
      )}
      <ActionDialog id="stop" title={`Stop ${testName} everywhere`} trigger="Stop test…">
        <StopForm testName={testName} issueKey={issueKey} />
      </ActionDialog>
    </>
  );
}
