import { apiRoute } from '@/lib/http/api-route';
import { PROMOTE_BODY } from '@/lib/http/test-schemas';
import { promoteDefinition } from '@/lib/services/promote-definition';

export const dynamic = 'force-dynamic';

/** {from, to, revision?, targetRevision?, issueKey, comment?}: copies the whole definition to the target branch. */
export const POST = apiRoute<{ from: string; to: string; revision?: string; targetRevision?: string | null; issueKey: string; comment?: string; override?: { reason: string } }, { name: string }>(
  { role: 'releaser', body: PROMOTE_BODY, action: 'test.promote', successStatus: 201 },
  async (ctx) => {
    ctx.audit.target = `test:${ctx.params.name}`;
    ctx.audit.details = { from: ctx.body.from, to: ctx.body.to, ...(ctx.body.override ? { override: ctx.body.override } : {}) };
    return promoteDefinition(ctx.deps, ctx.actor, { ...ctx.body, name: ctx.params.name });
  },
);
