import Link from 'next/link';
import { EmptyState } from '@/components/empty-state';
import { EnvBadge } from '@/components/env-badge';
import type { Compatibility, TestUsage } from '@/lib/services/test-usage';
import { ENV_BORDER } from '@/lib/ui/environments';
import { formatAgo, formatDateTime, shortRevision } from '@/lib/ui/format';
import { cardClass, linkClass } from '@/lib/ui/styles';

function CompatibilityCell({ compatibility, what }: { compatibility: Compatibility; what: string }) {
  if (compatibility.compatible) {
    return (
      <span className="text-sm font-medium text-emerald-800 dark:text-emerald-300" data-compatible="yes">
        ✓ compatible
      </span>
    );
  }
  return (
    <div data-compatible="no">
      <span className="rounded bg-red-100 px-1 text-sm font-semibold text-red-900 dark:bg-red-950 dark:text-red-200">✗ not compatible</span>
      <ul className="mt-1 list-disc pl-5 text-xs text-red-900 dark:text-red-200" aria-label={`Why the ${what} is not compatible`}>
        {compatibility.errors.map((message) => (
          <li key={message}>{message}</li>
        ))}
      </ul>
    </div>
  );
}

/**
 * The Usage tab: per environment, the active applications that require the test or pick it up with a dynamic filter,
 * and whether what the environment holds now, and what a promotion from trunk would bring, loads in them.
 */
export function UsagePanel({ usage, activeMinutes, now }: { usage: TestUsage; activeMinutes: number; now: number }) {
  const anyone = usage.environments.some((entry) => entry.applications.length > 0);
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Applications whose Proctor client reported in the last {activeMinutes} minutes (see <Link href="/consumers" className={`underline ${linkClass}`}>Consumers</Link>). Promotions and deletions that an
        application could not load are refused.
      </p>
      {!anyone && (
        <EmptyState title="No active application uses this test">
          Applications appear here once their Proctor client reports a specification that requires <code>{usage.testName}</code> or whose dynamic filters match it.
        </EmptyState>
      )}
      {[...usage.environments].reverse().map((entry) => (
        <section key={entry.env} className={`${cardClass} ${ENV_BORDER[entry.env]}`} aria-labelledby={`usage-${entry.env}`} data-usage-env={entry.env}>
          <h2 id={`usage-${entry.env}`} className="mb-2 flex flex-wrap items-center gap-2 font-semibold">
            <EnvBadge env={entry.env} /> usage
            <span className="text-sm font-normal text-slate-600 dark:text-slate-400">
              {entry.revision ? <>test at <code className="font-mono">{shortRevision(entry.revision)}</code></> : `test not in ${entry.env}`}
              {entry.candidate && <> · candidate {entry.candidate.startsWith('trunk@') ? <code className="font-mono">{entry.candidate}</code> : entry.candidate}</>}
            </span>
          </h2>
          {entry.applications.length === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">No active application in {entry.env} requires or uses this test.</p>
          ) : (
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm" aria-label={`Applications using the test in ${entry.env}`}>
                <thead>
                  <tr className="border-b border-slate-300 dark:border-slate-600">
                    <th scope="col" className="py-1 pr-3">Application</th>
                    <th scope="col" className="py-1 pr-3">Version</th>
                    <th scope="col" className="py-1 pr-3">Instances</th>
                    <th scope="col" className="py-1 pr-3">Uses it</th>
                    <th scope="col" className="py-1 pr-3">Last seen</th>
                    <th scope="col" className="py-1 pr-3">Current definition</th>
                    <th scope="col" className="py-1">{entry.candidate?.startsWith('trunk@') ? "Candidate (trunk's)" : 'Candidate'}</th>
                  </tr>
                </thead>
                <tbody>
                  {entry.applications.map((application) => (
                    <tr key={`${application.application} ${application.version}`} className="border-b border-slate-200 align-top dark:border-slate-700" data-usage-app={`${application.application} ${application.version}`}>
                      <th scope="row" className="py-2 pr-3 text-left font-semibold">{application.application}</th>
                      <td className="py-2 pr-3 font-mono">{application.version}</td>
                      <td className="py-2 pr-3">{application.instances}</td>
                      <td className="py-2 pr-3" data-use={application.use}>{application.use === 'required' ? 'required' : 'dynamic filter'}</td>
                      <td className="py-2 pr-3">
                        <time dateTime={application.lastSeenAt.toISOString()} title={formatDateTime(application.lastSeenAt)}>{formatAgo(application.lastSeenAt, now)}</time>
                      </td>
                      <td className="py-2 pr-3" data-check="current">
                        {entry.revision || application.use === 'required' ? <CompatibilityCell compatibility={application.current} what="current definition" /> : <span className="text-xs">—</span>}
                      </td>
                      <td className="py-2" data-check="candidate">
                        {application.candidate ? <CompatibilityCell compatibility={application.candidate} what="candidate" /> : <span className="text-xs text-slate-600 dark:text-slate-400">no candidate</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ))}
    </div>
  );
}
