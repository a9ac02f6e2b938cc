import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState } from '@/components/empty-state';
import { ErrorPanel } from '@/components/error-panel';
import { PageHeader } from '@/components/page-header';
import { Pagination } from '@/components/test-list/pagination';
import { TestFilters } from '@/components/test-list/test-filters';
import { ResultsHealthBadges, ResultsHealthProvider } from '@/components/test-list/results-health';
import { TestRowEnvironments } from '@/components/test-list/test-row-environments';
import { hasRole } from '@/lib/auth/roles';
import { TEST_STATUS_LABEL, isTestStatus } from '@/lib/domain/test-status';
import { getServices } from '@/lib/composition/services';
import { requirePageUser } from '@/lib/server/current-user';
import { listTestFacets, listTests, type ListTestsQuery } from '@/lib/services/list-tests';
import { ENV_NAMES } from '@/lib/ui/environments';
import { firstParam, formatAgo, formatDateTime, renderTime } from '@/lib/ui/format';
import { load } from '@/lib/server/page-data';
import { linkClass, primaryButtonClass } from '@/lib/ui/styles';

export const metadata: Metadata = { title: 'Tests' };

const FILTER_KEYS = ['q', 'type', 'tag', 'env', 'drift', 'status', 'sort'] as const;

export default async function TestsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = await searchParams;
  const params: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const value = firstParam(raw[key]);
    if (value) params[key] = value;
  }
  const user = await requirePageUser(`/tests?${new URLSearchParams(params).toString()}`);
  const services = await getServices();
  const query: ListTestsQuery = { ...params, drift: params.drift as ListTestsQuery['drift'], status: isTestStatus(params.status) ? params.status : undefined, sort: params.sort as ListTestsQuery['sort'], page: Number(firstParam(raw.page) ?? 1), pageSize: 50 };
  const result = await load(async () => {
    const [list, facets] = await Promise.all([listTests(services, user, query), listTestFacets(services, user)]);
    return { list, ...facets };
  });
  const now = renderTime();
  return (
    <>
      <PageHeader
        title="Tests"
        subtitle={result.ok ? `${result.value.list.matching} of ${result.value.list.total} tests` : undefined}
      >
        {hasRole(user, 'editor') && (
          <Link href="/tests/new" className={primaryButtonClass}>
            New test
          </Link>
        )}
      </PageHeader>
      {!result.ok ? (
        <ErrorPanel error={result.error} title="The tests could not be listed" />
      ) : (
        <>
          <TestFilters types={result.value.types} tags={result.value.tags} />
          {result.value.list.tests.length === 0 ? (
            <EmptyState title="No tests match">Change the search or clear the filters.</EmptyState>
          ) : (
            <ResultsHealthProvider>
            <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-700 dark:bg-slate-900">
              <table className="w-full min-w-[56rem] border-collapse text-left text-sm" aria-label="Tests">
                <thead className="bg-slate-100 text-xs uppercase text-slate-700 dark:bg-slate-800 dark:text-slate-300">
                  <tr>
                    <th scope="col" className="px-3 py-2">Test</th>
                    <th scope="col" className="w-[26rem] px-3 py-2">Environments</th>
                    <th scope="col" className="w-56 px-3 py-2">Last change</th>
                  </tr>
                </thead>
                <tbody>
                  {result.value.list.tests.map((row) => (
                    <tr key={row.name} data-test-name={row.name} className="border-t border-slate-200 align-top dark:border-slate-700">
                      <td className="px-3 py-2">
                        <Link href={`/tests/${encodeURIComponent(row.name)}`} className={`font-mono font-semibold ${linkClass}`}>
                          {row.name}
                        </Link>
                        {row.description && <p className="mt-0.5 text-slate-700 dark:text-slate-300">{row.description}</p>}
                        <div className="mt-1 flex flex-wrap gap-1 text-xs">
                          {row.testType && <span className="rounded bg-slate-200 px-1.5 py-0.5 text-slate-800 dark:bg-slate-700 dark:text-slate-100">{row.testType}</span>}
                          {row.status !== 'running' && <span className="rounded bg-slate-200 px-1.5 py-0.5 text-slate-800 dark:bg-slate-700 dark:text-slate-100">{TEST_STATUS_LABEL[row.status]}</span>}
                          {row.silent && <span className="rounded bg-slate-200 px-1.5 py-0.5 text-slate-800 dark:bg-slate-700 dark:text-slate-100">silent</span>}
                          {row.metaTags.map((tag) => (
                            <span key={tag} className="rounded border border-blue-300 px-1.5 py-0.5 text-blue-900 dark:border-blue-700 dark:text-blue-200">
                              #{tag}
                            </span>
                          ))}
                        </div>
                      </td>
                      <td className="px-3 py-2">
                        <TestRowEnvironments row={row} />
                        <ResultsHealthBadges testName={row.name} environments={ENV_NAMES} />
                      </td>
                      <td className="px-3 py-2 text-xs">
                        {row.lastChange ? (
                          <>
                            <div>
                              <span className="font-medium">{row.lastChange.author}</span>{' '}
                              <time dateTime={row.lastChange.at} title={formatDateTime(row.lastChange.at)}>
                                {formatAgo(row.lastChange.at, now)}
                              </time>
                            </div>
                            {row.lastChange.issueKey && (
                              <Link href={`/issues/${row.lastChange.issueKey}`} className={linkClass}>
                                {row.lastChange.issueKey}
                              </Link>
                            )}
                            <p className="mt-0.5 line-clamp-2 text-slate-600 dark:text-slate-400">{row.lastChange.message}</p>
                          </>
                        ) : (
                          <span className="text-slate-600 dark:text-slate-400">—</span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            </ResultsHealthProvider>
          )}
          <Pagination page={result.value.list.page} pages={result.value.list.pages} params={params} basePath="/tests" />
        </>
      )}
    </>
  );
}
