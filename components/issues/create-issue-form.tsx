'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { ErrorPanel } from '@/components/error-panel';
import { api } from '@/lib/ui/api';
import type { ApiErrorBody } from '@/lib/ui/api-error';
import { inputClass, primaryButtonClass } from '@/lib/ui/styles';

/** Creates a ProTest issue in the built-in tracker and opens it. */
export function CreateIssueForm() {
  const router = useRouter();
  const [error, setError] = useState<ApiErrorBody | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="grid gap-3 md:grid-cols-[1fr_2fr_auto] md:items-end"
      aria-label="Create an issue"
      onSubmit={async (event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        setBusy(true);
        setError(null);
        try {
          const created = await api.issues.create({ type: 'ProTest', summary: String(form.get('summary') ?? ''), description: String(form.get('description') ?? '') || undefined });
          router.push(`/issues/${created.key}`);
        } catch (caught) {
          setError(caught as ApiErrorBody);
          setBusy(false);
        }
      }}
    >
      <div className="flex flex-col gap-1">
        <label htmlFor="issue-summary" className="text-sm font-medium">
          Summary
        </label>
        <input id="issue-summary" name="summary" required maxLength={255} className={inputClass} />
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="issue-description" className="text-sm font-medium">
          Description (optional)
        </label>
        <input id="issue-description" name="description" className={inputClass} />
      </div>
      <button type="submit" className={primaryButtonClass} disabled={busy}>
        {busy ? 'Creating…' : 'Create ProTest issue'}
      </button>
      {error && (
        <div className="md:col-span-3">
          <ErrorPanel error={error} />
        </div>
      )}
    </form>
  );
}
