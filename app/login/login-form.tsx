'use client';
import { useState } from 'react';
import { ErrorPanel } from '@/components/error-panel';
import { safeReturnPath } from '@/lib/http/return-path';
import { api } from '@/lib/ui/api';
import type { ApiErrorBody } from '@/lib/ui/api-error';
import { inputClass, primaryButtonClass } from '@/lib/ui/styles';

export function LoginForm({ next }: { next: string }) {
  const [error, setError] = useState<ApiErrorBody | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="space-y-3"
      onSubmit={async (event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        setBusy(true);
        setError(null);
        try {
          await api.session.signIn({ username: String(form.get('username') ?? ''), password: String(form.get('password') ?? '') });
          // Checked again here: this is where the browser actually navigates.
          window.location.assign(safeReturnPath(next));
        } catch (caught) {
          setError(caught as ApiErrorBody);
          setBusy(false);
        }
      }}
    >
      <div className="flex flex-col gap-1">
        <label htmlFor="username" className="text-sm font-medium">
          Username
        </label>
        <input id="username" name="username" autoComplete="username" required className={inputClass} autoFocus />
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="password" className="text-sm font-medium">
          Password
        </label>
        <input id="password" name="password" type="password" autoComplete="current-password" required className={inputClass} />
      </div>
      {error && <ErrorPanel error={error} />}
      <button type="submit" className={`${primaryButtonClass} w-full`} disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
