import type { ApiErrorBody } from '@/lib/ui/api-error';

/** The one way an error from the API or a service is shown: message, code, and the field paths it concerns. */
export function ErrorPanel({ error, title }: { error: ApiErrorBody; title?: string }) {
  return (
    <div role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100" data-error-code={error.code}>
      {title && <p className="font-semibold">{title}</p>}
      <p>{error.message}</p>
      {error.details && error.details.length > 0 && (
        <ul className="mt-1 list-disc pl-5">
          {error.details.map((detail, index) => (
            <li key={index}>
              {detail.path && <code className="font-mono text-xs">{detail.path}</code>} {detail.message}
            </li>
          ))}
        </ul>
      )}
      <p className="mt-1 text-xs opacity-80">Code: {error.code}</p>
    </div>
  );
}
