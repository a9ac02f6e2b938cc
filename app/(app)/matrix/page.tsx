import type { Metadata } from 'next';
import { EnvBadge } from '@/components/env-badge';
import { ErrorPanel } from '@/components/error-panel';
import { PageHeader } from '@/components/page-header';
import { getAppContext } from '@/lib/server/app-context';
import { requirePageUser } from '@/lib/server/current-user';
import { getEnvironmentMatrix } from '@/lib/services/environment-matrix';
import { ENV_BORDER, ENV_NAMES } from '@/lib/ui/environments';
import { formatDateTime, shortRevision } from '@/lib/ui/format';
import { load } from '@/lib/ui/page-data';
import { buttonClass, cardClass } from '@/lib/ui/styles';

export const metadata: Metadata = { title: 'Test matrix' };

/** Per environment: whether the matrix built, its audit block, and the artifact to download. */
export default async function MatrixPage() {
  await requirePageUser('/matrix');
  const app = await getAppContext();
  const states = await Promise.all(ENV_NAMES.map((env) => load(() => getEnvironmentMatrix(app.store, env))));
  return (
    <>
      <PageHeader title="Test matrix" subtitle="The artifact applications load (Proctor's TestMatrixArtifact), built from each environment's branch head." />
      <div className="grid gap-4 lg:grid-cols-3">
        {ENV_NAMES.map((env, i) => {
          const loaded = states[i];
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
                    <div className="mb-3">
                      <ErrorPanel
                        title={loaded.value.current ? 'Build failed: serving the last good matrix' : 'Build failed'}
                        error={{ code: 'VALIDATION_FAILED', message: `${loaded.value.failure.revision ? `Revision ${shortRevision(loaded.value.failure.revision)}: ` : ''}${loaded.value.failure.message}`, details: loaded.value.failure.details }}
                      />
                    </div>
                  ) : (
                    <p className="mb-3 text-sm font-medium text-emerald-800 dark:text-emerald-300" data-build-status="ok">✓ Built and valid</p>
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
                      </dl>
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
