import { apiRoute } from '@/lib/http/api-route';
import { COMMENT_ISSUE_BODY } from '@/lib/http/api-schemas';
import { commentOnIssue, normalizeIssueKey } from '@/lib/issues/issue-service';

export const dynamic = 'force-dynamic';

/** {body} → 204. Editors and QA (the use case checks: lib/auth/issue-permissions.ts). */
export const POST = apiRoute<{ body: string }, { key: string }>({ body: COMMENT_ISSUE_BODY, action: 'issue.comment' }, async ({ deps, actor, params, body, audit }) => {
  audit.target = `issue:${normalizeIssueKey(params.key)}`;
  await commentOnIssue(deps, actor, { ...body, key: params.key });
});
