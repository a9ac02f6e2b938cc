'use client';
import { useRouter } from 'next/navigation';
import type { ReactNode } from 'react';
import type { ApiErrorBody } from '@/lib/ui/api-error';
import { buttonClass, dangerButtonClass } from '@/lib/ui/styles';

/** A token secret right after it was created: shown this once, with a copy button. */
export function TokenSecret({ token, testId, children }: { token: string; testId: string; children: ReactNode }) {
  return (
    <div role="status" className="rounded border border-emerald-400 bg-emerald-50 p-3 text-sm text-emerald-950 dark:border-emerald-700 dark:bg-emerald-950 dark:text-emerald-50">
      <p className="font-medium">{children}</p>
      <code className="mt-1 block break-all rounded bg-white p-2 font-mono text-xs text-slate-900 dark:bg-slate-900 dark:text-slate-100" data-testid={testId}>{token}</code>
      <button type="button" className={`${buttonClass} mt-2`} onClick={() => navigator.clipboard?.writeText(token).catch(() => undefined)}>Copy</button>
    </div>
  );
}

/** Revokes a token after a confirmation that says what stops working. */
export function RevokeTokenButton({ revoke, label, confirmation, onError }: { revoke: () => Promise<unknown>; label: string; confirmation: string; onError: (error: ApiErrorBody | null) => void }) {
  const router = useRouter();
  return (
    <button
      type="button"
      className={`${dangerButtonClass} px-2 py-0.5 text-xs`}
      aria-label={label}
      onClick={async () => {
        if (!window.confirm(confirmation)) return;
        onError(null);
        try {
          await revoke();
          router.refresh();
        } catch (caught) {
          onError(caught as ApiErrorBody);
        }
      }}
    >
      Revoke
    </button>
  );
}
