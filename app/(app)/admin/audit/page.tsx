import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState } from '@/components/empty-state';
import { ErrorPanel } from '@/components/error-panel';
import { PageHeader } from '@/components/page-header';
import { getServices } from '@/lib/composition/services';
import { requirePageUser } from '@/lib/server/current-user';
import { listAuditLog } from '@/lib/services/list-audit-log';
import { firstParam, formatDateTime } from '@/lib/ui/format';
import { load } from '@/lib/server/page-data';
import { linkClass } from '@/lib/ui/styles';

export const metadata: Metadata = { title: 'Audit log' };

const OUTCOME_TONE: Record<string, string> = {
  success: 'text-emerald-800 dark:text-emerald-300',
  refused: 'text-amber-800 dark:text-amber-300',
  failed: 'text-red-800 dark:text-red-300',
};

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const before = Number(firstParam((await searchParams).before)) || undefined;
  const user = await requirePageUser('/admin/audit', 'admin');
  const services = await getServices();
  const loaded = await load(() => listAuditLog(services, user, { limit: 100, before }));
  return (
    <>
      <PageHeader title="Audit log" subtitle="Every change, promotion, sign-in and refusal, newest first." />
      {!loaded.ok ? (
        <ErrorPanel error={loaded.error} />
      ) : loaded.value.entries.length === 0 ? (
        <EmptyState title="Nothing recorded yet" />
      ) : (
        <>
          <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-700 dark:bg-slate-900">
            <table className="w-full text-left text-sm" aria-label="Audit log">
              <thead className="bg-slate-100 text-xs uppercase text-slate-700 dark:bg-slate-800 dark:text-slate-300">
                <tr>
                  <th scope="col" className="px-3 py-2">When</th>
                  <th scope="col" className="px-3 py-2">Who</th>
                  <th scope="col" className="px-3 py-2">Action</th>
                  <th scope="col" className="px-3 py-2">Target</th>
                  <th scope="col" className="px-3 py-2">Outcome</th>
                  <th scope="col" className="px-3 py-2">Message</th>
                </tr>
              </thead>
              <tbody>
                {loaded.value.entries.map((entry) => (
                  <tr key={entry.id} className="border-t border-slate-200 align-top dark:border-slate-700">
                    <td className="whitespace-nowrap px-3 py-1.5 text-xs">{formatDateTime(entry.at)}</td>
                    <td className="px-3 py-1.5">{entry.actor ?? <span className="italic">{entry.actorKind}</span>}{entry.actorKind === 'token' && <span className="text-xs"> (token)</span>}</td>
                    <td className="px-3 py-1.5 font-mono text-xs">{entry.action}</td>
                    <td className="break-all px-3 py-1.5 font-mono text-xs">{entry.target ?? ''}</td>
                    <td className={`px-3 py-1.5 font-medium ${OUTCOME_TONE[entry.outcome] ?? ''}`}>{entry.outcome}</td>
                    <td className="px-3 py-1.5 text-xs">{entry.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {loaded.value.nextBefore !== undefined && (
            <p className="mt-3 text-sm">
              <Link className={linkClass} href={`/admin/audit?before=${loaded.value.nextBefore}`}>Older entries</Link>
            </p>
          )}
        </>
      )}
    </>
  );
}
