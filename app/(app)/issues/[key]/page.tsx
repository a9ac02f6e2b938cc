import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { EmptyState } from '@/components/empty-state';
import { EnvBadge } from '@/components/env-badge';
import { ErrorPanel } from '@/components/error-panel';
import { IssueComments } from '@/components/issues/issue-comments';
import { IssueDetailsForm } from '@/components/issues/issue-details-form';
import { IssueStatusBadge } from '@/components/issues/issue-status-badge';
import { IssueRelease, IssueVerification } from '@/components/issues/issue-release';
import { IssueTests } from '@/components/issues/issue-tests';
import { IssueTransitions } from '@/components/issues/issue-transitions';
import { PageHeader } from '@/components/page-header';
import { mayDiscussIssues } from '@/lib/auth/issue-permissions';
import { hasRole } from '@/lib/auth/roles';
import { getIssueDetail } from '@/lib/issues/issue-service';
import { issueReleaseState } from '@/lib/services/verify-issue';
import { getServices } from '@/lib/composition/services';
import { requirePageUser } from '@/lib/server/current-user';
import { isMissing } from '@/lib/server/unknown-page';
import { isEnvName } from '@/lib/ui/environments';
import { formatDateTime, shortRevision } from '@/lib/ui/format';
import { load } from '@/lib/server/page-data';
import { cardClass, linkClass } from '@/lib/ui/styles';

export async function generateMetadata({ params }: { params: Promise<{ key: string }> }): Promise<Metadata> {
  return { title: decodeURIComponent((await params).key).toUpperCase() };
}

export default async function IssuePage({ params }: { params: Promise<{ key: string }> }) {
  const key = decodeURIComponent((await params).key).toUpperCase();
  const user = await requirePageUser(`/issues/${encodeURIComponent(key)}`);
  const services = await getServices();
  const loaded = await load(async () => {
    const detail = await getIssueDetail(services, user, { key });
    return { ...detail, ...(await issueReleaseState(services, user, { key: detail.key, status: detail.status, transitions: detail.transitions ?? [] })) };
  });
  if (!loaded.ok && isMissing(loaded.error.code)) notFound();
  if (!loaded.ok) {
    return (
      <>
        <PageHeader title={key} />
        <ErrorPanel error={loaded.error} title="This issue could not be opened" />
      </>
    );
  }
  const issue = loaded.value;
  const allowedActions: string[] = issue.allowedActions;
  // Only the transitions the server offers this user by hand; "→ In QA" / "→ In Production" happen through promotions.
  const transitions = (issue.transitions ?? []).filter((transition) => allowedActions.includes(`transition:${transition.to}`));
  const verification = issue.verification;
  return (
    <>
      <PageHeader title={<>{issue.key} <span className="font-normal">{issue.summary}</span></>}>
        <span className="self-center">
          <IssueStatusBadge status={issue.status} />
        </span>
      </PageHeader>
      <div className="grid gap-4 lg:grid-cols-[2fr_1fr]">
        <div className="space-y-4">
          <section className={cardClass} aria-labelledby="issue-workflow">
            <h2 id="issue-workflow" className="mb-2 font-semibold">Workflow</h2>
            <p className="mb-2 text-sm">
              Status: <IssueStatusBadge status={issue.status} /> · promoting to qa needs <strong>QA Ready</strong>, to production <strong>Production Ready</strong>.
              The issue moves to <strong>In QA</strong> and <strong>In Production</strong> only when a releaser promotes; a QA analyst who did not
              author the change verifies it.
            </p>
            <IssueRelease
              issueKey={issue.key}
              status={issue.status}
              allowedActions={allowedActions}
              canVerifyRole={hasRole(user, 'qa')}
              isAdmin={hasRole(user, 'admin')}
              verification={verification ? { by: verification.by, at: new Date(verification.at).toISOString() } : null}
              waivedSeparation={verification?.waivedSeparation ?? null}
              pendingTransition={issue.pendingTransition}
            />
            <div className="mt-3">
              {hasRole(user, 'editor') ? (
                <IssueTransitions issueKey={issue.key} transitions={transitions} />
              ) : (
                <p className="text-sm text-slate-600 dark:text-slate-400">Moving the issue by hand (start, resolve, close) needs the editor role.</p>
              )}
            </div>
          </section>
          <section className={cardClass} aria-labelledby="issue-verification">
            <h2 id="issue-verification" className="mb-2 font-semibold">Verification</h2>
            <IssueVerification
              verification={verification ? { by: verification.by, at: new Date(verification.at).toISOString(), tests: verification.tests } : null}
              overrides={issue.promotionOverrides.map((override) => ({ ...override, at: new Date(override.at).toISOString() }))}
            />
          </section>
          <section className={cardClass} aria-labelledby="issue-changes">
            <h2 id="issue-changes" className="mb-2 font-semibold">Commits and promotions</h2>
            {!issue.links || issue.links.length === 0 ? (
              <EmptyState title="Nothing linked yet">Changes saved or promoted under {issue.key} appear here.</EmptyState>
            ) : (
              <ul className="space-y-1 text-sm" aria-label="Linked changes">
                {issue.links.map((link, index) => (
                  <li key={index} className="flex flex-wrap items-center gap-2">
                    {isEnvName(link.env) ? <EnvBadge env={link.env} /> : <span>{link.env}</span>}
                    <span>{link.kind === 'promotion' ? 'promoted' : 'commit'}</span>
                    <Link href={`/tests/${encodeURIComponent(link.testName)}`} className={`font-mono ${linkClass}`}>{link.testName}</Link>
                    <Link href={`/tests/${encodeURIComponent(link.testName)}?tab=definition&revision=${link.revision}`} className={`font-mono ${linkClass}`}>{shortRevision(link.revision)}</Link>
                    <time className="text-xs text-slate-600 dark:text-slate-400">{formatDateTime(link.createdAt)}</time>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <IssueDetailsForm issueKey={issue.key} description={issue.description ?? ''} assignee={issue.assignee ?? null} canEdit={mayDiscussIssues(user) && issue.comments !== undefined} />
          <IssueComments issueKey={issue.key} comments={issue.comments ?? []} canComment={mayDiscussIssues(user)} />
        </div>
        <div className="space-y-4">
          <IssueTests changes={issue.links ?? []} />
          <section className={cardClass} aria-labelledby="issue-facts">
            <h2 id="issue-facts" className="mb-2 font-semibold">Details</h2>
            <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
              <dt>Type</dt>
              <dd>{issue.type}</dd>
              {issue.reporter && (<><dt>Reporter</dt><dd>{issue.reporter}</dd></>)}
              {issue.assignee && (<><dt>Assignee</dt><dd>{issue.assignee}</dd></>)}
              {issue.createdAt && (<><dt>Created</dt><dd>{formatDateTime(issue.createdAt)}</dd></>)}
            </dl>
          </section>
          {issue.events && issue.events.length > 0 && (
            <section className={cardClass} aria-labelledby="issue-events">
              <h2 id="issue-events" className="mb-2 font-semibold">Status history</h2>
              <ol className="space-y-1 text-sm">
                {[...issue.events].reverse().map((event) => (
                  <li key={event.id}>
                    {event.from ? `${event.from} → ` : ''}<strong>{event.to}</strong> by {event.actor}{' '}
                    <time className="text-xs text-slate-600 dark:text-slate-400">{formatDateTime(event.at)}</time>
                  </li>
                ))}
              </ol>
            </section>
          )}
        </div>
      </div>
    </>
  );
}
