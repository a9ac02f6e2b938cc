'use client';
import { buttonClass } from '@/lib/ui/styles';

/** Unexpected errors while rendering a page: a readable message with the reference, never a stack. */
export default function AppError({ error, reset }: { error: unknown; reset?: () => void; retry?: () => void }) {
  const digest = error && typeof error === 'object' && 'digest' in error ? String((error as { digest: unknown }).digest) : null;
  return (
    <div role="alert" className="rounded-md border border-red-300 bg-red-50 p-4 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100">
      <h1 className="text-lg font-semibold">This page could not be shown</h1>
      <p className="mt-1 text-sm">Something went wrong on the server. Try again; if it keeps happening, give the administrator this reference.</p>
      {digest && <p className="mt-1 text-xs">Reference: <code>{digest}</code></p>}
      {reset && (
        <button type="button" className={`${buttonClass} mt-3`} onClick={() => reset()}>
          Try again
        </button>
      )}
    </div>
  );
}
