import { apiRoute } from '@/lib/http/api-route';
import { TRANSITION_ISSUE_BODY } from '@/lib/http/api-schemas';
import { listIssueTransitions, normalizeIssueKey, transitionIssue } from '@/lib/issues/issue-service';

export const dynamic = 'force-dynamic';

export const GET = apiRoute<undefined, { key: string }>({}, async ({ deps, actor, params }) => ({
  transitions: await listIssueTransitions(deps, actor, { key: params.key }),
}));

/** {to: "QA Ready"} or {name: "Resolve"} → {key, from, to, transition}. */
export const POST = apiRoute<{ to?: string; name?: string }, { key: string }>(
  { role: 'editor', body: TRANSITION_ISSUE_BODY, action: 'issue.transition' },
  async ({ deps, actor, params, body, audit }) => {
    Object.assign(audit, { target: `issue:${normalizeIssueKey(params.key)}`, details: body });
    return transitionIssue(deps, actor, { ...body, key: params.key });
  },
);
