'use client';
import { useState } from 'react';
import { ErrorPanel } from '@/components/error-panel';
import { RevokeTokenButton, TokenSecret } from './token-secret';
import { callApi } from '@/lib/ui/api-error';
import { useApiAction } from '@/lib/ui/use-api-action';
import { formatDateTime } from '@/lib/ui/format';
import { inputClass, primaryButtonClass } from '@/lib/ui/styles';

export interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  username: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** Create a token (the secret is shown once) and revoke tokens. */
export function TokenManager({ tokens, showOwner }: { tokens: TokenRow[]; showOwner: boolean }) {
  const [created, setCreated] = useState<{ token: string; name: string } | null>(null);
  const { error, setError, busy, run } = useApiAction();
  return (
    <div className="space-y-4">
      <form
        className="flex flex-wrap items-end gap-3"
        aria-label="Create an API token"
        onSubmit={async (event) => {
          event.preventDefault();
          const formElement = event.currentTarget;
          const form = new FormData(formElement);
          const days = String(form.get('expiresInDays') ?? '').trim();
          const result = await run(() =>
            callApi<{ token: string; name: string }>('/api/v1/tokens', { body: { name: String(form.get('name') ?? ''), ...(days ? { expiresInDays: Number(days) } : {}) } }),
          );
          if (!result) return;
          setCreated(result);
          formElement.reset();
        }}
      >
        <div className="flex flex-col gap-1">
          <label htmlFor="token-name" className="text-sm font-medium">Token name</label>
          <input id="token-name" name="name" required className={inputClass} placeholder="ci-deploy" />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="token-days" className="text-sm font-medium">Expires in days (optional)</label>
          <input id="token-days" name="expiresInDays" type="number" min={1} max={3650} className={`${inputClass} w-40`} />
        </div>
        <button type="submit" className={primaryButtonClass} disabled={busy}>Create token</button>
      </form>
      {error && <ErrorPanel error={error} />}
      {created && (
        <TokenSecret token={created.token} testId="new-token">
          Token “{created.name}” created. Copy it now: it is not shown again.
        </TokenSecret>
      )}
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" aria-label="API tokens">
          <thead>
            <tr className="border-b border-slate-300 dark:border-slate-600">
              <th scope="col" className="py-1 pr-3">Name</th>
              {showOwner && <th scope="col" className="py-1 pr-3">Owner</th>}
              <th scope="col" className="py-1 pr-3">Prefix</th>
              <th scope="col" className="py-1 pr-3">Created</th>
              <th scope="col" className="py-1 pr-3">Last used</th>
              <th scope="col" className="py-1 pr-3">Expires</th>
              <th scope="col" className="py-1"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {tokens.length === 0 && (
              <tr>
                <td colSpan={7} className="py-3 text-slate-600 dark:text-slate-400">No tokens yet.</td>
              </tr>
            )}
            {tokens.map((token) => (
              <tr key={token.id} className="border-b border-slate-200 dark:border-slate-700" data-token-name={token.name}>
                <td className="py-1 pr-3">{token.name}</td>
                {showOwner && <td className="py-1 pr-3">{token.username}</td>}
                <td className="py-1 pr-3 font-mono text-xs">{token.prefix}…</td>
                <td className="py-1 pr-3 text-xs">{formatDateTime(token.createdAt)}</td>
                <td className="py-1 pr-3 text-xs">{token.lastUsedAt ? formatDateTime(token.lastUsedAt) : 'never'}</td>
                <td className="py-1 pr-3 text-xs">{token.expiresAt ? formatDateTime(token.expiresAt) : 'never'}</td>
                <td className="py-1">
                  {token.revokedAt ? (
                    <span className="text-xs">revoked {formatDateTime(token.revokedAt)}</span>
                  ) : (
                    <RevokeTokenButton
                      url={`/api/v1/tokens/${encodeURIComponent(token.id)}`}
                      label={`Revoke token ${token.name}`}
                      confirmation={`Revoke the token “${token.name}”? Scripts using it stop working.`}
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
