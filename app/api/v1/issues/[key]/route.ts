import { apiRoute } from '@/lib/http/api-route';
import { getIssueDetail } from '@/lib/issues/issue-service';

export const dynamic = 'force-dynamic';

/** The issue with its comments, workflow events, linked definition changes and available transitions. */
export const GET = apiRoute<undefined, { key: string }>({}, ({ deps, actor, params }) => getIssueDetail(deps, actor, { key: params.key }));
