import { AllocationBar } from '@/components/allocation-bar';
import { EnvBadge } from '@/components/env-badge';
import type { TestRow } from '@/lib/services/list-tests';
import { ENV_NAMES } from '@/lib/ui/environments';
import { shortRevision } from '@/lib/ui/format';
import { DriftBadge } from './drift-badge';

/** One line per environment: badge, revision, compact allocation bars and drift against trunk. */
export function TestRowEnvironments({ row }: { row: Omit<TestRow, 'searchText'> }) {
  return (
    <div className="space-y-1.5">
      {ENV_NAMES.map((env) => {
        const summary = row.envs[env];
        return (
          <div key={env} className="grid grid-cols-[6.5rem_4.5rem_1fr] items-center gap-2" data-env-row={env}>
            <EnvBadge env={env} />
            <code className="text-xs">{summary ? shortRevision(summary.revision) : '—'}</code>
            <div className="min-w-0">
              {!summary ? (
                <span className="text-xs text-slate-600 dark:text-slate-400">not in {env}</span>
              ) : summary.parseError ? (
                <span className="text-xs text-red-700 dark:text-red-300">unreadable: {summary.parseError}</span>
              ) : (
                <div className="flex items-center gap-2">
                  <div className="flex min-w-24 flex-1 flex-col gap-0.5">
                    {summary.allocations.map((allocation, index) => (
                      <AllocationBar key={index} compact ranges={allocation.ranges} label={`${env} ${allocation.rule ? `rule ${allocation.rule}` : 'default allocation'}`} />
                    ))}
                  </div>
                  {env !== 'trunk' && <DriftBadge env={env} state={row.drift[env]} />}
                </div>
              )}
            </div>
          </div>
        );
      })}
    </div>
  );
}
