'use client';
import { useState } from 'react';
import { EnvBadge } from '@/components/env-badge';
import { ErrorPanel } from '@/components/error-panel';
import { parseContextText } from '@/lib/domain/context-text';
import { api, type Assignment, type BucketCheckResult } from '@/lib/ui/api';
import type { ApiErrorBody } from '@/lib/ui/api-error';
import { ENV_NAMES } from '@/lib/ui/environments';
import { inputClass, primaryButtonClass } from '@/lib/ui/styles';

/** The reason in plain words; Proctor's own text stays available beneath it. */
function Why({ assignment }: { assignment: Assignment }) {
  if (!assignment.explanation) return <>{assignment.message}</>;
  return (
    <>
      <p data-testid="bucket-check-explanation">{assignment.explanation}</p>
      <details className="mt-1">
        <summary className="cursor-pointer text-slate-600 dark:text-slate-400">Proctor says</summary>
        <p className="mt-1 font-mono break-words">{assignment.message}</p>
      </details>
    </>
  );
}

/** "Which bucket would this identifier get?" in every environment, with the allocation and rule that decided it. */
export function BucketCheckForm({ testName, testType }: { testName: string; testType: string | null }) {
  const [result, setResult] = useState<BucketCheckResult | null>(null);
  const [error, setError] = useState<ApiErrorBody | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div className="space-y-4">
      <form
        className="grid gap-3 md:grid-cols-2"
        onSubmit={async (event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          setError(null);
          // Old results go as soon as a new check starts: a failed check never leaves the previous answer on show.
          setResult(null);
          const parsed = parseContextText(String(form.get('context') ?? ''));
          if (!parsed.ok) {
            setError({ code: 'BAD_REQUEST', message: `The context cannot be read. ${parsed.message}`, details: [{ path: '/context', message: parsed.message }] });
            return;
          }
          const context = parsed.context;
          setBusy(true);
          try {
            const idType = String(form.get('idType') ?? '').trim();
            setResult(await api.tests.bucketCheck(testName, { identifier: String(form.get('identifier') ?? ''), ...(idType ? { idType } : {}), context }));
          } catch (caught) {
            setError(caught as ApiErrorBody);
            setResult(null);
          } finally {
            setBusy(false);
          }
        }}
      >
        <div className="flex flex-col gap-1">
          <label htmlFor="bc-identifier" className="text-sm font-medium">
            Identifier
          </label>
          <input id="bc-identifier" name="identifier" required className={inputClass} placeholder="e.g. a user id" />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="bc-idtype" className="text-sm font-medium">
            Identifier type
          </label>
          <input id="bc-idtype" name="idType" className={inputClass} placeholder={testType ?? 'USER'} />
        </div>
        <div className="flex flex-col gap-1 md:col-span-2">
          <label htmlFor="bc-context" className="text-sm font-medium">
            Context variables
          </label>
          <textarea id="bc-context" name="context" rows={3} className={`${inputClass} font-mono`} placeholder="lang=fr, country=CA" aria-describedby="bc-context-hint" spellCheck={false} />
          <p id="bc-context-hint" className="text-xs text-slate-600 dark:text-slate-400">
            name=value pairs separated by commas (as in the editor&apos;s rule helper), or a JSON object.
          </p>
        </div>
        <div>
          <button type="submit" className={primaryButtonClass} disabled={busy}>
            {busy ? 'Checking…' : 'Check bucket'}
          </button>
        </div>
      </form>
      {error && <ErrorPanel error={error} />}
      {result && (
        <table className="w-full text-left text-sm" aria-label="Bucket per environment">
          <thead>
            <tr className="border-b border-slate-300 dark:border-slate-600">
              <th scope="col" className="py-1 pr-3">Environment</th>
              <th scope="col" className="py-1 pr-3">Bucket</th>
              <th scope="col" className="py-1 pr-3">Decided by</th>
              <th scope="col" className="py-1">Why</th>
            </tr>
          </thead>
          <tbody>
            {ENV_NAMES.map((env) => {
              const assignment = result.results[env];
              return (
                <tr key={env} className="border-b border-slate-200 align-top dark:border-slate-700" data-bucket-env={env}>
                  <td className="py-1 pr-3">
                    <EnvBadge env={env} />
                  </td>
                  <td className="py-1 pr-3 font-medium">{assignment ? (assignment.bucket ? `${assignment.bucket.name} (${assignment.bucket.value})` : 'no bucket (fallback)') : 'not in this environment'}</td>
                  <td className="py-1 pr-3 text-xs">
                    {assignment?.allocationIndex !== undefined ? (
                      <>
                        allocation {assignment.allocationIndex + 1}
                        {assignment.allocationId ? ` ${assignment.allocationId}` : ''}: {assignment.allocationRule ? <code>{assignment.allocationRule}</code> : 'everyone else'}
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td className="py-1 text-xs">{assignment ? <Why assignment={assignment} /> : ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
