import type { Metadata } from 'next';
import { EnvBadge } from '@/components/env-badge';
import { ErrorPanel } from '@/components/error-panel';
import { PageHeader } from '@/components/page-header';
import { getServices } from '@/lib/composition/services';
import { requirePageUser } from '@/lib/server/current-user';
import { readMatrixState, readMatrixStatus } from '@/lib/services/read-matrix';
import { ENV_BORDER, ENV_NAMES } from '@/lib/ui/environments';
import { formatDateTime, shortRevision } from '@/lib/ui/format';
import { load } from '@/lib/server/page-data';
import { buttonClass, cardClass } from '@/lib/ui/styles';

export const metadata: Metadata = { title: 'Test matrix' };

/** Per environment: whether the newest head built (or which last good matrix is served instead), its audit block, where it is published, and the artifact to download. */
export default async function MatrixPage() {
  const user = await requirePageUser('/matrix');
  const services = await getServices();
  const states = await Promise.all(ENV_NAMES.map((env) => load(() => readMatrixState(services, user, { env }))));
  const statuses = await load(() => readMatrixStatus(services, user, { envs: ENV_NAMES }));
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
    </>
  );
}
