import { apiRoute } from '@/lib/http/api-route';
import { STOP_BODY } from '@/lib/http/test-schemas';
import { stopTest } from '@/lib/services/release-actions';

export const dynamic = 'force-dynamic';

/** {reason, issueKey?}: emergency stop — 100% inactive on trunk, qa and production in one action. */
export const POST = apiRoute<{ reason: string; issueKey?: string }, { name: string }>(
  { role: 'releaser', body: STOP_BODY, action: 'test.stop', successStatus: 201 },
  async (ctx) => {
    ctx.audit.target = `test:${ctx.params.name}`;
    ctx.audit.details = { reason: ctx.body.reason };
    return stopTest(ctx.deps, ctx.actor, { ...ctx.body, name: ctx.params.name });
  },
);
