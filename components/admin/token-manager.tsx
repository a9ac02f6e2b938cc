'use client';
import { useState } from 'react';
import { ApiForm, field } from '@/components/api-form';
import { ErrorPanel } from '@/components/error-panel';
import { TokenSecret } from './token-secret';
import { TokenTable, type TokenRowBase } from './token-table';
import { api, type CreatedToken } from '@/lib/ui/api';
import { useApiAction } from '@/lib/ui/use-api-action';
import { formatDateTime } from '@/lib/ui/format';
import { inputClass, primaryButtonClass } from '@/lib/ui/styles';

export interface TokenRow extends TokenRowBase {
  username: string;
  expiresAt: string | null;
}

/** Create a token (the secret is shown once) and revoke tokens. */
export function TokenManager({ tokens, showOwner }: { tokens: TokenRow[]; showOwner: boolean }) {
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const { error, setError, busy, run } = useApiAction();
  return (
    <div className="space-y-4">
      <ApiForm
        className="flex flex-wrap items-end gap-3"
        aria-label="Create an API token"
        submit={(form) => {
          const days = field(form, 'expiresInDays').trim();
          return run(() => api.tokens.create({ name: field(form, 'name'), ...(days ? { expiresInDays: Number(days) } : {}) }));
        }}
        onSuccess={setCreated}
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
      </ApiForm>
      {error && <ErrorPanel error={error} />}
      {created && (
        <TokenSecret token={created.token} testId="new-token">
          Token “{created.name}” created. Copy it now: it is not shown again.
        </TokenSecret>
      )}
      <TokenTable
        tokens={tokens}
        label="API tokens"
        empty="No tokens yet."
        rowAttribute="data-token-name"
        afterName={showOwner ? [{ header: 'Owner', cell: (token) => token.username }] : []}
        afterLastUsed={[{ header: 'Expires', cell: (token) => (token.expiresAt ? formatDateTime(token.expiresAt) : 'never'), className: 'text-xs' }]}
        revoke={{
          call: (token) => api.tokens.revoke(token.id),
          label: (token) => `Revoke token ${token.name}`,
          confirmation: (token) => `Revoke the token “${token.name}”? Scripts using it stop working.`,
        }}
        onError={setError}
      />
    </div>
  );
}
