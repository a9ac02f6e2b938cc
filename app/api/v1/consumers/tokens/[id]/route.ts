import { revokeConsumerToken } from '@/lib/distribution/consumer-tokens';
import { apiRoute } from '@/lib/http/api-route';

export const dynamic = 'force-dynamic';

/** Revokes an application token; its applications' heartbeats are refused from then on. */
export const DELETE = apiRoute<undefined, { id: string }>({ role: 'admin', action: 'consumer-token.revoke' }, async ({ deps, actor, params, audit }) => {
  audit.target = `consumer-token:${params.id}`;
  return revokeConsumerToken(deps, actor, { id: params.id });
});
