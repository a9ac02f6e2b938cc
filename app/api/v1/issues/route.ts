import { apiRoute, queryInt } from '@/lib/http/api-route';
import { CREATE_ISSUE_BODY } from '@/lib/http/api-schemas';
import type { CreateIssueInput } from '@/lib/issues/issue-tracker';
import { createIssue, listIssues } from '@/lib/issues/issue-service';

export const dynamic = 'force-dynamic';

/** ?q= (key prefix or summary text) &status= &limit= (1–200, default 50). */
export const GET = apiRoute({}, async ({ deps, actor, query }) => ({
  issues: await listIssues(deps, actor, { q: query.get('q') ?? undefined, status: query.get('status') ?? undefined, limit: queryInt(query, 'limit', { min: 1, max: 200 }) }),
}));

export const POST = apiRoute<CreateIssueInput>({ role: 'editor', body: CREATE_ISSUE_BODY, action: 'issue.create', successStatus: 201 }, async ({ deps, actor, body, audit }) => {
  const issue = await createIssue(deps, actor, body);
  audit.target = `issue:${issue.key}`;
  return issue;
});
