import { apiRoute } from '@/lib/http/api-route';
import { getIssueDetail } from '@/lib/issues/issue-service';
import { issueReleaseState } from '@/lib/services/verify-issue';

export const dynamic = 'force-dynamic';

/**
 * The issue with its comments, workflow events, linked definition changes and the transitions a person may take, plus
 * its release state: QA's verification, promotion overrides, a pending transition and the caller's allowed actions.
 */
export const GET = apiRoute<undefined, { key: string }>({}, async ({ deps, actor, params }) => {
  const detail = await getIssueDetail(deps, actor, { key: params.key });
  return { ...detail, ...(await issueReleaseState(deps, actor, { key: detail.key, status: detail.status, transitions: detail.transitions ?? [] })) };
});
