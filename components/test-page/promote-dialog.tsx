'use client';
import type { Environment } from '@/lib/domain/environment';
import { isIssueKey } from '@/lib/domain/issue-key';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { EnvBadge } from '@/components/env-badge';
import { ErrorPanel } from '@/components/error-panel';
import type { DefinitionChange } from '@/lib/proctor/diff-definitions';
import { api, type IssueSummary, type PromoteResult } from '@/lib/ui/api';
import type { ApiErrorBody } from '@/lib/ui/api-error';
import { formatDateTime, shortRevision } from '@/lib/ui/format';
import { buttonClass, dangerButtonClass, inputClass, primaryButtonClass } from '@/lib/ui/styles';
import { SemanticChanges } from './semantic-changes';

type Target = 'qa' | 'production';

export interface PromoteSourceOption {
  from: 'trunk' | 'qa';
  revision: string;
  label: string;
}

export interface PromoteDialogProps {
  testName: string;
  live: Record<Environment, { revision: string | null }>;
  trunkRevisions: { revision: string; message: string; author: string; at: string }[];
  qaSource: { revision: string; sourceTrunkRevision: string | null } | null;
  requiredStatus: Record<Target, string>;
  requiredIssueType: string;
  defaultTarget?: Target;
}

function sourceOptions(props: PromoteDialogProps, target: Target): PromoteSourceOption[] {
  const options: PromoteSourceOption[] = props.trunkRevisions.map((entry, index) => ({
    from: 'trunk',
    revision: entry.revision,
    label: `trunk ${shortRevision(entry.revision)}${index === 0 ? ' (latest)' : ''} — ${entry.message.slice(0, 60)} (${entry.author}, ${formatDateTime(entry.at)})`,
  }));
  if (target === 'production' && props.qaSource) {
    options.splice(1, 0, { from: 'qa', revision: props.qaSource.revision, label: `what is live in qa: ${shortRevision(props.qaSource.revision)} (from trunk ${shortRevision(props.qaSource.sourceTrunkRevision)})` });
  }
  return options;
}

/** The promoted file always carries a new `version` (the trunk revision); only the other changes matter here. */
function PromotionChanges({ changes }: { changes: DefinitionChange[] }) {
  const meaningful = changes.filter((change) => change.kind !== 'version-changed');
  if (changes.length > 0 && meaningful.length === 0) return <p className="text-sm">Same definition; only the recorded source revision (version) changes.</p>;
  return <SemanticChanges changes={meaningful} />;
}

