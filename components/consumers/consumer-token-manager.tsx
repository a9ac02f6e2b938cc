'use client';
import { useState } from 'react';
import { ApiForm, field } from '@/components/api-form';
import { ErrorPanel } from '@/components/error-panel';
import { TokenSecret } from '@/components/admin/token-secret';
import { TokenTable, type TokenRowBase } from '@/components/admin/token-table';
import { isEnvironment, type Environment } from '@/lib/domain/environment';
import { api, type CreatedToken } from '@/lib/ui/api';
import { useApiAction } from '@/lib/ui/use-api-action';
import { ENV_NAMES } from '@/lib/ui/environments';
import { inputClass, primaryButtonClass } from '@/lib/ui/styles';

export interface ConsumerTokenRow extends TokenRowBase {
  environment: string | null;
  scope: string;
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
  const [created, setCreated] = useState<(CreatedToken & { environment: Environment | null; scope: string }) | null>(null);
  const { error, setError, busy, run } = useApiAction();
  return (
    <div className="space-y-4">
      <ApiForm
        className="flex flex-wrap items-end gap-3"
        aria-label="Create an application token"
        submit={(form) => {
          const environment = field(form, 'environment');
          return run(() => api.consumerTokens.create({ name: field(form, 'name'), environment: isEnvironment(environment) ? environment : null, scope: field(form, 'scope') || 'heartbeat' }));
        }}
        onSuccess={setCreated}
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
      </ApiForm>
      {error && <ErrorPanel error={error} />}
      {created && (
        <TokenSecret token={created.token} testId="new-app-token">
          Application token “{created.name}” created{created.environment ? ` (${created.environment} only)` : ''}, for {scopeLabel(created.scope)}. Copy it now: it is not shown again. Give it to the
          application as <code>token</code> (e.g. <code>PROCTOR_APP_TOKEN</code>).
        </TokenSecret>
      )}
      <TokenTable
        tokens={tokens}
        label="Application tokens"
        empty="No application tokens yet."
        rowAttribute="data-app-token-name"
        afterName={[
          { header: 'Environment', cell: (token) => token.environment ?? 'any' },
          { header: 'May', cell: (token) => scopeLabel(token.scope) },
        ]}
        revoke={{
          call: (token) => api.consumerTokens.revoke(token.id),
          label: (token) => `Revoke application token ${token.name}`,
          confirmation: (token) => `Revoke the application token “${token.name}”? Applications using it can no longer report themselves.`,
        }}
        onError={setError}
      />
    </div>
  );
}
