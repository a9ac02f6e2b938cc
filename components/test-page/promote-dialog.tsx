'use client';
import type { Environment } from '@/lib/domain/environment';
import { isIssueKey, leadingIssueKey } from '@/lib/domain/issue-key';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { DefinitionDrift } from '@/components/editor/definition-drift';
import { EnvBadge } from '@/components/env-badge';
import { ErrorPanel } from '@/components/error-panel';
import { parseDefinition, type TestDefinition } from '@/lib/proctor';
import type { DefinitionChange } from '@/lib/proctor/diff-definitions';
import { api, type IssueSummary, type PromoteResult, type PromotionPreview } from '@/lib/ui/api';
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

/** How long the result stays in the dialog before it closes (it stays on the page beside the button). */
const CLOSE_AFTER_MS = 2500;

function sourceOptions(props: PromoteDialogProps, target: Target): PromoteSourceOption[] {
  const options: PromoteSourceOption[] = props.trunkRevisions.map((entry, index) => ({
    from: 'trunk',
    revision: entry.revision,
    label: `trunk ${shortRevision(entry.revision)}${index === 0 ? ' (latest)' : ''} — ${entry.message.slice(0, 60)} (${entry.author}, ${formatDateTime(entry.at)})`,
  }));
  if (target === 'production' && props.qaSource) {
    options.unshift({ from: 'qa', revision: props.qaSource.revision, label: `what is live in qa: ${shortRevision(props.qaSource.revision)} (from trunk ${shortRevision(props.qaSource.sourceTrunkRevision)})` });
  }
  return options;
}

/** The option that promotes `revision` (a qa revision, or the trunk revision qa was promoted from). */
function optionFor(options: PromoteSourceOption[], revision: string | null, qaSource: PromoteDialogProps['qaSource']): number {
  if (!revision) return -1;
  const exact = options.findIndex((option) => option.revision === revision);
  if (exact >= 0) return exact;
  if (qaSource && qaSource.sourceTrunkRevision === revision) return options.findIndex((option) => option.from === 'qa');
  return -1;
}

/** The issue key the commit of a source revision starts with (for qa: the trunk commit qa was promoted from). */
function commitIssueKey(props: PromoteDialogProps, option: PromoteSourceOption): string | null {
  const revision = option.from === 'qa' ? (props.qaSource?.sourceTrunkRevision ?? null) : option.revision;
  const entry = props.trunkRevisions.find((candidate) => candidate.revision === revision) ?? props.trunkRevisions[0];
  return entry ? leadingIssueKey(entry.message) : null;
}

/** The promoted file always carries a new `version` (the trunk revision); only the other changes matter here. */
function PromotionChanges({ changes }: { changes: DefinitionChange[] }) {
  const meaningful = changes.filter((change) => change.kind !== 'version-changed');
  if (changes.length > 0 && meaningful.length === 0) return <p className="text-sm">Same definition; only the recorded source revision (version) changes.</p>;
  return <SemanticChanges changes={meaningful} />;
}

function readDefinition(text: string): TestDefinition | null {
  try {
    return parseDefinition(text);
  } catch {
    return null;
  }
}

/**
 * Promote a revision to qa or production. Production defaults to what QA verified; promoting anything else needs the
 * releaser's explicit, reasoned override. Before the button works the dialog shows the server's pre-check (the rule and
 * the fix when it refuses), the user drift between what is live in the target and what would replace it, and every
 * semantic change.
 */
