import { createApiToken, listApiTokens } from '@/lib/auth/api-tokens';
import { apiRoute } from '@/lib/http/api-route';
import { CREATE_TOKEN_BODY } from '@/lib/http/api-schemas';

export const dynamic = 'force-dynamic';

/** The caller's tokens (admins: everyone's with ?all=1). Never the secrets. */
export const GET = apiRoute({}, ({ deps, actor, query }) => listApiTokens(deps, actor, { all: query.get('all') === '1' }).then((tokens) => ({ tokens })));

/** Creates a token {name, expiresInDays?}; the response is the only time the secret is shown. */
export const POST = apiRoute<{ name: string; expiresInDays?: number | null }>(
  { body: CREATE_TOKEN_BODY, action: 'token.create', successStatus: 201 },
  async ({ deps, actor, body, audit }) => {
    const created = await createApiToken(deps, actor, body);
    Object.assign(audit, { target: `token:${created.id}`, details: { tokenName: created.name, tokenPrefix: created.prefix } });
    return created;
  },
);
