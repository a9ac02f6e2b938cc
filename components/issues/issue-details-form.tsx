'use client';
import { useState } from 'react';
import { ErrorPanel } from '@/components/error-panel';
import { api } from '@/lib/ui/api';
import { buttonClass, cardClass, inputClass, primaryButtonClass } from '@/lib/ui/styles';
import { useApiAction } from '@/lib/ui/use-api-action';

/**
 * The issue's description and assignee: shown to everyone, editable by editors and QA. The values the form started
 * from go with the save, so someone else's edit in the meantime is refused (and shown), not overwritten.
 */
export function IssueDetailsForm({ issueKey, description, assignee, canEdit }: { issueKey: string; description: string; assignee: string | null; canEdit: boolean }) {
  const [editing, setEditing] = useState(false);
  const [draftDescription, setDraftDescription] = useState(description);
  const [draftAssignee, setDraftAssignee] = useState(assignee ?? '');
  const { error, setError, busy, run } = useApiAction();
  if (!editing) {
    return (
      <section className={cardClass} aria-labelledby="issue-description">
        <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
          <h2 id="issue-description" className="font-semibold">Description</h2>
          {canEdit && (
            <button
              type="button"
              className={buttonClass}
              onClick={() => {
                setDraftDescription(description);
                setDraftAssignee(assignee ?? '');
                setError(null);
                setEditing(true);
              }}
            >
              Edit description and assignee
            </button>
          )}
        </div>
        {description ? <p className="whitespace-pre-wrap break-words text-sm" data-issue-description>{description}</p> : <p className="text-sm italic text-slate-600 dark:text-slate-400">No description.</p>}
        <p className="mt-2 text-sm">
          Assignee: <span data-issue-assignee>{assignee ?? <span className="italic">nobody</span>}</span>
        </p>
      </section>
    );
  }
  const changes = {
    ...(draftDescription !== description ? { description: draftDescription } : {}),
    ...(draftAssignee.trim() !== (assignee ?? '') ? { assignee: draftAssignee.trim() || null } : {}),
  };
  const previous = {
    ...('description' in changes ? { description } : {}),
    ...('assignee' in changes ? { assignee } : {}),
  };
  return (
    <section className={cardClass} aria-labelledby="issue-description">
      <h2 id="issue-description" className="mb-2 font-semibold">Description</h2>
      <form
        className="space-y-3"
        onSubmit={async (event) => {
          event.preventDefault();
          if (Object.keys(changes).length === 0) return setEditing(false);
          const saved = await run(() => api.issues.update(issueKey, { ...changes, previous }));
          if (saved) setEditing(false);
        }}
      >
        <div>
          <label htmlFor="issue-description-input" className="block text-sm font-medium">Description</label>
          <textarea id="issue-description-input" value={draftDescription} onChange={(event) => setDraftDescription(event.target.value)} rows={6} maxLength={32000} className={`${inputClass} w-full`} />
        </div>
        <div>
          <label htmlFor="issue-assignee-input" className="block text-sm font-medium">Assignee (user name; empty for nobody)</label>
          <input id="issue-assignee-input" value={draftAssignee} onChange={(event) => setDraftAssignee(event.target.value)} maxLength={100} autoComplete="off" className={`${inputClass} w-full sm:w-64`} />
        </div>
        <div className="flex flex-wrap gap-2">
          <button type="submit" className={primaryButtonClass} disabled={busy}>{busy ? 'Saving…' : 'Save'}</button>
          <button type="button" className={buttonClass} disabled={busy} onClick={() => setEditing(false)}>Cancel</button>
        </div>
        {error && <ErrorPanel error={error} title="The issue was not changed" />}
      </form>
    </section>
  );
}
