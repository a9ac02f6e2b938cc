'use client';
import { useState } from 'react';
import { EmptyState } from '@/components/empty-state';
import { ErrorPanel } from '@/components/error-panel';
import { api } from '@/lib/ui/api';
import { formatDateTime } from '@/lib/ui/format';
import { cardClass, inputClass, primaryButtonClass } from '@/lib/ui/styles';
import { useApiAction } from '@/lib/ui/use-api-action';

export interface IssueCommentView {
  id: number;
  author: string;
  body: string;
  createdAt: string | Date;
}

/** The issue's conversation, oldest first, and (for editors and QA) a box to add to it. */
export function IssueComments({ issueKey, comments, canComment }: { issueKey: string; comments: IssueCommentView[]; canComment: boolean }) {
  const [text, setText] = useState('');
  const { error, busy, run } = useApiAction();
  return (
    <section className={cardClass} aria-labelledby="issue-comments">
      <h2 id="issue-comments" className="mb-2 font-semibold">Comments</h2>
      {comments.length === 0 ? (
        <EmptyState title="No comments yet">Commits and promotions under {issueKey} add one each; people add theirs below.</EmptyState>
      ) : (
        <ol className="space-y-3" aria-label="Comments">
          {comments.map((comment) => (
            <li key={comment.id} className="border-l-4 border-slate-300 pl-3 dark:border-slate-600">
              <p className="text-xs text-slate-600 dark:text-slate-400">
                <strong className="text-slate-900 dark:text-slate-100">{comment.author}</strong> · <time dateTime={new Date(comment.createdAt).toISOString()}>{formatDateTime(comment.createdAt)}</time>
              </p>
              <p className="whitespace-pre-wrap break-words text-sm">{comment.body}</p>
            </li>
          ))}
        </ol>
      )}
      {canComment ? (
        <form
          className="mt-4 space-y-2"
          onSubmit={async (event) => {
            event.preventDefault();
            if (!text.trim()) return;
            const added = await run(async () => {
              await api.issues.comment(issueKey, text);
              return true;
            });
            if (added) setText('');
          }}
        >
          <label htmlFor="new-comment" className="block text-sm font-medium">Add a comment</label>
          <textarea id="new-comment" value={text} onChange={(event) => setText(event.target.value)} rows={3} maxLength={32000} className={`${inputClass} w-full`} placeholder="e.g. verified fr-CA excluded" />
          <button type="submit" className={primaryButtonClass} disabled={busy || !text.trim()}>
            {busy ? 'Adding…' : 'Add comment'}
          </button>
          {error && <ErrorPanel error={error} title="The comment was not added" />}
        </form>
      ) : (
        <p className="mt-3 text-sm text-slate-600 dark:text-slate-400">Adding comments needs the editor or QA role.</p>
      )}
    </section>
  );
}