export function PromoteDialog(props: PromoteDialogProps) {
  const { testName, qaSource } = props;
  const dialog = useRef<HTMLDialogElement>(null);
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [target, setTarget] = useState<Target>(props.defaultTarget ?? 'qa');
  const options = sourceOptions(props, target);
  // null: not chosen by the user — the default (what QA verified for production, latest trunk for qa) applies.
  const [chosen, setChosen] = useState<number | null>(null);
  // The issue key follows the source revision's commit until the user types one.
  const [typedKey, setTypedKey] = useState<string | null>(null);

  const [preview, setPreview] = useState<{ key: string; value?: PromotionPreview; error?: ApiErrorBody } | null>(null);
  const [definitions, setDefinitions] = useState<{ key: string; live: TestDefinition | null; promoted: TestDefinition | null } | null>(null);
  const [lookup, setLookup] = useState<{ key: string; issue?: IssueSummary; error?: ApiErrorBody } | null>(null);
  const [override, setOverride] = useState(false);
  const [overrideReason, setOverrideReason] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiErrorBody | null>(null);
  const [result, setResult] = useState<{ target: Target; value: PromoteResult } | null>(null);

  // The default source: what the server's pre-check names (QA's verified revision for production) until the user picks.
  // (Any default answer for this target: the key typed may itself follow the source it names.)
  const defaultPreview = preview && preview.key.startsWith(`${target}|`) && preview.key.endsWith('|default') ? preview.value : undefined;
  const defaultIndex = chosen === null ? Math.max(0, optionFor(options, defaultPreview?.sourceRevision ?? (target === 'production' ? defaultPreview?.verifiedRevision ?? null : null), qaSource)) : chosen;
  const source = options[Math.min(defaultIndex, options.length - 1)];
  const prefilledKey = source ? commitIssueKey(props, source) : null;
  const issueKey = typedKey ?? prefilledKey ?? '';
  const normalizedKey = issueKey.trim().toUpperCase();
  const previewKey = `${target}|${normalizedKey}|${chosen === null ? 'default' : `${source?.from}:${source?.revision}`}`;

  useEffect(() => {
    if (!open || !source) return;
    let cancelled = false;
    const key = previewKey;
    const timer = setTimeout(() => {
      const query = { from: source.from, to: target, issueKey: isIssueKey(normalizedKey) ? normalizedKey : undefined, revision: chosen === null ? undefined : source.revision };
      api.tests.promotionPreview(testName, query)
        .then((value) => !cancelled && setPreview({ key, value }))
        .catch((caught) => !cancelled && setPreview({ key, error: caught as ApiErrorBody }));
    }, 200);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [open, previewKey]); // eslint-disable-line react-hooks/exhaustive-deps

  const current = preview?.key === previewKey ? preview : null;
  const promotedRevision = current?.value?.sourceRevision ?? source?.revision ?? null;

  // The drift panel compares the definitions themselves: what the target holds now and what would replace it.
  const definitionsKey = `${target}|${promotedRevision}`;
  useEffect(() => {
    if (!open || !promotedRevision) return;
    let cancelled = false;
    Promise.all([
      props.live[target].revision ? api.tests.read(testName, { env: target }).then((read) => readDefinition(read.text)) : Promise.resolve(null),
      api.tests.read(testName, { revision: promotedRevision }).then((read) => readDefinition(read.text)),
    ])
      .then(([live, promoted]) => !cancelled && setDefinitions({ key: definitionsKey, live, promoted }))
      .catch(() => !cancelled && setDefinitions({ key: definitionsKey, live: null, promoted: null }));
    return () => {
      cancelled = true;
    };
  }, [open, definitionsKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const drift = definitions?.key === definitionsKey ? definitions : null;

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
  const refusal = current?.value?.refusal ?? null;
  const verifiedRevision = current?.value?.verifiedRevision ?? null;
  const notVerified = production && refusal?.code === 'NOT_VERIFIED';
  const overriding = notVerified && override;
  const blocking = refusal !== null && !overriding;
  const verifiedIndex = optionFor(options, verifiedRevision, qaSource);
  const canSubmit =
    !!source && !!current?.value && !blocking && (!overriding || overrideReason.trim() !== '') && issueKey.trim() !== '' && (!production || confirmed) && !busy && !result;

  useEffect(() => {
    if (!result) return;
    const timer = setTimeout(() => dialog.current?.close(), CLOSE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [result]);

  function reset(nextTarget: Target) {
    setTarget(nextTarget);
    setTypedKey(null);
    setChosen(null);
    setConfirmed(false);
    setOverride(false);
    setOverrideReason('');
    setError(null);
  }

  return (
    <>
      <button
        type="button"
        className={primaryButtonClass}
        onClick={() => {
          setOpen(true);
          setResult(null);
          reset(target);
          dialog.current?.showModal();
        }}
      >
        Promote…
      </button>
      {result && !open && (
        <p role="status" className="self-center text-sm text-emerald-800 dark:text-emerald-300" data-testid="promote-result">
          Promoted to {result.target}: now at {shortRevision(result.value.revision)}.
        </p>
      )}
      <dialog
        ref={dialog}
        onClose={() => setOpen(false)}
        aria-labelledby="promote-title"
        className={`m-auto max-h-[94vh] w-[min(48rem,96vw)] overflow-y-auto rounded-lg bg-white p-0 text-slate-900 shadow-xl backdrop:bg-black/50 dark:bg-slate-900 dark:text-slate-100 ${production ? 'border-4 border-red-600' : ''}`}
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
            if (!source || !canSubmit) return;
            setBusy(true);
            setError(null);
            try {
              const promoted = await api.tests.promote(testName, {
                from: source.from,
                to: target,
                revision: promotedRevision ?? source.revision,
                targetRevision: props.live[target].revision,
                issueKey: issueKey.trim(),
                ...(overriding ? { override: { reason: overrideReason.trim() } } : {}),
              });
              setResult({ target, value: promoted });
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
            <div className="mt-1 flex flex-wrap gap-4">
              {(['qa', 'production'] as const).map((env) => (
                <label key={env} className="flex items-center gap-2 text-sm">
                  <input type="radio" name="target" value={env} checked={target === env} disabled={!!result} onChange={() => reset(env)} />
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
            <select id="promote-source" className={`${inputClass} min-w-0`} value={Math.min(defaultIndex, options.length - 1)} disabled={!!result} onChange={(event) => setChosen(Number(event.target.value))}>
              {options.map((option, index) => (
                <option key={`${option.from}:${option.revision}`} value={index}>
                  {index === verifiedIndex ? '✔ verified in qa — ' : ''}
                  {option.label}
                </option>
              ))}
            </select>
            {production && (
              <p className="text-xs text-slate-700 dark:text-slate-300" data-testid="verified-revision">
                {verifiedRevision
                  ? `QA verified ${shortRevision(verifiedRevision)}${issue ? ` under ${issue.key}` : ''}; that is the default for production.`
                  : current?.value
                    ? 'QA has not verified a revision of this test under this issue.'
                    : ''}
              </p>
            )}
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor="promote-issue" className="text-sm font-medium">
              Issue key
            </label>
            <input id="promote-issue" name="issueKey" required className={inputClass} placeholder="PROTEST-7" value={issueKey} disabled={!!result} onChange={(event) => setTypedKey(event.target.value)} aria-describedby="promote-issue-status" />
            <div id="promote-issue-status" aria-live="polite" className="text-sm">
              {typedKey === null && prefilledKey && <p className="text-xs text-slate-600 dark:text-slate-400">From the commit of the source revision.</p>}
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
          {current?.error && <ErrorPanel error={current.error} title="The pre-check could not run" />}
          {notVerified && (
            <div className="rounded border border-amber-500 bg-amber-50 p-2 text-sm text-amber-950 dark:border-amber-600 dark:bg-amber-950 dark:text-amber-100" data-testid="not-verified">
              <p className="font-medium">
                {verifiedRevision
                  ? `Verified revision ${shortRevision(verifiedRevision)} ≠ revision you are promoting ${shortRevision(promotedRevision)}.`
                  : `Revision ${shortRevision(promotedRevision)} was not verified in qa.`}
              </p>
              <p className="mt-1">{refusal?.message}</p>
              <div className="mt-2 flex flex-wrap items-center gap-2">
                {verifiedIndex >= 0 && (
                  <button type="button" className={primaryButtonClass} onClick={() => (setChosen(verifiedIndex), setOverride(false))}>
                    Promote the verified revision {shortRevision(verifiedRevision)} instead
                  </button>
                )}
              </div>
              <details className="mt-2" open={override}>
                <summary className="cursor-pointer text-xs">Promote this unverified revision anyway…</summary>
                <label className="mt-2 flex items-start gap-2">
                  <input type="checkbox" className="mt-1" checked={override} onChange={(event) => setOverride(event.target.checked)} />
                  <span>Not verified in qa: promote anyway (recorded in the audit log and on the issue under your name)</span>
                </label>
                {override && (
                  <div className="mt-1 flex flex-col gap-1">
                    <label htmlFor="promote-override-reason" className="text-xs font-medium">
                      Reason for the override (required)
                    </label>
                    <textarea id="promote-override-reason" className={inputClass} rows={2} value={overrideReason} onChange={(event) => setOverrideReason(event.target.value)} />
                  </div>
                )}
              </details>
            </div>
          )}
          {refusal && !notVerified && (
            <div role="alert" className="rounded border border-red-400 bg-red-50 p-2 text-sm text-red-950 dark:border-red-700 dark:bg-red-950 dark:text-red-100" data-testid="promote-refusal" data-refusal-code={refusal.code}>
              <p className="font-medium">Promotion not possible yet</p>
              <p>{refusal.message}</p>
            </div>
          )}
          <section aria-labelledby="promote-drift-title">
            <h3 id="promote-drift-title" className="text-sm font-medium">
              Users who would switch bucket in {target}
            </h3>
            {!drift ? (
              <p className="text-sm">Comparing…</p>
            ) : !drift.live ? (
              <p className="text-sm">Nothing is live in {target} yet: nobody switches.</p>
            ) : (
              <>
                <DefinitionDrift before={drift.live} after={drift.promoted} envLabel={target} />
                <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">Allocations without a panel move nobody.</p>
              </>
            )}
          </section>
          <section aria-labelledby="promote-changes-title">
            <h3 id="promote-changes-title" className="text-sm font-medium">
              What changes in {target} (live {shortRevision(props.live[target].revision)} → {shortRevision(promotedRevision)})
            </h3>
            <div className="mt-1">
              {current?.value ? <PromotionChanges changes={current.value.changes} /> : <p className="text-sm">Loading the difference…</p>}
            </div>
          </section>
          {production && (
            <label className="flex items-start gap-2 rounded border border-red-400 bg-red-50 p-2 text-sm text-red-950 dark:border-red-700 dark:bg-red-950 dark:text-red-100">
              <input type="checkbox" checked={confirmed} disabled={!!result} onChange={(event) => setConfirmed(event.target.checked)} className="mt-1" />
              <span>I confirm: this changes what real users get in PRODUCTION.</span>
            </label>
          )}
          {error && <ErrorPanel error={error} title="The promotion was refused" />}
          {result && (
            <div role="status" className="rounded border border-emerald-400 bg-emerald-50 p-2 text-sm text-emerald-950 dark:border-emerald-700 dark:bg-emerald-950 dark:text-emerald-100">
              <p>
                Promoted to {result.target}: {result.target} is now at {shortRevision(result.value.revision)}.
                {result.value.issue.to && result.value.issue.from !== result.value.issue.to ? ` ${result.value.issue.key} moved ${result.value.issue.from} → ${result.value.issue.to}.` : ''}
              </p>
              {result.value.issue.transitionError && <p className="mt-1 text-amber-900 dark:text-amber-200">{result.value.issue.transitionError}</p>}
              {result.value.notices.map((notice, index) => (
                <p key={index} className="mt-1 text-xs">
                  {notice}
                </p>
              ))}
              <p className="mt-1 text-xs">This dialog closes by itself.</p>
            </div>
          )}
          <div className="flex justify-end gap-2">
            <button type="button" className={buttonClass} onClick={() => dialog.current?.close()}>
              {result ? 'Close' : 'Cancel'}
            </button>
            <button type="submit" className={production ? dangerButtonClass : primaryButtonClass} disabled={!canSubmit}>
              {busy ? 'Promoting…' : production ? (overriding ? 'Promote unverified to PRODUCTION' : 'Promote to PRODUCTION') : 'Promote to qa'}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
