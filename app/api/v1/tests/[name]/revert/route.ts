import { apiRoute } from '@/lib/http/api-route';
import { REVERT_TEST_BODY } from '@/lib/http/test-schemas';
import { revertDefinition } from '@/lib/services/save-definition';

export const dynamic = 'force-dynamic';

/** Restores the definition of `toRevision` on trunk as a new commit. */
export const POST = apiRoute<{ toRevision: string; baseRevision: string; issueKey: string; comment?: string }, { name: string }>(
  { role: 'editor', body: REVERT_TEST_BODY, action: 'test.revert' },
  async (ctx) => {
    ctx.audit.target = `test:${ctx.params.name}`;
    return revertDefinition(ctx.deps, ctx.actor, { ...ctx.body, name: ctx.params.name });
  },
);