/** Promote a revision to qa or production: shows what will change there and whether the issue allows it, first. */
export function PromoteDialog(props: PromoteDialogProps) {
  const { testName } = props;
  const dialog = useRef<HTMLDialogElement>(null);
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [target, setTarget] = useState<Target>(props.defaultTarget ?? 'qa');
  const options = sourceOptions(props, target);
  const [sourceIndex, setSourceIndex] = useState(0);
  const source = options[Math.min(sourceIndex, options.length - 1)];
  const [changes, setChanges] = useState<DefinitionChange[] | null>(null);
  const [diffError, setDiffError] = useState<ApiErrorBody | null>(null);
  const [issueKey, setIssueKey] = useState('');
  const [lookup, setLookup] = useState<{ key: string; issue?: IssueSummary; error?: ApiErrorBody } | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiErrorBody | null>(null);
  const [result, setResult] = useState<PromoteResult | null>(null);

  useEffect(() => {
    if (!open || !source) return;
    let cancelled = false;
    api.tests.diff(testName, target, source.revision)
      .then((diff) => !cancelled && (setChanges(diff.changes), setDiffError(null)))
      .catch((caught) => !cancelled && (setDiffError(caught as ApiErrorBody), setChanges(null)));
    return () => {
      cancelled = true;
    };
  }, [open, target, source?.revision, testName]); // eslint-disable-line react-hooks/exhaustive-deps

  const normalizedKey = issueKey.trim().toUpperCase();
  useEffect(() => {
    if (!isIssueKey(normalizedKey)) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      api.issues.read(normalizedKey)
        .then((found) => !cancelled && setLookup({ key: normalizedKey, issue: found }))
        .catch((caught) => !cancelled && setLookup({ key: normalizedKey, error: caught as ApiErrorBody }));
    }, 250);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [normalizedKey]);
  // Only the answer for the key currently typed counts.
  const issue = lookup?.key === normalizedKey ? (lookup.issue ?? null) : null;
  const issueError = lookup?.key === normalizedKey ? (lookup.error ?? null) : null;

  const required = props.requiredStatus[target];
  const issueAllows = issue ? issue.type === props.requiredIssueType && issue.status === required : null;
  const production = target === 'production';
  const canSubmit = !!source && issueKey.trim() !== '' && (!production || confirmed) && !busy && !result;

  function close() {
    dialog.current?.close();
  }

  return (
    <>
      <button
        type="button"
        className={primaryButtonClass}
        onClick={() => {
          setOpen(true);
          setResult(null);
          setError(null);
          setConfirmed(false);
          dialog.current?.showModal();
        }}
      >
        Promote…
      </button>
      <dialog
        ref={dialog}
        onClose={() => setOpen(false)}
        aria-labelledby="promote-title"
        className={`m-auto w-[min(44rem,96vw)] rounded-lg bg-white p-0 text-slate-900 shadow-xl backdrop:bg-black/50 dark:bg-slate-900 dark:text-slate-100 ${production ? 'border-4 border-red-600' : ''}`}
      >
        <div className={`px-4 py-3 ${production ? 'bg-red-700 text-white' : 'bg-slate-100 dark:bg-slate-800'}`}>
          <h2 id="promote-title" className="text-lg font-semibold">
            Promote {testName} to {production ? 'PRODUCTION' : 'qa'}
          </h2>
        </div>
        <form
          className="space-y-4 p-4"
          onSubmit={async (event) => {
            event.preventDefault();
            if (!source) return;
            setBusy(true);
            setError(null);
            try {
              const promoted = await api.tests.promote(testName, { from: source.from, to: target, revision: source.revision, targetRevision: props.live[target].revision, issueKey: issueKey.trim() });
              setResult(promoted);
              router.refresh();
            } catch (caught) {
              setError(caught as ApiErrorBody);
            } finally {
              setBusy(false);
            }
          }}
        >
          <fieldset>
            <legend className="text-sm font-medium">Target environment</legend>
            <div className="mt-1 flex gap-4">
              {(['qa', 'production'] as const).map((env) => (
                <label key={env} className="flex items-center gap-2 text-sm">
                  <input
                    type="radio"
                    name="target"
                    value={env}
                    checked={target === env}
                    onChange={() => {
                      setTarget(env);
                      setSourceIndex(0);
                      setConfirmed(false);
                      setResult(null);
                    }}
                  />
                  <EnvBadge env={env} />
                  <span className="text-xs text-slate-600 dark:text-slate-400">live: {shortRevision(props.live[env].revision)}</span>
                </label>
              ))}
            </div>
          </fieldset>
          <div className="flex flex-col gap-1">
            <label htmlFor="promote-source" className="text-sm font-medium">
              Source revision
            </label>
            <select id="promote-source" className={inputClass} value={Math.min(sourceIndex, options.length - 1)} onChange={(event) => setSourceIndex(Number(event.target.value))}>
              {options.map((option, index) => (
                <option key={`${option.from}:${option.revision}`} value={index}>
                  {option.label}
                </option>
              ))}
            </select>
          </div>
          <section aria-labelledby="promote-changes-title">
            <h3 id="promote-changes-title" className="text-sm font-medium">
              What changes in {target} (live {shortRevision(props.live[target].revision)} → {source ? shortRevision(source.revision) : '—'})
            </h3>
            <div className="mt-1 max-h-56 overflow-y-auto">
              {diffError ? <ErrorPanel error={diffError} /> : changes ? (
                <PromotionChanges changes={changes} />
              ) : <p className="text-sm">Loading the difference…</p>}
            </div>
          </section>
          <div className="flex flex-col gap-1">
            <label htmlFor="promote-issue" className="text-sm font-medium">
              Issue key
            </label>
            <input id="promote-issue" name="issueKey" required className={inputClass} placeholder="PROTEST-7" value={issueKey} onChange={(event) => setIssueKey(event.target.value)} aria-describedby="promote-issue-status" />
            <div id="promote-issue-status" aria-live="polite" className="text-sm">
              {issueError && <ErrorPanel error={issueError} />}
              {issue && (
                <p data-issue-allows={issueAllows ? 'yes' : 'no'} className={issueAllows ? 'text-emerald-800 dark:text-emerald-300' : 'text-red-800 dark:text-red-300'}>
                  {issue.key} “{issue.summary}” is <strong>{issue.status}</strong> ({issue.type}).{' '}
                  {issueAllows
                    ? `The workflow allows promoting to ${target}.`
                    : issue.type !== props.requiredIssueType
                      ? `Promotions need a ${props.requiredIssueType} issue.`
                      : `Promoting to ${target} needs '${required}'.`}
                </p>
              )}
            </div>
          </div>
          {production && (
            <label className="flex items-start gap-2 rounded border border-red-400 bg-red-50 p-2 text-sm text-red-950 dark:border-red-700 dark:bg-red-950 dark:text-red-100">
              <input type="checkbox" checked={confirmed} onChange={(event) => setConfirmed(event.target.checked)} className="mt-1" />
              <span>I confirm: this changes what real users get in PRODUCTION.</span>
            </label>
          )}
          {error && <ErrorPanel error={error} title="The promotion was refused" />}
          {result && (
            <div role="status" className="rounded border border-emerald-400 bg-emerald-50 p-2 text-sm text-emerald-950 dark:border-emerald-700 dark:bg-emerald-950 dark:text-emerald-100">
              <p>
                Promoted to {target}: {target} is now at {shortRevision(result.revision)}.
                {result.issue.to && result.issue.from !== result.issue.to ? ` ${result.issue.key} moved ${result.issue.from} → ${result.issue.to}.` : ''}
              </p>
              {result.issue.transitionError && <p className="mt-1 text-amber-900 dark:text-amber-200">{result.issue.transitionError}</p>}
              {result.notices.map((notice, index) => (
                <p key={index} className="mt-1 text-xs">
                  {notice}
                </p>
              ))}
            </div>
          )}
          <div className="flex justify-end gap-2">
            <button type="button" className={buttonClass} onClick={close}>
              {result ? 'Close' : 'Cancel'}
            </button>
            <button type="submit" className={production ? dangerButtonClass : primaryButtonClass} disabled={!canSubmit}>
              {busy ? 'Promoting…' : production ? 'Promote to PRODUCTION' : 'Promote to qa'}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
