import type { Metadata } from 'next';
import Link from 'next/link';
import { EnvBadge } from '@/components/env-badge';
import { MatrixComparison } from '@/components/matrix/matrix-comparison';
import { MatrixTests } from '@/components/matrix/matrix-tests';
import { ErrorPanel } from '@/components/error-panel';
import { PageHeader } from '@/components/page-header';
import { getServices } from '@/lib/composition/services';
import { isRevision, type Revision } from '@/lib/domain/revision';
import { requirePageUser } from '@/lib/server/current-user';
import { compareMatrices, readMatrixState, readMatrixStatus } from '@/lib/services/read-matrix';
import { ENV_BORDER, ENV_NAMES, isEnvName, type EnvName } from '@/lib/ui/environments';
import { firstParam, formatDateTime, shortRevision } from '@/lib/ui/format';
import { load } from '@/lib/server/page-data';
import { buttonClass, cardClass, focusRing, inputClass } from '@/lib/ui/styles';

export const metadata: Metadata = { title: 'Test matrix' };

/** Per environment: whether the newest head built (or which last good matrix is served instead), its audit block, where it is published, and the artifact to download. */
export default async function MatrixPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const envParam = (name: string, fallback: EnvName): EnvName => {
    const value = firstParam(sp[name]);
    return isEnvName(value) ? value : fallback;
  };
  const browse = envParam('env', 'production');
  const q = firstParam(sp.q)?.trim().slice(0, 200) || undefined;
  const from = envParam('from', 'production');
  const to = envParam('to', 'qa');
  const user = await requirePageUser('/matrix');
  const services = await getServices();
  const states = await Promise.all(ENV_NAMES.map((env) => load(() => readMatrixState(services, user, { env }))));
  const statuses = await load(() => readMatrixStatus(services, user, { envs: ENV_NAMES }));
  // An earlier build of either side: one of its branch's recent revisions (full id, as the History tab shows it).
  const revisionParam = (name: string) => (isRevision(firstParam(sp[name])?.trim()) ? (firstParam(sp[name])!.trim() as Revision) : null);
  const fromRevision = revisionParam('fromRevision');
  const toRevision = revisionParam('toRevision');
  const sameBuild = from === to && fromRevision === toRevision;
  const comparison = sameBuild ? null : await load(() => compareMatrices(services, user, { from: { env: from, revision: fromRevision }, to: { env: to, revision: toRevision } }));
  const browsed = states[ENV_NAMES.indexOf(browse)];
  const here = (params: Record<string, string | undefined>) => `/matrix?${new URLSearchParams(Object.entries({ env: browse, q, from, to, ...params }).filter((e): e is [string, string] => !!e[1]))}`;
  return (
    <>
      <PageHeader title="Test matrix" subtitle="The artifact applications load (Proctor's TestMatrixArtifact), built from each environment's branch head." />
      <div className="grid gap-4 lg:grid-cols-3">
        {ENV_NAMES.map((env, i) => {
          const loaded = states[i];
          const status = statuses.ok ? statuses.value.find((entry) => entry.env === env) : undefined;
          return (
            <section key={env} className={`${cardClass} ${ENV_BORDER[env]}`} aria-labelledby={`matrix-${env}`} data-matrix-env={env}>
              <h2 id={`matrix-${env}`} className="mb-3 flex items-center gap-2 font-semibold">
                <EnvBadge env={env} /> matrix
              </h2>
              {!loaded.ok ? (
                <ErrorPanel error={loaded.error} />
              ) : (
                <>
                  {loaded.value.failure ? (
                    <div className="mb-3" data-build-status="failed">
                      <ErrorPanel
                        title={
                          loaded.value.failure.revision
                            ? `Newest revision ${shortRevision(loaded.value.failure.revision)} failed validation; ${loaded.value.current ? `serving the last good matrix ${shortRevision(loaded.value.current.revision)}` : 'no good matrix to serve yet'}`
                            : loaded.value.current
                              ? `Build failed: serving the last good matrix ${shortRevision(loaded.value.current.revision)}`
                              : 'Build failed'
                        }
                        error={{ code: 'VALIDATION_FAILED', message: loaded.value.failure.message, details: loaded.value.failure.details }}
                      />
                      <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">Failed at {formatDateTime(loaded.value.failure.at)}. Applications keep the last good matrix until a valid revision is committed.</p>
                    </div>
                  ) : (
                    <p className="mb-3 text-sm font-medium text-emerald-800 dark:text-emerald-300" data-build-status="ok">✓ Newest revision {shortRevision(loaded.value.current?.revision)} built and valid</p>
                  )}
                  {loaded.value.current && (
                    <>
                      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
                        <dt>Tests</dt>
                        <dd>{Object.keys(loaded.value.current.artifact.tests).length}</dd>
                        <dt>audit.version</dt>
                        <dd className="break-all font-mono text-xs">{loaded.value.current.artifact.audit.version}</dd>
                        <dt>audit.updated</dt>
                        <dd>{formatDateTime(loaded.value.current.artifact.audit.updated)}</dd>
                        <dt>audit.updatedBy</dt>
                        <dd>{loaded.value.current.artifact.audit.updatedBy}</dd>
                        <dt>Size</dt>
                        <dd>{(loaded.value.current.body.length / 1024).toFixed(1)} KiB</dd>
                        {status && (
                          <>
                            <dt>Branch head</dt>
                            <dd className="font-mono text-xs">{shortRevision(status.head)}</dd>
                            <dt>Published file</dt>
                            <dd data-published-revision={status.publishedRevision ?? 'none'}>
                              {status.publishedRevision ? (
                                <>
                                  <code className="font-mono text-xs">{shortRevision(status.publishedRevision)}</code>{' '}
                                  <span className="text-xs">{status.publishedRevision === status.revision ? '(up to date)' : '(older than served)'}</span>
                                </>
                              ) : (
                                <span className="text-xs text-slate-600 dark:text-slate-400">{services.config.matrixPublishDir ? 'not written yet' : 'off (PROCTOR_MATRIX_PUBLISH_DIR not set)'}</span>
                              )}
                            </dd>
                            <dt>Stream subscribers</dt>
                            <dd data-stream-subscribers={status.streamSubscribers}>{status.streamSubscribers}</dd>
                          </>
                        )}
                      </dl>
                      {status?.publishError && (
                        <div className="mt-3">
                          <ErrorPanel title="Publishing the matrix file failed" error={{ code: 'PUBLISH_FAILED', message: status.publishError }} />
                        </div>
                      )}
                      <a className={`${buttonClass} mt-3`} href={`/api/v1/matrix/${env}`} download={`proctor-tests-matrix-${env}.json`}>
                        Download {env} matrix
                      </a>
                    </>
                  )}
                </>
              )}
            </section>
          );
        })}
      </div>
      <section className={`${cardClass} mt-6`} aria-labelledby="matrix-browse">
        <h2 id="matrix-browse" className="mb-3 font-semibold">What each matrix holds</h2>
        <div className="mb-3 flex flex-wrap items-end gap-3">
          <nav aria-label="Environment to browse" className="flex flex-wrap gap-2">
            {ENV_NAMES.map((env) => (
              <Link key={env} href={`${here({ env })}#matrix-browse`} aria-current={env === browse ? 'page' : undefined} className={`rounded p-0.5 ${env === browse ? 'ring-2 ring-blue-600 dark:ring-blue-300' : ''} ${focusRing}`}>
                <EnvBadge env={env} />
              </Link>
            ))}
          </nav>
          <form action="/matrix#matrix-browse" method="get" role="search" aria-label="Search the matrix" className="flex flex-wrap items-end gap-2">
            <input type="hidden" name="env" value={browse} />
            <input type="hidden" name="from" value={from} />
            <input type="hidden" name="to" value={to} />
            <label htmlFor="matrix-q" className="sr-only">Test name contains</label>
            <input id="matrix-q" name="q" defaultValue={q ?? ''} placeholder="test name contains" className={inputClass} />
            <button type="submit" className={buttonClass}>Search</button>
          </form>
        </div>
        {!browsed.ok ? <ErrorPanel error={browsed.error} /> : browsed.value.current ? <MatrixTests artifact={browsed.value.current.artifact} env={browse} q={q} /> : <p className="text-sm">No {browse} matrix has been built yet.</p>}
      </section>
      <section className={`${cardClass} mt-6`} aria-labelledby="matrix-compare">
        <h2 id="matrix-compare" className="mb-3 font-semibold">Compare two builds</h2>
        <form action="/matrix#matrix-compare" method="get" className="mb-3 flex flex-wrap items-end gap-2">
          <input type="hidden" name="env" value={browse} />
          {q && <input type="hidden" name="q" value={q} />}
          {(['from', 'to'] as const).map((name) => (
            <div key={name} className="flex flex-col gap-1">
              <label htmlFor={`matrix-${name}`} className="text-xs font-medium">{name === 'from' ? 'From' : 'To'}</label>
              <select id={`matrix-${name}`} name={name} defaultValue={name === 'from' ? from : to} className={inputClass}>
                {ENV_NAMES.map((env) => (
                  <option key={env} value={env}>{env}</option>
                ))}
              </select>
              <label htmlFor={`matrix-${name}-revision`} className="text-xs font-medium">{name === 'from' ? 'From' : 'To'} revision (empty = current build)</label>
              <input
                id={`matrix-${name}-revision`}
                name={`${name}Revision`}
                defaultValue={(name === 'from' ? fromRevision : toRevision) ?? ''}
                placeholder="40-character revision"
                className={`${inputClass} font-mono text-xs`}
                size={42}
              />
            </div>
          ))}
          <button type="submit" className={buttonClass}>Compare</button>
        </form>
        {!comparison ? <p className="text-sm">Pick two different builds: two environments, or one environment at an earlier revision.</p> : !comparison.ok ? <ErrorPanel error={comparison.error} /> : <MatrixComparison comparison={comparison.value} />}
      </section>
    </>
  );
}
