import { apiRoute } from '@/lib/http/api-route';
import { UPDATE_ISSUE_BODY } from '@/lib/http/api-schemas';
import type { IssueFieldsChange } from '@/lib/issues/issue-tracker';
import { getIssueDetail, normalizeIssueKey, updateIssue } from '@/lib/issues/issue-service';
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

/** {description?, assignee?, previous: {the values they had}} → the issue. Editors and QA; 409 when a field moved on. */
export const PATCH = apiRoute<IssueFieldsChange, { key: string }>({ body: UPDATE_ISSUE_BODY, action: 'issue.update' }, async ({ deps, actor, params, body, audit }) => {
  Object.assign(audit, { target: `issue:${normalizeIssueKey(params.key)}`, details: { fields: Object.keys(body).filter((field) => field !== 'previous'), assignee: body.assignee } });
  return updateIssue(deps, actor, { ...body, key: params.key });
});
