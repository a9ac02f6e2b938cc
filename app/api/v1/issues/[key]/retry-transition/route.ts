import { apiRoute } from '@/lib/http/api-route';
import { RETRY_TRANSITION_BODY } from '@/lib/http/api-schemas';
import { normalizeIssueKey } from '@/lib/issues/issue-service';
import { retryTransition } from '@/lib/services/verify-issue';

export const dynamic = 'force-dynamic';

/** {}: retries the transition a promotion committed but could not make (partial success). */
export const POST = apiRoute<Record<string, never>, { key: string }>({ role: 'releaser', body: RETRY_TRANSITION_BODY, action: 'issue.retry-transition' }, async ({ deps, actor, params, audit }) => {
  audit.target = `issue:${normalizeIssueKey(params.key)}`;
  return retryTransition(deps, actor, { key: params.key });
});
