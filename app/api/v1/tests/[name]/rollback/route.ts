import { apiRoute } from '@/lib/http/api-route';
import { ROLLBACK_BODY } from '@/lib/http/test-schemas';
import { rollbackDefinition } from '@/lib/services/release-actions';

export const dynamic = 'force-dynamic';

/** {env, revision, reason, issueKey?}: puts a revision that was live in env before back there, whatever the issue's status. */
export const POST = apiRoute<{ env: string; revision: string; reason: string; issueKey?: string }, { name: string }>(
  { role: 'releaser', body: ROLLBACK_BODY, action: 'test.rollback', successStatus: 201 },
  async (ctx) => {
    ctx.audit.target = `test:${ctx.params.name}`;
    ctx.audit.details = { env: ctx.body.env, revision: ctx.body.revision, reason: ctx.body.reason };
    return rollbackDefinition(ctx.deps, ctx.actor, { ...ctx.body, name: ctx.params.name });
  },
);
