import { apiRoute } from '@/lib/http/api-route';
import { DELETE_TEST_BODY, UPDATE_TEST_BODY } from '@/lib/http/test-schemas';
import { getTest } from '@/lib/services/read-tests';
import { deleteDefinition, updateDefinition } from '@/lib/services/save-definition';

export const dynamic = 'force-dynamic';
type Params = { name: string };

/** ?env=trunk|qa|production (default trunk) or ?revision=<sha> → {name, env, revision, commit, definition, text} */
export const GET = apiRoute<undefined, Params>({}, async (ctx) => {
  const read = await getTest(ctx.deps, ctx.actor, { name: ctx.params.name, env: ctx.query.get('env') ?? undefined, revision: ctx.query.get('revision') ?? undefined });
  return { name: read.testName, env: read.env, revision: read.revision, commit: read.commit, definition: read.definition, text: read.text };
});

export const PUT = apiRoute<{ definition: unknown; baseRevision: string; issueKey: string; comment?: string; autoPromote?: boolean }, Params>(
  { role: 'editor', body: UPDATE_TEST_BODY, action: 'test.update', maxBodyBytes: 2_000_000 },
  async (ctx) => {
    ctx.audit.target = `test:${ctx.params.name}`;
    return updateDefinition(ctx.deps, ctx.actor, { ...ctx.body, name: ctx.params.name });
  },
);

export const DELETE = apiRoute<{ baseRevision: string; issueKey: string; comment?: string }, Params>(
  { role: 'editor', body: DELETE_TEST_BODY, action: 'test.delete' },
  async (ctx) => {
    ctx.audit.target = `test:${ctx.params.name}`;
    return deleteDefinition(ctx.deps, ctx.actor, { ...ctx.body, name: ctx.params.name });
  },
);
