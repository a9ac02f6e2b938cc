import Link from 'next/link';
import { EnvBadge } from '@/components/env-badge';
import { ENV_NAMES, type EnvName } from '@/lib/ui/environments';
import { formatDateTime, shortRevision } from '@/lib/ui/format';
import { cardClass, linkClass } from '@/lib/ui/styles';

export interface IssueChangeView {
  testName: string;
  revision: string;
  env: string;
  createdAt: string | Date;
}

interface TouchedTest {
  name: string;
  changes: number;
  last: Date;
  /** The newest revision written under the issue, per environment. */
  latest: Partial<Record<EnvName, string>>;
}

/** The issue's changes (history index and recorded links) grouped per test, the most recently touched first. */
export function testsTouched(changes: IssueChangeView[]): TouchedTest[] {
  const byTest = new Map<string, TouchedTest>();
  for (const change of [...changes].sort((a, b) => new Date(a.createdAt).getTime() - new Date(b.createdAt).getTime())) {
    const entry = byTest.get(change.testName) ?? { name: change.testName, changes: 0, last: new Date(0), latest: {} };
    entry.changes += 1;
    entry.last = new Date(change.createdAt);
    if ((ENV_NAMES as readonly string[]).includes(change.env)) entry.latest[change.env as EnvName] = change.revision;
    byTest.set(change.testName, entry);
  }
  return [...byTest.values()].sort((a, b) => b.last.getTime() - a.last.getTime());
}

/** "Tests this issue touched": each test once, with the newest revision the issue put in each environment. */
export function IssueTests({ changes }: { changes: IssueChangeView[] }) {
  const tests = testsTouched(changes);
  return (
    <section className={cardClass} aria-labelledby="issue-tests">
      <h2 id="issue-tests" className="mb-2 font-semibold">Tests this issue touched</h2>
      {tests.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">No commit or promotion names this issue yet.</p>
      ) : (
        <ul className="space-y-2 text-sm" aria-label="Tests this issue touched">
          {tests.map((test) => (
            <li key={test.name} data-touched-test={test.name}>
              <Link href={`/tests/${encodeURIComponent(test.name)}`} className={`break-all font-mono font-semibold ${linkClass}`}>{test.name}</Link>
              <span className="ml-2 text-xs text-slate-600 dark:text-slate-400">
                {test.changes} change{test.changes === 1 ? '' : 's'}, last {formatDateTime(test.last)}
              </span>
              <div className="mt-1 flex flex-wrap gap-2">
                {ENV_NAMES.filter((env) => test.latest[env]).map((env) => (
                  <Link key={env} href={`/tests/${encodeURIComponent(test.name)}?tab=definition&revision=${test.latest[env]}`} className={`inline-flex items-center gap-1 ${linkClass}`}>
                    <EnvBadge env={env} /> <code className="text-xs">{shortRevision(test.latest[env])}</code>
                  </Link>
                ))}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
