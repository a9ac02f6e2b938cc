import { DATABASE_RETRY_AFTER_SECONDS, DATABASE_UNAVAILABLE_MESSAGE } from '@/lib/db/unavailable';

/**
 * Shown instead of a page while the database is unreachable (restarting): the user stays signed in, and the page
 * reloads itself after the same pause the API asks for in Retry-After.
 */
export function DatabaseRestarting() {
  return (
    <div role="status" data-testid="database-restarting" className="rounded-md border border-amber-300 bg-amber-50 p-4 text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
      {/* React hoists this into <head>: the browser reloads the page when the database is likely back. */}
      <meta httpEquiv="refresh" content={String(DATABASE_RETRY_AFTER_SECONDS)} />
      <h1 className="text-lg font-semibold">The database is restarting</h1>
      <p className="mt-1 text-sm">{DATABASE_UNAVAILABLE_MESSAGE} You are still signed in; this page reloads by itself.</p>
    </div>
  );
}
