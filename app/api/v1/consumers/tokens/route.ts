import { createConsumerToken, listConsumerTokens } from '@/lib/distribution/consumer-tokens';
import { apiRoute } from '@/lib/http/api-route';
import { CREATE_CONSUMER_TOKEN_BODY as CREATE_BODY } from '@/lib/http/api-schemas';

export const dynamic = 'force-dynamic';

/** Application tokens (never their secrets). Admins only. */
export const GET = apiRoute({ role: 'admin' }, async ({ deps, actor }) => ({ tokens: await listConsumerTokens(deps, actor) }));

/** Creates an application token {name, environment?, scope?}; the response is the only time the secret `pct_…` is shown. */
export const POST = apiRoute<{ name: string; environment?: string | null; scope?: string }>(
  { role: 'admin', body: CREATE_BODY, action: 'consumer-token.create', successStatus: 201 },
  async ({ deps, actor, body, audit }) => {
    const created = await createConsumerToken(deps, actor, body);
    Object.assign(audit, { target: `consumer-token:${created.id}`, details: { tokenName: created.name, tokenPrefix: created.prefix, environment: created.environment, scope: created.scope } });
    return created;
  },
);
