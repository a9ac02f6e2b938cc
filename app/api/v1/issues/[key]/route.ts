import { apiRoute } from '@/lib/http/api-route';
import { UPDATE_ISSUE_BODY } from '@/lib/http/api-schemas';
import type { IssueFieldsChange } from '@/lib/issues/issue-tracker';
import { getIssueDetail, normalizeIssueKey, updateIssue } from '@/lib/issues/issue-service';

export const dynamic = 'force-dynamic';

/** The issue with its comments, workflow events, linked definition changes and available transitions. */
export const GET = apiRoute<undefined, { key: string }>({}, ({ deps, actor, params }) => getIssueDetail(deps, actor, { key: params.key }));

/** {description?, assignee?, previous: {the values they had}} → the issue. Editors and QA; 409 when a field moved on. */
export const PATCH = apiRoute<IssueFieldsChange, { key: string }>({ body: UPDATE_ISSUE_BODY, action: 'issue.update' }, async ({ deps, actor, params, body, audit }) => {
  Object.assign(audit, { target: `issue:${normalizeIssueKey(params.key)}`, details: { fields: Object.keys(body).filter((field) => field !== 'previous'), assignee: body.assignee } });
  return updateIssue(deps, actor, { ...body, key: params.key });
});
