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
}: {
  idPrefix: string;
  issueKey: string;
  onIssueKey: (key: string) => void;
  comment: string;
  onComment: (comment: string) => void;
  rows: number;
}) {
  return (
    <>
      <div>
        <label htmlFor={`${idPrefix}-issue`} className="block text-sm font-medium">
          Issue key
        </label>
        <IssuePicker id={`${idPrefix}-issue`} value={issueKey} onChange={onIssueKey} />
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
