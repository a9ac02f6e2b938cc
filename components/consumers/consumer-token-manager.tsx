'use client';
import { useState } from 'react';
import { ErrorPanel } from '@/components/error-panel';
import { RevokeTokenButton, TokenSecret } from '@/components/admin/token-secret';
import { callApi } from '@/lib/ui/api-error';
import { useApiAction } from '@/lib/ui/use-api-action';
import { ENV_NAMES } from '@/lib/ui/environments';
import { formatDateTime } from '@/lib/ui/format';
import { inputClass, primaryButtonClass } from '@/lib/ui/styles';

export interface ConsumerTokenRow {
  id: string;
  name: string;
  prefix: string;
  environment: string | null;
  scope: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** What each scope lets the application do, in plain words. */
const SCOPE_CHOICES: Array<{ value: string; label: string }> = [
  { value: 'heartbeat', label: 'report itself (heartbeat)' },
  { value: 'events', label: 'only send events (safe in a browser)' },
  { value: 'all', label: 'report itself and send events' },
];
const scopeLabel = (scope: string) => ({ heartbeat: 'heartbeat', events: 'events only', all: 'heartbeat and events' })[scope] ?? scope;

/** Application tokens (pct_…) for the Proctor clients' heartbeats and events: create (the secret is shown once), list, revoke. */
export function ConsumerTokenManager({ tokens }: { tokens: ConsumerTokenRow[] }) {
  const [created, setCreated] = useState<{ token: string; name: string; environment: string | null; scope: string } | null>(null);
  const { error, setError, busy, run } = useApiAction();
  return (
    <div className="space-y-4">
      <form
        className="flex flex-wrap items-end gap-3"
        aria-label="Create an application token"
        onSubmit={async (event) => {
          event.preventDefault();
          const formElement = event.currentTarget;
          const form = new FormData(formElement);
          const environment = String(form.get('environment') ?? '');
          const result = await run(() =>
            callApi<{ token: string; name: string; environment: string | null; scope: string }>('/api/v1/consumers/tokens', {
              body: { name: String(form.get('name') ?? ''), environment: environment || null, scope: String(form.get('scope') ?? 'heartbeat') },
            }),
          );
          if (!result) return;
          setCreated(result);
          formElement.reset();
        }}
      >
        <div className="flex flex-col gap-1">
          <label htmlFor="app-token-name" className="text-sm font-medium">Application token name</label>
          <input id="app-token-name" name="name" required className={inputClass} placeholder="checkout-web production" />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="app-token-env" className="text-sm font-medium">May report</label>
          <select id="app-token-env" name="environment" className={inputClass} defaultValue="">
            <option value="">any environment</option>
            {ENV_NAMES.map((env) => (
              <option key={env} value={env}>only {env}</option>
            ))}
          </select>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="app-token-scope" className="text-sm font-medium">May</label>
          <select id="app-token-scope" name="scope" className={inputClass} defaultValue="heartbeat">
            {SCOPE_CHOICES.map((choice) => (
              <option key={choice.value} value={choice.value}>{choice.label}</option>
            ))}
          </select>
        </div>
        <button type="submit" className={primaryButtonClass} disabled={busy}>Create application token</button>
      </form>
      {error && <ErrorPanel error={error} />}
      {created && (
        <TokenSecret token={created.token} testId="new-app-token">
          Application token “{created.name}” created{created.environment ? ` (${created.environment} only)` : ''}, for {scopeLabel(created.scope)}. Copy it now: it is not shown again. Give it to the
          application as <code>token</code> (e.g. <code>PROCTOR_APP_TOKEN</code>).
        </TokenSecret>
      )}
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" aria-label="Application tokens">
          <thead>
            <tr className="border-b border-slate-300 dark:border-slate-600">
              <th scope="col" className="py-1 pr-3">Name</th>
              <th scope="col" className="py-1 pr-3">Environment</th>
              <th scope="col" className="py-1 pr-3">May</th>
              <th scope="col" className="py-1 pr-3">Prefix</th>
              <th scope="col" className="py-1 pr-3">Created</th>
              <th scope="col" className="py-1 pr-3">Last used</th>
              <th scope="col" className="py-1"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {tokens.length === 0 && (
              <tr>
                <td colSpan={7} className="py-3 text-slate-600 dark:text-slate-400">No application tokens yet.</td>
              </tr>
            )}
            {tokens.map((token) => (
              <tr key={token.id} className="border-b border-slate-200 dark:border-slate-700" data-app-token-name={token.name}>
                <td className="py-1 pr-3">{token.name}</td>
                <td className="py-1 pr-3">{token.environment ?? 'any'}</td>
                <td className="py-1 pr-3">{scopeLabel(token.scope)}</td>
                <td className="py-1 pr-3 font-mono text-xs">{token.prefix}…</td>
                <td className="py-1 pr-3 text-xs">{formatDateTime(token.createdAt)}</td>
                <td className="py-1 pr-3 text-xs">{token.lastUsedAt ? formatDateTime(token.lastUsedAt) : 'never'}</td>
                <td className="py-1">
                  {token.revokedAt ? (
                    <span className="text-xs">revoked {formatDateTime(token.revokedAt)}</span>
                  ) : (
                    <RevokeTokenButton
                      url={`/api/v1/consumers/tokens/${encodeURIComponent(token.id)}`}
                      label={`Revoke application token ${token.name}`}
                      confirmation={`Revoke the application token “${token.name}”? Applications using it can no longer report themselves.`}
                      onError={setError}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
