'use client';
/** Save: issue key (typeahead), comment, auto-promotion (said in advance whether it qualifies), warnings acknowledged. */
import { useEffect, useState } from 'react';
import type { ValidationIssue } from '@/lib/proctor';
import { api } from '@/lib/ui/api';
import { buttonClass, primaryButtonClass } from '@/lib/ui/styles';
import { ChangeRecordFields } from './change-record-fields';
import { ModalDialog } from './modal-dialog';

export interface SaveRequest {
  issueKey: string;
  comment: string;
  autoPromote: boolean;
}

export function SaveDialog({
  open,
  onClose,
  onSave,
  testName,
  text,
  warnings,
  saving,
  initialIssueKey,
}: {
  open: boolean;
  onClose: () => void;
  onSave: (request: SaveRequest) => void;
  testName: string;
  text: string;
  warnings: ValidationIssue[];
  saving: boolean;
  initialIssueKey: string;
}) {
  const [issueKey, setIssueKey] = useState(initialIssueKey);
  const [comment, setComment] = useState('');
  const [autoPromote, setAutoPromote] = useState(false);
  const [acknowledged, setAcknowledged] = useState(false);
  const [plan, setPlan] = useState<{ eligible: boolean; reason?: string } | null>(null);
  useEffect(() => {
    if (!open) return;
    let cancelled = false;
    api.tests.autoPromotion(testName, text)
      .then((p) => !cancelled && setPlan(p))
      .catch((e: { message?: string }) => !cancelled && setPlan({ eligible: false, reason: e.message ?? 'Could not check auto-promotion.' }));
    return () => {
      cancelled = true;
    };
  }, [open, testName, text]);
  const canSave = issueKey.trim() !== '' && (warnings.length === 0 || acknowledged) && !saving;
  return (
    <ModalDialog open={open} onClose={onClose} title={`Save ${testName} to trunk`}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (canSave) onSave({ issueKey: issueKey.trim(), comment, autoPromote: autoPromote && plan?.eligible === true });
        }}
        className="space-y-3"
      >
        <ChangeRecordFields idPrefix="save" issueKey={issueKey} onIssueKey={setIssueKey} comment={comment} onComment={setComment} rows={3} />
        <div className="rounded border border-slate-200 p-2 text-sm dark:border-slate-700">
          <label className="flex items-center gap-2">
            <input type="checkbox" className="h-4 w-4" checked={autoPromote && plan?.eligible === true} disabled={plan?.eligible !== true} onChange={(e) => setAutoPromote(e.target.checked)} />
            Auto-promote to qa and production
          </label>
          <p className="mt-1 text-xs text-slate-700 dark:text-slate-300" data-testid="auto-promotion-plan">
            {plan === null ? 'Checking whether this change qualifies…' : plan.eligible ? 'This change qualifies (allocation-only change).' : `Does not qualify: ${plan.reason ?? ''}`}
          </p>
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
        <div className="flex justify-end gap-2">
          <button type="button" className={buttonClass} onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={primaryButtonClass} disabled={!canSave}>
            {saving ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
