import type { Metadata } from 'next';
import Link from 'next/link';
import { ConsumerTokenManager } from '@/components/consumers/consumer-token-manager';
import { EmptyState } from '@/components/empty-state';
import { EnvBadge } from '@/components/env-badge';
import { ErrorPanel } from '@/components/error-panel';
import { PageHeader } from '@/components/page-header';
import { HEARTBEAT_INTERVAL_SECONDS } from '@/lib/distribution/record-heartbeat';
import { listConsumerTokens } from '@/lib/distribution/consumer-tokens';
import { hasRole } from '@/lib/auth/roles';
import { getServices } from '@/lib/composition/services';
import { requirePageUser } from '@/lib/server/current-user';
import { listConsumers, type ConsumerVersionView, type EnvironmentConsumers } from '@/lib/services/list-consumers';
import { ENV_BORDER } from '@/lib/ui/environments';
import { formatDateTime, shortRevision } from '@/lib/ui/format';
import { load } from '@/lib/server/page-data';
import { cardClass, linkClass } from '@/lib/ui/styles';

export const metadata: Metadata = { title: 'Consumers' };

/** "40 s", "3 min", "2 h": how long ago an instance last reported. */
function seconds(value: number): string {
  if (value < 120) return `${value} s`;
  if (value < 2 * 3600) return `${Math.floor(value / 60)} min`;
  return `${Math.floor(value / 3600)} h`;
}

function RevisionChip({ revision, current, count }: { revision: string | null; current: boolean; count: number }) {
  return (
    <span className="inline-flex items-center gap-1" data-revision={revision ?? 'none'} data-revision-state={revision === null ? 'none' : current ? 'current' : 'behind'}>
      <code className="font-mono text-xs">{revision ? `r${shortRevision(revision)}` : 'no matrix yet'}</code>
      {revision !== null &&
        (current ? (
          <span className="rounded bg-emerald-100 px-1 text-xs font-medium text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200">current</span>
        ) : (
          <span className="rounded bg-amber-100 px-1 text-xs font-medium text-amber-900 dark:bg-amber-950 dark:text-amber-200">behind</span>
        ))}
      <span className="text-xs text-slate-600 dark:text-slate-400">× {count}</span>
    </span>
  );
}

function TestLinks({ names }: { names: string[] }) {
  if (names.length === 0) return <span className="text-slate-600 dark:text-slate-400">none</span>;
  return (
    <span className="flex flex-wrap gap-x-2">
      {names.map((name) => (
        <Link key={name} href={`/tests/${encodeURIComponent(name)}?tab=usage`} className={`font-mono text-xs ${linkClass}`}>{name}</Link>
      ))}
    </span>
  );
}

function VersionRow({ application, version, newest }: { application: string; version: ConsumerVersionView; newest: string | null }) {
  const ages = version.instances.map((instance) => instance.secondsSinceSeen);
  const fallback = [...new Set(version.instances.flatMap((instance) => instance.fallbackTests))].sort();
  return (
    <tr className="border-b border-slate-200 align-top dark:border-slate-700" data-consumer={`${application} ${version.version}`}>
      <th scope="row" className="py-2 pr-3 text-left font-semibold">{application}</th>
      <td className="py-2 pr-3 font-mono">{version.version}</td>
      <td className="py-2 pr-3" data-instances={version.instances.length}>
        {version.instances.length}
        {version.staleInstances > 0 && <span className="ml-1 rounded bg-red-100 px-1 text-xs font-medium text-red-900 dark:bg-red-950 dark:text-red-200">{version.staleInstances} stale</span>}
      </td>
      <td className="py-2 pr-3">
        <span className="flex flex-col gap-0.5">
          {version.revisions.map((entry) => (
            <RevisionChip key={entry.revision ?? 'none'} revision={entry.revision} current={newest !== null && entry.revision === newest} count={entry.instances} />
          ))}
        </span>
      </td>
      <td className="py-2 pr-3 text-xs">
        {Math.min(...ages) === Math.max(...ages) ? `${seconds(ages[0])} ago` : `${seconds(Math.min(...ages))} – ${seconds(Math.max(...ages))} ago`}
      </td>
      <td className="py-2 pr-3" data-fallback-tests>
        {fallback.length === 0 ? (
          <span className="text-xs text-slate-600 dark:text-slate-400">none</span>
        ) : (
          <span className="rounded bg-amber-100 px-1 text-xs text-amber-950 dark:bg-amber-950 dark:text-amber-100">
            <TestLinks names={fallback} />
          </span>
        )}
      </td>
      <td className="py-2 pr-3">
        <TestLinks names={version.requiredTests} />
        {version.dynamicFilters > 0 && <span className="block text-xs text-slate-600 dark:text-slate-400">+ {version.dynamicFilters} dynamic filter{version.dynamicFilters === 1 ? '' : 's'}</span>}
      </td>
      <td className="py-2">
        <details>
          <summary className="cursor-pointer text-xs">{version.instances.length === 1 ? '1 instance' : `${version.instances.length} instances`}</summary>
          <ul className="mt-1 space-y-1 text-xs">
            {version.instances.map((instance) => (
              <li key={instance.instanceId} data-instance={instance.instanceId}>
                <code className="font-mono">{instance.instanceId}</code>: <code className="font-mono">{instance.matrixRevision ? `r${shortRevision(instance.matrixRevision)}` : 'no matrix'}</code>{' '}
                {instance.current ? 'current' : instance.matrixRevision ? 'behind' : ''}, seen {seconds(instance.secondsSinceSeen)} ago{instance.stale ? ' (stale)' : ''}, started {formatDateTime(instance.startedAt)}
                {instance.matrixLoadedAt && <>, matrix loaded {formatDateTime(instance.matrixLoadedAt)}</>}
              </li>
            ))}
          </ul>
        </details>
      </td>
    </tr>
  );
}

