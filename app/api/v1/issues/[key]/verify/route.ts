import { apiRoute } from '@/lib/http/api-route';
import { VERIFY_ISSUE_BODY } from '@/lib/http/api-schemas';
import { normalizeIssueKey } from '@/lib/issues/issue-service';
import { verifyIssue } from '@/lib/services/verify-issue';

export const dynamic = 'force-dynamic';

/** QA's step: In QA → Production Ready (records the definition live in qa per test), In Production → Pending Closure. */
export const POST = apiRoute<{ comment?: string }, { key: string }>({ role: 'qa', body: VERIFY_ISSUE_BODY, action: 'issue.verify' }, async ({ deps, actor, params, body, audit }) => {
  audit.target = `issue:${normalizeIssueKey(params.key)}`;
  const result = await verifyIssue(deps, actor, { key: params.key, comment: body.comment });
  audit.details = { from: result.from, to: result.to, tests: result.verification?.tests ?? [] };
  return result;
});
