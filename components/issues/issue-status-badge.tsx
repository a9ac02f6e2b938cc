/** Workflow status as a small badge; statuses that gate promotions stand out. */
export function IssueStatusBadge({ status }: { status: string }) {
  const tone =
    status === 'QA Ready' || status === 'In QA'
      ? 'bg-amber-100 text-amber-950 dark:bg-amber-900 dark:text-amber-50'
      : status === 'Production Ready' || status === 'In Production'
        ? 'bg-red-100 text-red-950 dark:bg-red-900 dark:text-red-50'
        : status === 'Closed' || status === 'Pending Closure'
          ? 'bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100'
          : 'bg-blue-100 text-blue-950 dark:bg-blue-900 dark:text-blue-50';
  return <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${tone}`} data-issue-status={status}>{status}</span>;
}
