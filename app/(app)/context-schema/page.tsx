import type { Metadata } from 'next';
import { ContextSchemaEditor } from '@/components/context-schema/context-schema-editor';
import { ErrorPanel } from '@/components/error-panel';
import { PageHeader } from '@/components/page-header';
import { hasRole } from '@/lib/auth/roles';
import { getServices } from '@/lib/composition/services';
import { requirePageUser } from '@/lib/server/current-user';
import { load } from '@/lib/server/page-data';
import { readContextSchema } from '@/lib/services/context-schema';
import { cardClass } from '@/lib/ui/styles';

export const metadata: Metadata = { title: 'Rule context' };

export default async function ContextSchemaPage() {
  const user = await requirePageUser('/context-schema');
  const services = await getServices();
  const loaded = await load(() => readContextSchema(services, user));
  return (
    <>
      <PageHeader
        title="Rule context"
        subtitle="The variables rules may use. The editor warns about a variable outside this list (a misspelling, or one no application provides), naming the nearest known one."
      />
      {!loaded.ok ? (
        <ErrorPanel error={loaded.error} title="The rule context could not be read" />
      ) : (
        <div className="space-y-6">
          <section className={cardClass} aria-labelledby="apps-heading">
            <h2 id="apps-heading" className="text-base font-semibold">
              From the applications
            </h2>
            <p className="text-sm text-slate-600 dark:text-slate-400">The <code>providedContext</code> of the specifications applications report (Consumers page).</p>
            {loaded.value.applications.length === 0 ? (
              <p className="mt-2 text-sm">No application has reported a specification with a providedContext yet.</p>
            ) : (
              <div className="mt-2 overflow-x-auto">
                <table className="w-full text-left text-sm" data-testid="application-variables">
                  <thead>
                    <tr className="border-b border-slate-300 dark:border-slate-600">
                      <th scope="col" className="py-1 pr-3">Variable</th>
                      <th scope="col" className="py-1 pr-3">Type</th>
                      <th scope="col" className="py-1">Provided by</th>
                    </tr>
                  </thead>
                  <tbody>
                    {loaded.value.applications.map((v) => (
                      <tr key={v.name} className="border-b border-slate-200 align-top dark:border-slate-700">
                        <td className="py-1 pr-3 font-mono">{v.name}</td>
                        <td className="py-1 pr-3 font-mono text-xs">{v.types.join(', ')}</td>
                        <td className="py-1 text-xs">{v.providedBy.join(', ')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <section className={cardClass} aria-labelledby="team-heading">
            <h2 id="team-heading" className="text-base font-semibold">
              The team&apos;s list
            </h2>
            <p className="text-sm text-slate-600 dark:text-slate-400">Variables your applications provide but do not report yet. Editors can change it; every save is in the audit log.</p>
            <ContextSchemaEditor
              initial={{ ...loaded.value, updatedAt: loaded.value.updatedAt?.toISOString() ?? null }}
              canEdit={hasRole(user, 'editor')}
            />
          </section>
        </div>
      )}
    </>
  );
}
