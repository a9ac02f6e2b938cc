'use client';
import { useState } from 'react';
import { EnvBadge } from '@/components/env-badge';
import { ErrorPanel } from '@/components/error-panel';
import { api, type BucketCheckResult } from '@/lib/ui/api';
import type { ApiErrorBody } from '@/lib/ui/api-error';
import { ENV_NAMES } from '@/lib/ui/environments';
import { inputClass, primaryButtonClass } from '@/lib/ui/styles';

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
          let context: unknown = {};
          const contextText = String(form.get('context') ?? '').trim();
          if (contextText) {
            try {
              context = JSON.parse(contextText);
            } catch (caught) {
              setError({ code: 'BAD_REQUEST', message: `The context is not valid JSON: ${(caught as Error).message}`, details: [{ path: '/context', message: 'must be a JSON object' }] });
              return;
            }
          }
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
            Context variables (JSON object)
          </label>
          <textarea id="bc-context" name="context" rows={3} className={`${inputClass} font-mono`} placeholder='{"country": "US", "lang": "en"}' />
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
                  <td className="py-1 text-xs">{assignment?.message ?? ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
