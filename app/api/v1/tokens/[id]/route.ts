import { revokeApiToken } from '@/lib/auth/api-tokens';
import { apiRoute } from '@/lib/http/api-route';

export const dynamic = 'force-dynamic';

/** Revokes a token (own tokens; admins any). Returns the token's description with revokedAt. */
export const DELETE = apiRoute<undefined, { id: string }>({ action: 'token.revoke' }, async ({ deps, actor, params, audit }) => {
  audit.target = `token:${params.id}`;
  return revokeApiToken(deps, actor, { id: params.id });
});
