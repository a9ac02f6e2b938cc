'use client';
/**
 * The release steps of an issue that are not plain transitions: QA's verification (bound to what is live in qa), the
 * admin's recorded waiver of separation of duties, and retrying a transition a committed promotion could not make.
 * The server decides who may do what (`allowedActions`); this shows it, and says why when a step is not open to you.
 */
import { useState } from 'react';
import { ApiForm, field } from '@/components/api-form';
import { ErrorPanel } from '@/components/error-panel';
import { api } from '@/lib/ui/api';
import { formatDateTime, shortRevision } from '@/lib/ui/format';
import { buttonClass, inputClass, linkClass, primaryButtonClass } from '@/lib/ui/styles';
import { useApiAction } from '@/lib/ui/use-api-action';

/** The issue statuses QA verifies from, and where verifying moves the issue. */
const VERIFY_STEPS: Record<string, string> = { 'In QA': 'Production Ready', 'In Production': 'Pending Closure' };

export interface IssueReleaseProps {
  issueKey: string;
  status: string;
  allowedActions: string[];
  /** The signed-in user's role is qa or above (QA analysts verify; so may anyone above them who is not an author). */
  canVerifyRole: boolean;
  isAdmin: boolean;
  verification: { by: string; at: string; waivedSeparation?: { by: string; reason: string } | null } | null;
  waivedSeparation: { by: string; reason: string } | null;
  pendingTransition: { to: string; error: string } | null;
}

function VerifyAction({ issueKey, status, allowed, canVerifyRole }: { issueKey: string; status: string; allowed: boolean; canVerifyRole: boolean }) {
  const { error, busy, run } = useApiAction();
  const [done, setDone] = useState<string | null>(null);
  const to = VERIFY_STEPS[status];
  // After verifying, the refreshed page has moved on; the confirmation stays.
  if (done)
    return (
      <p role="status" className="text-sm text-emerald-800 dark:text-emerald-300">
        {done}
      </p>
    );
  if (!to) return null;
  const where = status === 'In QA' ? 'qa' : 'production';
  return (
    <div className="space-y-2" data-testid="verify-action">
      <p className="text-sm">
        QA checks the change in <strong>{where}</strong>, then verifies: the issue moves to <strong>{to}</strong>
        {status === 'In QA' ? ' and the exact definition live in qa is recorded as the one production gets by default.' : '.'}
      </p>
      {!canVerifyRole ? (
        <p className="text-sm text-slate-700 dark:text-slate-300" data-testid="verify-not-allowed">
          Verifying needs the QA analyst role (qa) or above.
        </p>
      ) : (
        <ApiForm className="flex flex-wrap items-end gap-2" keepValues submit={(form) => run(() => api.issues.verify(issueKey, { comment: field(form, 'comment').trim() || undefined }))} onSuccess={() => setDone(`${issueKey} verified: now ${to}.`)}>
          <div className="flex min-w-[14rem] flex-1 flex-col gap-1">
            <label htmlFor="verify-comment" className="text-xs font-medium">
              What you checked (optional)
            </label>
            <input id="verify-comment" name="comment" className={inputClass} placeholder="e.g. verified fr-CA excluded" disabled={!allowed} />
          </div>
          <button type="submit" className={primaryButtonClass} disabled={!allowed || busy}>
            {busy ? 'Verifying…' : `Verify → ${to}`}
          </button>
        </ApiForm>
      )}
      {canVerifyRole && !allowed && (
        <p className="rounded bg-amber-50 p-2 text-sm text-amber-950 dark:bg-amber-950 dark:text-amber-100" data-testid="separation-of-duties">
          You cannot verify this issue: you authored a change linked to it, and separation of duties means someone else (a QA analyst) verifies
          it. Ask a QA analyst, or an admin can waive the rule for this issue with a recorded reason.
        </p>
      )}
      {error && <ErrorPanel error={error} title="Not verified" />}
    </div>
  );
}