function EnvironmentSection({ entry, activeMinutes }: { entry: EnvironmentConsumers; activeMinutes: number }) {
  const { env, propagation } = entry;
  const allCurrent = propagation.total > 0 && propagation.holding === propagation.total;
  return (
    <section className={`${cardClass} ${ENV_BORDER[env]}`} aria-labelledby={`consumers-${env}`} data-consumers-env={env}>
      <h2 id={`consumers-${env}`} className="mb-2 flex flex-wrap items-center gap-2 font-semibold">
        <EnvBadge env={env} /> applications
        {env === 'production' && <span className="text-sm font-bold text-red-800 dark:text-red-300">live traffic</span>}
      </h2>
      <p className="mb-3 text-sm" data-propagation={env}>
        <span className={`font-mono ${propagation.total === 0 ? 'text-slate-600 dark:text-slate-400' : allCurrent ? 'text-emerald-800 dark:text-emerald-300' : 'text-amber-900 dark:text-amber-200'}`}>{propagation.text}</span>
      </p>
      {entry.applications.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">No application has reported itself in {env} in the last {activeMinutes} minutes.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" aria-label={`Applications in ${env}`}>
            <thead>
              <tr className="border-b border-slate-300 dark:border-slate-600">
                <th scope="col" className="py-1 pr-3">Application</th>
                <th scope="col" className="py-1 pr-3">Version</th>
                <th scope="col" className="py-1 pr-3">Instances</th>
                <th scope="col" className="py-1 pr-3">Matrix revision</th>
                <th scope="col" className="py-1 pr-3">Last seen</th>
                <th scope="col" className="py-1 pr-3">Fallback tests</th>
                <th scope="col" className="py-1 pr-3">Required tests</th>
                <th scope="col" className="py-1"><span className="sr-only">Instance details</span></th>
              </tr>
            </thead>
            <tbody>
              {entry.applications.flatMap((application) =>
                application.versions.map((version) => <VersionRow key={`${application.application} ${version.version}`} application={application.application} version={version} newest={propagation.revision} />),
              )}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** Which applications run which matrix revision, per environment; admins manage the application tokens here. */
export default async function ConsumersPage() {
  const user = await requirePageUser('/consumers');
  const services = await getServices();
  const isAdmin = hasRole(user, 'admin');
  const [loaded, tokens] = await Promise.all([
    load(() => listConsumers(services, user)),
    isAdmin ? load(() => listConsumerTokens(services, user)) : Promise.resolve(null),
  ]);
  const nobody = loaded.ok && loaded.value.environments.every((entry) => entry.applications.length === 0);
  return (
    <>
      <PageHeader
        title="Consumers"
        subtitle={
          loaded.ok
            ? `Applications whose Proctor client reported in the last ${loaded.value.activeMinutes} minutes (a heartbeat every ${HEARTBEAT_INTERVAL_SECONDS} s; silent for more than ${loaded.value.staleAfterSeconds} s = stale). Promotions are checked against their specifications.`
            : 'Applications whose Proctor client reports which matrix revision it runs.'
        }
      />
      {!loaded.ok ? (
        <ErrorPanel error={loaded.error} title="The consumers could not be read" />
      ) : (
        <>
          {nobody && (
            <div className="mb-4" data-testid="consumers-empty">
              <EmptyState title="No application has reported itself yet">
                <ol className="mx-auto mt-2 max-w-2xl list-decimal space-y-1 pl-5 text-left">
                  <li>
                    {isAdmin ? 'Create an application token below' : 'Ask an admin for an application token'} (<code>pct_…</code>, shown once; or <code>POST /api/v1/consumers/tokens</code>). A token can be limited to one
                    environment.
                  </li>
                  <li>
                    In the application, start the Proctor client (<code>lib/client</code>) with <code>baseUrl</code>, <code>environment</code>, its <code>specification</code>,{' '}
                    <code>application: {'{'}name, version{'}'}</code> and the <code>token</code>.
                  </li>
                  <li>
                    It loads <code>/api/v1/matrix/&#123;environment&#125;</code>, follows the change stream, and posts a heartbeat to <code>/api/v1/heartbeat</code> every {HEARTBEAT_INTERVAL_SECONDS} s; it appears here within
                    moments. Details: <code>docs/client.md</code> in the repository.
                  </li>
                </ol>
              </EmptyState>
            </div>
          )}
          <div className="space-y-4">
            {[...loaded.value.environments].reverse().map((entry) => (
              <EnvironmentSection key={entry.env} entry={entry} activeMinutes={loaded.value.activeMinutes} />
            ))}
          </div>
          <p className="mt-2 text-xs text-slate-600 dark:text-slate-400">As of {formatDateTime(loaded.value.generatedAt)}.</p>
        </>
      )}
      <section className={`${cardClass} mt-6`} aria-labelledby="app-tokens">
        <h2 id="app-tokens" className="mb-2 font-semibold">Application tokens</h2>
        <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
          What an application&apos;s Proctor client sends with its heartbeat and its measurement events (<code>Authorization: Bearer pct_…</code>). Only a hash is stored.
        </p>
        {!tokens ? (
          <p className="text-sm">Only admins create and revoke application tokens; you are {user.role === 'admin' || user.role === 'editor' ? 'an' : 'a'} {user.role}.</p>
        ) : !tokens.ok ? (
          <ErrorPanel error={tokens.error} />
        ) : (
          <ConsumerTokenManager
            tokens={tokens.value.map((token) => ({
              ...token,
              createdAt: token.createdAt.toISOString(),
              lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
              revokedAt: token.revokedAt?.toISOString() ?? null,
            }))}
          />
        )}
      </section>
    </>
  );
}
