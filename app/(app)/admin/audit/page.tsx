import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState } from '@/components/empty-state';
import { FilterForm } from '@/components/filter-form';
import { ErrorPanel } from '@/components/error-panel';
import { PageHeader } from '@/components/page-header';
import { getServices } from '@/lib/composition/services';
import { requirePageUser } from '@/lib/server/current-user';
import { listAuditLog } from '@/lib/services/list-audit-log';
import { AUDIT_OUTCOMES, type AuditFilter } from '@/lib/audit/record-audit';
import { auditExportUrl } from '@/lib/ui/api';
import { firstParam, formatDateTime } from '@/lib/ui/format';
import { load } from '@/lib/server/page-data';
import { buttonClass, linkClass } from '@/lib/ui/styles';

export const metadata: Metadata = { title: 'Audit log' };

const OUTCOME_TONE: Record<string, string> = {
  success: 'text-emerald-800 dark:text-emerald-300',
  refused: 'text-amber-800 dark:text-amber-300',
  failed: 'text-red-800 dark:text-red-300',
  // A push nobody could confirm: someone should look (the entry's details name the commit).
  unknown: 'text-violet-800 dark:text-violet-300',
};

function AuditFilters({ filter }: { filter: AuditFilter }) {
  return (
    <FilterForm
      action="/admin/audit"
      label="Filter the audit log"
      idPrefix="audit"
      values={{ ...filter }}
      fields={[
        { kind: 'text', name: 'q', label: 'Search', placeholder: 'any text' },
        { kind: 'text', name: 'actor', label: 'User', placeholder: 'user name' },
        { kind: 'text', name: 'action', label: 'Action', placeholder: 'e.g. definition or session.create' },
        { kind: 'select', name: 'outcome', label: 'Outcome', anyLabel: 'any', options: AUDIT_OUTCOMES },
      ]}
      extra={
        <a href={auditExportUrl(filter)} download className={buttonClass}>
          Export CSV
        </a>
      }
    />
  );
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const before = Number(firstParam(sp.before)) || undefined;
  const text = (name: string) => firstParam(sp[name])?.trim().slice(0, 200) || undefined;
  const outcome = AUDIT_OUTCOMES.find((candidate) => candidate === firstParam(sp.outcome));
  const filter: AuditFilter = { q: text('q'), actor: text('actor'), action: text('action'), outcome };
  const query = (extra: Record<string, string | undefined>) => new URLSearchParams(Object.entries({ ...filter, ...extra }).filter((entry): entry is [string, string] => !!entry[1])).toString();
  const user = await requirePageUser(`/admin/audit?${query({})}`, 'admin');
  const services = await getServices();
  const loaded = await load(() => listAuditLog(services, user, { ...filter, limit: 100, before }));
  return (
    <>
      <PageHeader title="Audit log" subtitle="Every change, promotion, sign-in and refusal, newest first." />
      <AuditFilters filter={filter} />
      {!loaded.ok ? (
        <ErrorPanel error={loaded.error} />
      ) : loaded.value.entries.length === 0 ? (
        <EmptyState title={Object.values(filter).some(Boolean) ? 'Nothing matches these filters' : 'Nothing recorded yet'} />
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
              <Link className={linkClass} href={`/admin/audit?${query({ before: String(loaded.value.nextBefore) })}`}>Older entries</Link>
            </p>
          )}
        </>
      )}
    </>
  );
}
