import type { ApiErrorBody } from '@/lib/ui/api-error';
import { scrubMessage } from '@/lib/ui/plain-words';

/** What to do about the errors whose message alone does not say it. */
const NEXT_STEP: Record<string, string> = {
  UNAUTHENTICATED: 'You are signed out (or your session ended): sign in again, then retry.',
  FORBIDDEN: 'Your role does not allow this; ask an administrator if you need it.',
  STALE_REVISION: 'Someone saved a newer version meanwhile: reload to see it.',
  NETWORK: 'Check the connection, then retry.',
};

/**
 * The one way an error from the API or a service is shown: the message in plain words, the fields it concerns, and
 * (folded) the exact texts and the error code for whoever reports it.
 */
export function ErrorPanel({ error, title }: { error: ApiErrorBody; title?: string }) {
  const message = scrubMessage(error.message);
  const details = (error.details ?? []).map((d) => ({ ...d, plain: scrubMessage(d.message) }));
  const exact = message !== error.message || details.some((d) => d.plain !== d.message);
  return (
    <div role="alert" className="break-words rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100" data-error-code={error.code}>
      {title && <p className="font-semibold">{title}</p>}
      <p>{message}</p>
      {NEXT_STEP[error.code] && <p className="mt-1">{NEXT_STEP[error.code]}</p>}
      {details.length > 0 && (
        <ul className="mt-1 list-disc pl-5">
          {details.map((detail, index) => (
            <li key={index}>
              {detail.path && <code className="font-mono text-xs">{detail.path}</code>} {detail.plain}
            </li>
          ))}
        </ul>
      )}
      <details className="mt-1 text-xs opacity-80">
        <summary className="cursor-pointer">Technical details</summary>
        <p>Error code {error.code}</p>
        {exact && (
          <ul className="font-mono">
            <li>Exact text: {error.message}</li>
            {details.filter((d) => d.plain !== d.message).map((d, index) => (
              <li key={index}>
                {d.path} {d.message}
              </li>
            ))}
          </ul>
        )}
      </details>
    </div>
  );
}
