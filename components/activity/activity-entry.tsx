import Link from 'next/link';
import { EnvBadge } from '@/components/env-badge';
import { IssueStatusBadge } from '@/components/issues/issue-status-badge';
import type { ActivityEntry } from '@/lib/services/list-activity';
import { formatAgo, formatDateTime, shortRevision } from '@/lib/ui/format';
import { linkClass } from '@/lib/ui/styles';

function When({ at, now }: { at: Date; now: number }) {
  return (
    <time dateTime={new Date(at).toISOString()} title={formatDateTime(at)} className="text-slate-600 dark:text-slate-400">
      {formatAgo(at, now)}
    </time>
  );
}

/** One line of the Activity page: a commit or promotion of a test, or an issue moving through the workflow. */
export function ActivityEntryRow({ entry, now }: { entry: ActivityEntry; now: number }) {
  if (entry.type === 'transition') {
    return (
      <li className="flex flex-wrap items-start gap-x-3 gap-y-1 p-3 text-sm" data-activity="transition">
        <span className="rounded bg-violet-100 px-1.5 py-0.5 text-xs text-violet-900 dark:bg-violet-900 dark:text-violet-100">issue</span>
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-2">
            <Link href={`/issues/${encodeURIComponent(entry.issueKey)}`} className={`font-semibold ${linkClass}`}>{entry.issueKey}</Link>
            <span>{entry.from ? <>moved from <IssueStatusBadge status={entry.from} /> to</> : 'created in'}</span>
            <IssueStatusBadge status={entry.to} />
          </div>
        </div>
        <div className="w-full text-xs sm:w-auto sm:text-right">
          <span className="font-medium">{entry.actor}</span> <When at={entry.at} now={now} />
        </div>
      </li>
    );
  }
  return (
    <li className="flex flex-wrap items-start gap-x-3 gap-y-1 p-3 text-sm" data-activity="change">
      <EnvBadge env={entry.env} />
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-center gap-2">
          <Link href={`/tests/${encodeURIComponent(entry.testName)}`} className={`min-w-0 break-all font-mono font-semibold ${linkClass}`}>{entry.testName}</Link>
          <span className="rounded bg-slate-200 px-1 text-xs text-slate-800 dark:bg-slate-700 dark:text-slate-100">{entry.changeKind}</span>
          <Link href={`/tests/${encodeURIComponent(entry.testName)}?tab=definition&revision=${entry.revision}`} className={`font-mono text-xs ${linkClass}`}>{shortRevision(entry.revision)}</Link>
          {entry.issueKey && <Link href={`/issues/${encodeURIComponent(entry.issueKey)}`} className={linkClass}>{entry.issueKey}</Link>}
        </div>
        <p className="break-words text-slate-700 dark:text-slate-300">{entry.message}</p>
      </div>
      <div className="w-full text-xs sm:w-auto sm:text-right">
        <span className="font-medium">{entry.authorName}</span> <When at={entry.committedAt} now={now} />
      </div>
    </li>
  );
}
