'use client';
/**
 * Save: the issue key (checked as you type: exists, ProTest, not closed), a comment, what will be committed (the
 * semantic diff against the base), auto-promotion said in advance (refused, with the share, when the change moves users
 * between active buckets — the editor's drift panel shows who), the production confirmation when auto-promotion would
 * reach production, warnings acknowledged; after the save, the revision(s) and the issue.
 */
import { useEffect, useMemo, useState } from 'react';
import { SemanticChanges } from '@/components/test-page/semantic-changes';
import { isIssueKey } from '@/lib/domain/issue-key';
import { DEFAULT_WORKFLOW_RULES } from '@/lib/issues/workflow';
import { parseDefinition, type TestDefinition, type ValidationIssue } from '@/lib/proctor';
import { diffDefinitions } from '@/lib/proctor/diff-definitions';
import { api, type AutoPromotionForecast, type IssueSummary } from '@/lib/ui/api';
import type { ApiErrorBody } from '@/lib/ui/api-error';
import { shortRevision } from '@/lib/ui/format';
import { buttonClass, dangerButtonClass, primaryButtonClass } from '@/lib/ui/styles';
import { ChangeRecordFields } from './change-record-fields';
import { DefinitionDrift } from './definition-drift';
import { ModalDialog } from './modal-dialog';

export interface SaveRequest {
  issueKey: string;
  comment: string;
  autoPromote: boolean;
}

/** What the save answered (POST/PUT /api/v1/tests), as far as the confirmation needs it. */
export interface SavedChange {
  testName: string;
  revision: string;
  autoPromotion?: { status: 'promoted' | 'refused' | 'failed'; promotions: { env: 'qa' | 'production'; revision: string }[]; reason?: string; message?: string };
  notices?: string[];
}


function parse(text: string | null): TestDefinition | null {
  if (!text) return null;
  try {
    return parseDefinition(text);
  } catch {
    return null;
  }
}

/** The issue check: the tracker's answer against the workflow's rules for saving (lib/issues/workflow.ts). */
function issueProblem(issue: IssueSummary): string | null {
  if (issue.type !== DEFAULT_WORKFLOW_RULES.requiredIssueType) return `${issue.key} is a '${issue.type}' issue; changes need a ${DEFAULT_WORKFLOW_RULES.requiredIssueType} issue.`;
  if (DEFAULT_WORKFLOW_RULES.saveForbiddenStatuses.includes(issue.status)) return `${issue.key} is ${issue.status}: choose an open issue, or reopen it first.`;
  return null;
}

function Confirmation({ saved, issueKey, onDone }: { saved: SavedChange; issueKey: string; onDone: () => void }) {
  const auto = saved.autoPromotion;
  return (
    <div className="space-y-3">
      <div role="status" className="rounded border border-emerald-400 bg-emerald-50 p-3 text-sm text-emerald-950 dark:border-emerald-700 dark:bg-emerald-950 dark:text-emerald-100" data-testid="save-confirmation">
        <p>
          Saved to trunk as revision <code className="font-semibold">{shortRevision(saved.revision)}</code> under <strong>{issueKey}</strong>.
        </p>
        {auto?.promotions.map((promotion) => (
          <p key={promotion.env}>
            Auto-promoted to {promotion.env === 'production' ? 'PRODUCTION' : 'qa'}: now at <code className="font-semibold">{shortRevision(promotion.revision)}</code>.
          </p>
        ))}
        {auto && auto.status !== 'promoted' && (
          <p className="mt-1 text-amber-900 dark:text-amber-200">
            Not auto-promoted{auto.reason ? `: ${auto.reason}` : '.'} The change is in trunk; promote it through qa.
          </p>
        )}
        {saved.notices?.map((notice, index) => (
          <p key={index} className="mt-1 text-xs">
            {notice}
          </p>
        ))}
      </div>
      <div className="flex justify-end">
        <button type="button" className={primaryButtonClass} onClick={onDone}>
          Open the test
        </button>
      </div>
    </div>
  );
}

