import Link from 'next/link';
import { EnvBadge } from '@/components/env-badge';
import { EmptyState } from '@/components/empty-state';
import type { HistoryEntryRecord, LiveRevision } from '@/lib/store';
import type { EnvName } from '@/lib/ui/environments';
import { formatDateTime, shortRevision } from '@/lib/ui/format';
import { buttonClass, linkClass } from '@/lib/ui/styles';
import { EnvLinks } from './env-links';
import { RevertButton } from './revert-button';

export interface HistoryPanelProps {
  name: string;
  env: EnvName;
  entries: HistoryEntryRecord[];
  total: number;
  offset: number;
  limit: number;
  live: Record<EnvName, LiveRevision>;
  canRevert: boolean;
}

/** The commit message without Proctor's machine trailers (Proctor-Test:, Proctor-Issue:, …). */
function readableMessage(message: string): string {
  return message
    .split('\n')
    .filter((line) => !/^Proctor-[A-Za-z-]+:/.test(line))
    .join('\n')
    .trim();
}

/** Which environments run this entry's definition right now. */
function liveIn(entry: HistoryEntryRecord, env: EnvName, live: HistoryPanelProps['live']): EnvName[] {
  const out: EnvName[] = [];
  if (env === 'trunk') {
    if (live.trunk.revision === entry.revision) out.push('trunk');
    if (live.qa.sourceTrunkRevision === entry.revision) out.push('qa');
    if (live.production.sourceTrunkRevision === entry.revision) out.push('production');
  } else if (live[env].revision === entry.revision) {
    out.push(env);
  }
  return out;
}

/** One environment's history, newest first; pick two revisions to diff, revert trunk to any of them. */
export function HistoryPanel({ name, env, entries, total, offset, limit, live, canRevert }: HistoryPanelProps) {
  const base = `/tests/${encodeURIComponent(name)}`;
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        <span className="text-sm font-medium">Environment:</span>
        <EnvLinks name={name} tab="history" current={env} />
        <span className="ml-auto text-sm">Compare environments:</span>
        <Link className={linkClass} href={`${base}?tab=diff&from=production&to=trunk`}>production → trunk</Link>
        <Link className={linkClass} href={`${base}?tab=diff&from=qa&to=trunk`}>qa → trunk</Link>
        <Link className={linkClass} href={`${base}?tab=diff&from=production&to=qa`}>production → qa</Link>
      </div>
      {entries.length === 0 ? (
        <EmptyState title={`No history in ${env}`}>This test has never been in {env}.</EmptyState>
      ) : (
        <div>
          {/* The revert dialogs hold forms of their own, so the radios join this form by its id instead of nesting. */}
          <form id="history-compare" action={base} method="get">
            <input type="hidden" name="tab" value="diff" />
          </form>
          <fieldset>
            <legend className="sr-only">Choose two revisions to compare</legend>
            <ol className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white dark:divide-slate-700 dark:border-slate-700 dark:bg-slate-900" aria-label={`${env} history`}>
              {entries.map((entry, index) => {
                const badges = liveIn(entry, env, live);
                return (
                  <li key={entry.revision} className="flex flex-wrap items-start gap-3 p-3" data-revision={entry.revision}>
                    <div className="flex flex-col gap-1 text-xs">
                      <label className="flex items-center gap-1">
                        <input type="radio" form="history-compare" name="from" value={entry.revision} defaultChecked={index === 1} aria-label={`compare from ${shortRevision(entry.revision)}`} /> from
                      </label>
                      <label className="flex items-center gap-1">
                        <input type="radio" form="history-compare" name="to" value={entry.revision} defaultChecked={index === 0} aria-label={`compare to ${shortRevision(entry.revision)}`} /> to
                      </label>
                    </div>
                    <div className="min-w-0 flex-1">
                      <div className="flex flex-wrap items-center gap-2 text-sm">
                        <Link href={`${base}?tab=definition&revision=${entry.revision}`} className={`font-mono ${linkClass}`}>
                          {shortRevision(entry.revision)}
                        </Link>
                        <span className="font-medium">{entry.authorName}</span>
                        <time dateTime={new Date(entry.authoredAt).toISOString()} className="text-slate-600 dark:text-slate-400">
                          {formatDateTime(entry.authoredAt)}
                        </time>
                        {entry.issueKey && (
                          <Link href={`/issues/${entry.issueKey}`} className={linkClass}>
                            {entry.issueKey}
                          </Link>
                        )}
                        <span className="rounded bg-slate-200 px-1 text-xs text-slate-800 dark:bg-slate-700 dark:text-slate-100">{entry.changeKind}</span>
                        {badges.map((liveEnv) => (
                          <EnvBadge key={liveEnv} env={liveEnv}>
                            <span className="normal-case">live</span>
                          </EnvBadge>
                        ))}
                      </div>
                      <p className="mt-0.5 whitespace-pre-wrap break-words text-sm text-slate-700 dark:text-slate-300">{readableMessage(entry.message)}</p>
                      {entry.sourceRevision && <p className="text-xs text-slate-600 dark:text-slate-400">promoted from {entry.sourceBranch ?? 'trunk'} {shortRevision(entry.sourceRevision)}</p>}
                    </div>
                    <div className="flex flex-wrap gap-2">
                      {index > 0 && (
                        <Link className={`${buttonClass} px-2 py-0.5 text-xs`} href={`${base}?tab=diff&from=${entry.revision}&to=${env}`}>
                          Diff to {env}
                        </Link>
                      )}
                      {canRevert && env === 'trunk' && index > 0 && entry.changeKind !== 'delete' && live.trunk.revision && <RevertButton testName={name} toRevision={entry.revision} baseRevision={live.trunk.revision} />}
                    </div>
                  </li>
                );
              })}
            </ol>
          </fieldset>
          <div className="mt-3 flex flex-wrap items-center gap-3">
            {entries.length > 1 && (
              <button type="submit" form="history-compare" className={buttonClass}>
                Compare selected revisions
              </button>
            )}
            <span className="text-sm text-slate-600 dark:text-slate-400">
              {offset + 1}–{offset + entries.length} of {total}
            </span>
            {offset > 0 && (
              <Link className={linkClass} href={`${base}?tab=history&env=${env}&offset=${Math.max(0, offset - limit)}`}>
                Newer
              </Link>
            )}
            {offset + entries.length < total && (
              <Link className={linkClass} href={`${base}?tab=history&env=${env}&offset=${offset + limit}`}>
                Older
              </Link>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
