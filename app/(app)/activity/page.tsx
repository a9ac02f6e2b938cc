import type { Metadata } from 'next';
import Link from 'next/link';
import { ActivityEntryRow } from '@/components/activity/activity-entry';
import { ActivityFilters, type ActivityFilterValues } from '@/components/activity/activity-filters';
import { EmptyState } from '@/components/empty-state';
import { ErrorPanel } from '@/components/error-panel';
import { PageHeader } from '@/components/page-header';
import { getServices } from '@/lib/composition/services';
import { requirePageUser } from '@/lib/server/current-user';
import { activityTime, listActivity } from '@/lib/services/list-activity';
import { isEnvName } from '@/lib/ui/environments';
import { firstParam, renderTime } from '@/lib/ui/format';
import { load } from '@/lib/server/page-data';
import { linkClass } from '@/lib/ui/styles';

export const metadata: Metadata = { title: 'Activity' };

const PAGE = 50;

export default async function ActivityPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const text = (name: string) => firstParam(sp[name])?.trim().slice(0, 200) || undefined;
  const filters: ActivityFilterValues = { test: text('test'), user: text('user'), issue: text('issue'), env: isEnvName(firstParam(sp.env)) ? firstParam(sp.env) : undefined };
  const offset = Math.max(0, Number(firstParam(sp.offset) ?? 0) || 0);
  const link = (target: Record<string, string | undefined>) => `/activity?${new URLSearchParams(Object.entries(target).filter((e): e is [string, string] => !!e[1]))}`;
  const user = await requirePageUser(link({ ...filters }));
  const services = await getServices();
  const loaded = await load(() => listActivity(services, user, { ...filters, offset, limit: PAGE }));
  const now = renderTime();
  const filtered = Object.values(filters).some(Boolean);
  return (
    <>
      <PageHeader title="Activity" subtitle="Changes, promotions and issue transitions across all tests and environments, newest first." />
      <ActivityFilters values={filters} />
      {!loaded.ok ? (
        <ErrorPanel error={loaded.error} title="The activity could not be read" />
      ) : loaded.value.entries.length === 0 ? (
        <EmptyState title={filtered ? 'Nothing matches these filters' : 'No activity yet'} />
      ) : (
        <>
          <ol className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white dark:divide-slate-700 dark:border-slate-700 dark:bg-slate-900" aria-label="Recent changes">
            {loaded.value.entries.map((entry) => (
              <ActivityEntryRow key={entry.type === 'change' ? `${entry.env}:${entry.testName}:${entry.revision}` : `${entry.issueKey}:${activityTime(entry).toISOString()}:${entry.to}`} entry={entry} now={now} />
            ))}
          </ol>
          <div className="mt-3 flex flex-wrap gap-3 text-sm">
            {offset > 0 && <Link className={linkClass} href={link({ ...filters, offset: String(Math.max(0, offset - PAGE)) })}>Newer</Link>}
            {offset + loaded.value.entries.length < loaded.value.total && <Link className={linkClass} href={link({ ...filters, offset: String(offset + PAGE) })}>Older</Link>}
            <span className="text-slate-600 dark:text-slate-400">{offset + 1}–{offset + loaded.value.entries.length} of {loaded.value.total}</span>
          </div>
        </>
      )}
    </>
  );
}