export function SaveDialog({
  open,
  onClose,
  onSave,
  onDone,
  testName,
  text,
  baseText,
  existing,
  warnings,
  saving,
  initialIssueKey,
  initialComment = '',
}: {
  open: boolean;
  onClose: () => void;
  /** Resolves to the save's answer, or undefined when it was refused (the editor shows why). */
  onSave: (request: SaveRequest) => Promise<SavedChange | undefined>;
  /** After the confirmation: where the user goes next. */
  onDone: (testName: string) => void;
  testName: string;
  text: string;
  /** The trunk definition the edit started from; null for a new test. */
  baseText: string | null;
  /** The test exists already (its trunk history links issues; qa and production may hold it). */
  existing: boolean;
  warnings: ValidationIssue[];
  saving: boolean;
  initialIssueKey: string;
  /** A prepared change (e.g. "End the test choosing …") proposes its comment. */
  initialComment?: string;
}) {
  const [issueKey, setIssueKey] = useState(initialIssueKey);
  const [comment, setComment] = useState(initialComment);
  const [autoPromote, setAutoPromote] = useState(false);
  const [productionConfirmed, setProductionConfirmed] = useState(false);
  const [acknowledged, setAcknowledged] = useState(false);
  const [forecast, setForecast] = useState<{ text: string; value: AutoPromotionForecast } | null>(null);
  // Only the answer for the text being saved counts.
  const plan = forecast?.text === text ? forecast.value : null;
  const [production, setProduction] = useState<TestDefinition | null>(null);
  const [linked, setLinked] = useState<string[]>([]);
  const [lookup, setLookup] = useState<{ key: string; issue?: IssueSummary; error?: ApiErrorBody } | null>(null);
  const [saved, setSaved] = useState<{ change: SavedChange; issueKey: string } | null>(null);

  useEffect(() => {
    if (!open) return;
    let cancelled = false;
    api.tests.autoPromotion(testName, text)
      .then((value) => !cancelled && setForecast({ text, value }))
      .catch((e: { message?: string }) => !cancelled && setForecast({ text, value: { eligible: false, reason: e.message ?? 'Could not check auto-promotion.' } }));
    return () => {
      cancelled = true;
    };
  }, [open, testName, text]);

  // What production holds (for the drift panel) and the issues this test's history is linked to (offered first).
  useEffect(() => {
    if (!open || !existing) return;
    let cancelled = false;
    api.tests.read(testName, { env: 'production' })
      .then((read) => !cancelled && setProduction(parse(read.text)))
      .catch(() => !cancelled && setProduction(null));
    api.tests.history(testName, { env: 'trunk', limit: 50 })
      .then((history) => !cancelled && setLinked([...new Set(history.entries.flatMap((entry) => (entry.issueKey ? [entry.issueKey] : [])))]))
      .catch(() => !cancelled && setLinked([]));
    return () => {
      cancelled = true;
    };
  }, [open, existing, testName]);

  const normalizedKey = issueKey.trim().toUpperCase();
  useEffect(() => {
    if (!open || !isIssueKey(normalizedKey)) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      api.issues.read(normalizedKey)
        .then((issue) => !cancelled && setLookup({ key: normalizedKey, issue }))
        .catch((error) => !cancelled && setLookup({ key: normalizedKey, error: error as ApiErrorBody }));
    }, 200);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [open, normalizedKey]);
  const checked = lookup?.key === normalizedKey ? lookup : null;
  const problem =
    normalizedKey === ''
      ? 'Every change is recorded under a ProTest issue: type its key or pick one.'
      : !isIssueKey(normalizedKey)
        ? `'${issueKey.trim()}' is not an issue key (e.g. PROTEST-12).`
        : !checked
          ? null
          : checked.error
            ? checked.error.code === 'NOT_FOUND' || checked.error.code === 'ISSUE_NOT_FOUND'
              ? `${normalizedKey} does not exist. Check the key or create the issue.`
              : checked.error.message
            : issueProblem(checked.issue!);
  const issueValid = !!checked?.issue && problem === null;

  const changes = useMemo(() => (open ? diffDefinitions(parse(baseText), parse(text)).filter((change) => change.kind !== 'version-changed') : []), [open, baseText, text]);
  const promoting = autoPromote && plan?.eligible === true;
  const canSave = issueValid && (warnings.length === 0 || acknowledged) && (!promoting || productionConfirmed) && !saving;

  return (
    <ModalDialog
      open={open}
      // Closing the confirmation (Escape included) goes on to the test, as its button does.
      onClose={() => (saved ? onDone(saved.change.testName || testName) : onClose())}
      title={saved ? `Saved ${testName}` : `Save ${testName} to trunk`}
    >
      {saved ? (
        <Confirmation saved={saved.change} issueKey={saved.issueKey} onDone={() => onDone(saved.change.testName || testName)} />
      ) : (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            if (!canSave) return;
            const key = normalizedKey;
            const change = await onSave({ issueKey: key, comment, autoPromote: promoting });
            if (change) setSaved({ change, issueKey: key });
          }}
          className="space-y-3"
        >
          <ChangeRecordFields
            idPrefix="save"
            issueKey={issueKey}
            onIssueKey={setIssueKey}
            comment={comment}
            onComment={setComment}
            rows={2}
            linked={linked}
            issueStatus={
              problem ? (
                <span className="text-red-800 dark:text-red-300" data-issue-valid="no">
                  {problem}
                </span>
              ) : checked?.issue ? (
                <span className="text-emerald-800 dark:text-emerald-300" data-issue-valid="yes">
                  ✓ {checked.issue.key} “{checked.issue.summary}” — {checked.issue.status}
                  {linked.includes(checked.issue.key) ? ' (linked to this test)' : ''}
                </span>
              ) : (
                <span className="text-slate-600 dark:text-slate-400">Checking {normalizedKey}…</span>
              )
            }
          />
          <section aria-labelledby="save-changes-title">
            <h3 id="save-changes-title" className="text-sm font-medium">
              What will be committed
            </h3>
            <div className="mt-1 max-h-48 overflow-y-auto" data-testid="save-changes">
              {baseText === null ? <p className="text-sm">A new test.</p> : <SemanticChanges changes={changes} />}
            </div>
          </section>
          <div className="rounded border border-slate-200 p-2 text-sm dark:border-slate-700">
            <label className="flex items-center gap-2">
              <input
                type="checkbox"
                className="h-4 w-4"
                checked={promoting}
                disabled={plan?.eligible !== true}
                onChange={(e) => {
                  setAutoPromote(e.target.checked);
                  setProductionConfirmed(false);
                }}
              />
              Auto-promote to qa and production
            </label>
            <p className={`mt-1 text-xs ${plan && !plan.eligible ? 'text-amber-900 dark:text-amber-200' : 'text-slate-700 dark:text-slate-300'}`} data-testid="auto-promotion-plan" data-eligible={plan ? String(plan.eligible) : undefined}>
              {plan === null
                ? 'Checking whether this change qualifies…'
                : plan.eligible
                  ? 'This change qualifies: it moves no user between active buckets, so it may skip the qa verification.'
                  : `Not allowed: ${plan.refusal?.message ?? plan.reason ?? ''}`}
            </p>
            {production && <DefinitionDrift before={production} after={parse(text)} envLabel="production" />}
            {promoting && (
              <label className="mt-2 flex items-start gap-2 rounded border border-red-400 bg-red-50 p-2 text-red-950 dark:border-red-700 dark:bg-red-950 dark:text-red-100">
                <input type="checkbox" className="mt-1" checked={productionConfirmed} onChange={(e) => setProductionConfirmed(e.target.checked)} />
                <span>I confirm: this changes what real users get in PRODUCTION.</span>
              </label>
            )}
          </div>
          {warnings.length > 0 && (
            <div className="rounded border border-amber-400 bg-amber-50 p-2 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
              <p className="font-medium">{warnings.length} warning(s):</p>
              <ul className="list-disc pl-5 text-xs">
                {warnings.map((w, i) => (
                  <li key={i}>
                    {w.path && <code>{w.path}</code>} {w.message}
                  </li>
                ))}
              </ul>
              <label className="mt-1 flex items-center gap-2">
                <input type="checkbox" className="h-4 w-4" checked={acknowledged} onChange={(e) => setAcknowledged(e.target.checked)} />
                I have read the warnings and want to save anyway
              </label>
            </div>
          )}
          {!canSave && !saving && (
            <p className="text-right text-xs text-slate-700 dark:text-slate-300" data-testid="save-blocked">
              Save is possible once {[!issueValid && 'the issue is valid', warnings.length > 0 && !acknowledged && 'the warnings are acknowledged', promoting && !productionConfirmed && 'production is confirmed'].filter(Boolean).join(', ')}.
            </p>
          )}
          <div className="flex justify-end gap-2">
            <button type="button" className={buttonClass} onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className={promoting ? dangerButtonClass : primaryButtonClass} disabled={!canSave}>
              {saving ? 'Saving…' : promoting ? 'Save and promote to PRODUCTION' : 'Save'}
            </button>
          </div>
        </form>
      )}
    </ModalDialog>
  );
}
