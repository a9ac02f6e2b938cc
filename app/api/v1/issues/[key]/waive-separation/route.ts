import { apiRoute } from '@/lib/http/api-route';
import { WAIVE_SEPARATION_BODY } from '@/lib/http/api-schemas';
import { normalizeIssueKey } from '@/lib/issues/issue-service';
import { waiveSeparation } from '@/lib/services/verify-issue';

export const dynamic = 'force-dynamic';

/** {reason}: an admin lets an author of the issue's changes verify it; recorded and said on the issue. */
export const POST = apiRoute<{ reason: string }, { key: string }>({ role: 'admin', body: WAIVE_SEPARATION_BODY, action: 'issue.waive-separation' }, async ({ deps, actor, params, body, audit }) => {
  Object.assign(audit, { target: `issue:${normalizeIssueKey(params.key)}`, details: { reason: body.reason } });
  return waiveSeparation(deps, actor, { key: params.key, reason: body.reason });
});
