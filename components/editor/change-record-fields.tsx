'use client';
/** The issue key (with typeahead) and comment every change to trunk is recorded with: save and delete alike. */
import { inputClass } from '@/lib/ui/styles';
import { IssuePicker } from './issue-picker';

export function ChangeRecordFields({
  idPrefix,
  issueKey,
  onIssueKey,
  comment,
  onComment,
  rows,
  linked,
  issueStatus,
}: {
  idPrefix: string;
  issueKey: string;
  onIssueKey: (key: string) => void;
  comment: string;
  onComment: (comment: string) => void;
  rows: number;
  /** Issue keys linked to this test, offered first. */
  linked?: string[];
  /** The form's own check of the key (shown under the field instead of the picker's description). */
  issueStatus?: React.ReactNode;
}) {
  return (
    <>
      <div>
        <label htmlFor={`${idPrefix}-issue`} className="block text-sm font-medium">
          Issue key
        </label>
        <IssuePicker id={`${idPrefix}-issue`} value={issueKey} onChange={onIssueKey} linked={linked} describe={issueStatus === undefined} describedBy={issueStatus === undefined ? undefined : `${idPrefix}-issue-check`} />
        {issueStatus !== undefined && (
          <div id={`${idPrefix}-issue-check`} aria-live="polite" className="mt-0.5 text-xs">
            {issueStatus}
          </div>
        )}
      </div>
      <div>
        <label htmlFor={`${idPrefix}-comment`} className="block text-sm font-medium">
          Comment
        </label>
        <textarea id={`${idPrefix}-comment`} className={`${inputClass} w-full`} rows={rows} value={comment} onChange={(e) => onComment(e.target.value)} />
      </div>
    </>
  );
}
