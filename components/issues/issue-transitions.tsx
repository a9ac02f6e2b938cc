'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { ErrorPanel } from '@/components/error-panel';
import { api } from '@/lib/ui/api';
import type { ApiErrorBody } from '@/lib/ui/api-error';
import { buttonClass } from '@/lib/ui/styles';

/** The workflow transitions available from the issue's status, one button each. */
export function IssueTransitions({ issueKey, transitions }: { issueKey: string; transitions: { id: string; name: string; to: string }[] }) {
  const router = useRouter();
  const [error, setError] = useState<ApiErrorBody | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div className="space-y-2">
      {/* The last move's result stays readable when the new status offers nothing more to do by hand. */}
      {transitions.length === 0 && <p className="text-sm text-slate-600 dark:text-slate-400">Nothing to move by hand from this status.</p>}
      <div className="flex flex-wrap gap-2" role="group" aria-label="Move the issue" hidden={transitions.length === 0}>
        {transitions.map((transition) => (
          <button
            key={transition.id}
            type="button"
            className={buttonClass}
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              setError(null);
              setMessage(null);
              try {
                const result = await api.issues.transition(issueKey, transition.to);
                setMessage(`${issueKey} moved from ${result.from} to ${result.to}.`);
                router.refresh();
              } catch (caught) {
                setError(caught as ApiErrorBody);
              } finally {
                setBusy(false);
              }
            }}
          >
            {transition.name} → {transition.to}
          </button>
        ))}
      </div>
      <p role="status" className="text-sm text-emerald-800 dark:text-emerald-300">
        {message}
      </p>
      {error && <ErrorPanel error={error} />}
    </div>
  );
}
