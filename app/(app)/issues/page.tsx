import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState } from '@/components/empty-state';
import { ErrorPanel } from '@/components/error-panel';
import { CreateIssueForm } from '@/components/issues/create-issue-form';
import { IssueStatusBadge } from '@/components/issues/issue-status-badge';
import { PageHeader } from '@/components/page-header';
import { hasRole } from '@/lib/auth/roles';
import { BUILTIN_STATUSES } from '@/lib/issues/builtin-workflow';
import { listIssues } from '@/lib/issues/issue-service';
import { getServices } from '@/lib/composition/services';
import { requirePageUser } from '@/lib/server/current-user';
import { firstParam } from '@/lib/ui/format';
import { load } from '@/lib/server/page-data';
import { buttonClass, cardClass, inputClass, linkClass } from '@/lib/ui/styles';

export const metadata: Metadata = { title: 'Issues' };

export default async function IssuesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const q = firstParam(sp.q) ?? '';
  const status = firstParam(sp.status) ?? '';
  const user = await requirePageUser(`/issues?${new URLSearchParams({ q, status })}`);
  const services = await getServices();
  const loaded = await load(() => listIssues(services, user, { q: q || undefined, status: status || undefined, limit: 200 }));
  const builtin = services.tracker.name === 'builtin';
  return (
    <>
      <PageHeader title="Issues" subtitle={builtin ? 'ProTest issues in the built-in tracker: every change and promotion names one.' : 'Issues from JIRA.'} />
      {builtin && hasRole(user, 'editor') && (
        <section className={`${cardClass} mb-4`} aria-labelledby="create-issue-title">
          <h2 id="create-issue-title" className="mb-2 font-semibold">New issue</h2>
          <CreateIssueForm />
        </section>
      )}
      <form role="search" method="get" action="/issues" className="mb-4 flex flex-wrap items-end gap-3">
        <div className="flex flex-col gap-1">
          <label htmlFor="issues-q" className="text-xs font-medium">Search</label>
          <input id="issues-q" name="q" type="search" defaultValue={q} className={inputClass} placeholder="key or summary" />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="issues-status" className="text-xs font-medium">Status</label>
          <select id="issues-status" name="status" defaultValue={status} className={inputClass}>
            <option value="">Any status</option>
            {BUILTIN_STATUSES.map((s) => (
              <option key={s} value={s}>{s}</option>
            ))}
          </select>
        </div>
        <button type="submit" className={buttonClass}>Search</button>
      </form>
      {!loaded.ok ? (
        <ErrorPanel error={loaded.error} title="The issues could not be listed" />
      ) : loaded.value.length === 0 ? (
        <EmptyState title="No issues match">Change the search, or create an issue above.</EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-700 dark:bg-slate-900">
          <table className="w-full text-left text-sm" aria-label="Issues">
            <thead className="bg-slate-100 text-xs uppercase text-slate-700 dark:bg-slate-800 dark:text-slate-300">
              <tr>
                <th scope="col" className="px-3 py-2">Key</th>
                <th scope="col" className="px-3 py-2">Summary</th>
                <th scope="col" className="px-3 py-2">Type</th>
                <th scope="col" className="px-3 py-2">Status</th>
              </tr>
            </thead>
            <tbody>
              {loaded.value.map((issue) => (
                <tr key={issue.key} data-issue-key={issue.key} className="border-t border-slate-200 dark:border-slate-700">
                  <td className="px-3 py-2 font-mono">
                    <Link href={`/issues/${issue.key}`} className={linkClass}>{issue.key}</Link>
                  </td>
                  <td className="px-3 py-2">{issue.summary}</td>
                  <td className="px-3 py-2">{issue.type}</td>
                  <td className="px-3 py-2"><IssueStatusBadge status={issue.status} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
