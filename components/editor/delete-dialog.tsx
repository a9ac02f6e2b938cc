'use client';
/** Delete a test from trunk with an issue key; when it is live in production the name must be typed to confirm. */
import { useState } from 'react';
import { buttonClass, dangerButtonClass, inputClass } from '@/lib/ui/styles';
import { ChangeRecordFields } from './change-record-fields';
import { ModalDialog } from './modal-dialog';

export function DeleteDialog({
  open,
  onClose,
  onDelete,
  testName,
  liveInProduction,
  busy,
}: {
  open: boolean;
  onClose: () => void;
  onDelete: (request: { issueKey: string; comment: string }) => void;
  testName: string;
  liveInProduction: boolean;
  busy: boolean;
}) {
  const [issueKey, setIssueKey] = useState('');
  const [comment, setComment] = useState('');
  const [typed, setTyped] = useState('');
  const confirmed = !liveInProduction || typed === testName;
  return (
    <ModalDialog open={open} onClose={onClose} title={`Delete ${testName} from trunk`}>
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (confirmed && issueKey.trim()) onDelete({ issueKey: issueKey.trim(), comment });
        }}
      >
        {liveInProduction && (
          <p role="alert" className="rounded bg-red-100 p-2 text-sm text-red-950 dark:bg-red-950 dark:text-red-100">
            This test is live in <strong>production</strong>. Deleting it from trunk and promoting that removes it for every user.
          </p>
        )}
        <ChangeRecordFields idPrefix="delete" issueKey={issueKey} onIssueKey={setIssueKey} comment={comment} onComment={setComment} rows={2} />
        {liveInProduction && (
          <div>
            <label htmlFor="delete-confirm" className="block text-sm font-medium">
              Type <code>{testName}</code> to confirm
            </label>
            <input id="delete-confirm" className={`${inputClass} w-full font-mono`} value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
          </div>
        )}
        <div className="flex justify-end gap-2">
          <button type="button" className={buttonClass} onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={dangerButtonClass} disabled={!confirmed || !issueKey.trim() || busy}>
            {busy ? 'Deleting…' : 'Delete test'}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