function WaiveSeparation({ issueKey }: { issueKey: string }) {
  const { error, busy, run } = useApiAction();
  const [done, setDone] = useState<string | null>(null);
  if (done)
    return (
      <p role="status" className="text-sm text-emerald-800 dark:text-emerald-300" data-testid="separation-waived">
        {done}
      </p>
    );
  return (
    <details className="text-sm" data-testid="waive-separation">
      <summary className="cursor-pointer">Waive separation of duties for this issue (admin)…</summary>
      <ApiForm
        className="mt-2 space-y-2"
        submit={(form) => run(() => api.issues.waiveSeparation(issueKey, { reason: field(form, 'reason').trim() }))}
        onSuccess={(waiver) => setDone(`Separation of duties waived by ${waiver.by}: ${waiver.reason}. An author of the change may now verify it.`)}
      >
        <div className="flex flex-col gap-1">
          <label htmlFor="waive-reason" className="text-xs font-medium">
            Reason (required, shown on the issue)
          </label>
          <textarea id="waive-reason" name="reason" required minLength={3} rows={2} className={inputClass} />
        </div>
        <button type="submit" className={buttonClass} disabled={busy}>
          {busy ? 'Waiving…' : 'Let an author verify this issue'}
        </button>
        {error && <ErrorPanel error={error} />}
      </ApiForm>
    </details>
  );
}

function RetryTransition({ issueKey, pending, allowed }: { issueKey: string; pending: { to: string; error: string }; allowed: boolean }) {
  const { error, busy, run } = useApiAction();
  return (
    <div className="rounded border border-amber-500 bg-amber-50 p-2 text-sm text-amber-950 dark:border-amber-600 dark:bg-amber-950 dark:text-amber-100" data-testid="pending-transition">
      <p className="font-medium">A promotion was committed, but the issue could not be moved to {pending.to}.</p>
      <p className="mt-1">{pending.error}</p>
      {allowed ? (
        <button type="button" className={`${buttonClass} mt-2`} disabled={busy} onClick={() => void run(() => api.issues.retryTransition(issueKey))}>
          {busy ? 'Retrying…' : `Retry the transition → ${pending.to}`}
        </button>
      ) : (
        <p className="mt-1 text-xs">A releaser can retry the transition.</p>
      )}
      {error && <ErrorPanel error={error} />}
    </div>
  );
}

export function IssueRelease(props: IssueReleaseProps) {
  const allows = (action: string) => props.allowedActions.includes(action);
  return (
    <div className="space-y-3">
      {props.pendingTransition && <RetryTransition issueKey={props.issueKey} pending={props.pendingTransition} allowed={allows('retry-transition')} />}
      <VerifyAction issueKey={props.issueKey} status={props.status} allowed={allows('verify')} canVerifyRole={props.canVerifyRole} />
      {props.waivedSeparation ? (
        <p className="text-sm" data-testid="separation-waived">
          Separation of duties waived by <strong>{props.waivedSeparation.by}</strong>: {props.waivedSeparation.reason}
        </p>
      ) : (
        props.isAdmin && allows('waive-separation') && <WaiveSeparation issueKey={props.issueKey} />
      )}
    </div>
  );
}

/** What QA verified (the revision per test) and the promotions made without it. */
export function IssueVerification({
  verification,
  overrides,
}: {
  verification: { by: string; at: string; tests: { testName: string; revision: string }[] } | null;
  overrides: { testName: string; revision: string; by: string; at: string; reason: string }[];
}) {
  return (
    <div className="space-y-2 text-sm">
      {verification ? (
        <>
          <p>
            Verified in qa by <strong>{verification.by}</strong> <time className="text-xs text-slate-600 dark:text-slate-400">{formatDateTime(verification.at)}</time>
          </p>
          <ul aria-label="Verified revisions" className="space-y-1">
            {verification.tests.map((test) => (
              <li key={test.testName} className="flex flex-wrap gap-2">
                <a href={`/tests/${encodeURIComponent(test.testName)}`} className={`font-mono ${linkClass}`}>
                  {test.testName}
                </a>
                <a href={`/tests/${encodeURIComponent(test.testName)}?tab=definition&revision=${test.revision}`} className={`font-mono ${linkClass}`}>
                  {shortRevision(test.revision)}
                </a>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className="text-slate-700 dark:text-slate-300">Not verified in qa yet.</p>
      )}
      {overrides.length > 0 && (
        <div className="rounded border border-red-400 bg-red-50 p-2 text-red-950 dark:border-red-700 dark:bg-red-950 dark:text-red-100" data-testid="promotion-overrides">
          <p className="font-medium">Promoted to production without QA verification:</p>
          <ul className="mt-1 list-disc pl-5">
            {overrides.map((override, index) => (
              <li key={index}>
                <span className="font-mono">{override.testName}</span> {shortRevision(override.revision)} by <strong>{override.by}</strong> ({formatDateTime(override.at)}): {override.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
