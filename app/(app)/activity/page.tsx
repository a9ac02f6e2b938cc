import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState } from '@/components/empty-state';
import { EnvBadge } from '@/components/env-badge';
import { ErrorPanel } from '@/components/error-panel';
import { PageHeader } from '@/components/page-header';
import { getServices } from '@/lib/composition/services';
import { requirePageUser } from '@/lib/server/current-user';
import { listActivity } from '@/lib/services/list-activity';
import { ENV_NAMES, isEnvName } from '@/lib/ui/environments';
import { firstParam, formatAgo, formatDateTime, renderTime, shortRevision } from '@/lib/ui/format';
import { load } from '@/lib/server/page-data';
import { focusRing, linkClass } from '@/lib/ui/styles';

export const metadata: Metadata = { title: 'Activity' };

export default async function ActivityPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const env = isEnvName(firstParam(sp.env)) ? firstParam(sp.env) : undefined;
  const offset = Math.max(0, Number(firstParam(sp.offset) ?? 0) || 0);
  const user = await requirePageUser(`/activity${env ? `?env=${env}` : ''}`);
  const services = await getServices();
  const loaded = await load(() => listActivity(services, user, { env, offset, limit: 50 }));
  const now = renderTime();
  const link = (target: Record<string, string | undefined>) => `/activity?${new URLSearchParams(Object.entries(target).filter((e): e is [string, string] => !!e[1]))}`;
  return (
    <>
      <PageHeader title="Activity" subtitle="Recent changes and promotions across all tests and environments." />
      <nav aria-label="Filter by environment" className="mb-4 flex flex-wrap items-center gap-2 text-sm">
        <Link href="/activity" aria-current={!env ? 'page' : undefined} className={`rounded px-2 py-0.5 ${!env ? 'ring-2 ring-blue-600 dark:ring-blue-300' : ''} ${focusRing}`}>All</Link>
        {ENV_NAMES.map((candidate) => (
          <Link key={candidate} href={link({ env: candidate })} aria-current={env === candidate ? 'page' : undefined} className={`rounded p-0.5 ${env === candidate ? 'ring-2 ring-blue-600 dark:ring-blue-300' : ''} ${focusRing}`}>
            <EnvBadge env={candidate} />
          </Link>
        ))}
      </nav>
      {!loaded.ok ? (
        <ErrorPanel error={loaded.error} title="The activity could not be read" />
      ) : loaded.value.entries.length === 0 ? (
        <EmptyState title="No activity yet" />
      ) : (
        <>
          <ol className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white dark:divide-slate-700 dark:border-slate-700 dark:bg-slate-900" aria-label="Recent changes">
            {loaded.value.entries.map((entry) => (
              <li key={`${entry.env}:${entry.testName}:${entry.revision}`} className="flex flex-wrap items-start gap-3 p-3 text-sm">
                <EnvBadge env={entry.env} />
                <div className="min-w-0 flex-1">
                  <div className="flex flex-wrap items-center gap-2">
                    <Link href={`/tests/${encodeURIComponent(entry.testName)}`} className={`min-w-0 break-all font-mono font-semibold ${linkClass}`}>{entry.testName}</Link>
                    <span className="rounded bg-slate-200 px-1 text-xs text-slate-800 dark:bg-slate-700 dark:text-slate-100">{entry.changeKind}</span>
                    <Link href={`/tests/${encodeURIComponent(entry.testName)}?tab=definition&revision=${entry.revision}`} className={`font-mono text-xs ${linkClass}`}>{shortRevision(entry.revision)}</Link>
                    {entry.issueKey && <Link href={`/issues/${entry.issueKey}`} className={linkClass}>{entry.issueKey}</Link>}
                  </div>
                  <p className="break-words text-slate-700 dark:text-slate-300">{entry.message}</p>
                </div>
                <div className="text-right text-xs">
                  <div className="font-medium">{entry.authorName}</div>
                  <time dateTime={new Date(entry.committedAt).toISOString()} title={formatDateTime(entry.committedAt)} className="text-slate-600 dark:text-slate-400">
                    {formatAgo(entry.committedAt, now)}
                  </time>
                </div>
              </li>
            ))}
          </ol>
          <div className="mt-3 flex gap-3 text-sm">
            {offset > 0 && <Link className={linkClass} href={link({ env, offset: String(Math.max(0, offset - 50)) })}>Newer</Link>}
            {offset + loaded.value.entries.length < loaded.value.total && <Link className={linkClass} href={link({ env, offset: String(offset + 50) })}>Older</Link>}
            <span className="text-slate-600 dark:text-slate-400">{offset + 1}–{offset + loaded.value.entries.length} of {loaded.value.total}</span>
          </div>
        </>
      )}
    </>
  );
}
