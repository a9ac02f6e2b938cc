import { apiRoute } from '@/lib/http/api-route';
import { CONCLUSION_BODY } from '@/lib/http/api-schemas';
import { readConclusion, saveConclusion, type SaveConclusionInput } from '@/lib/services/test-conclusion';

export const dynamic = 'force-dynamic';

/** The written conclusion: {hypothesis, result, decision, revision}. */
export const GET = apiRoute<undefined, { name: string }>({}, async (ctx) => readConclusion(ctx.deps, ctx.actor, { name: ctx.params.name }));

/** {hypothesis, result, decision, expectedRevision}: 409 when it changed since expectedRevision was read. */
export const PUT = apiRoute<SaveConclusionInput, { name: string }>({ role: 'editor', body: CONCLUSION_BODY, action: 'test.conclusion' }, async (ctx) => {
  ctx.audit.target = ctx.params.name;
  const view = await saveConclusion(ctx.deps, ctx.actor, { name: ctx.params.name, conclusion: ctx.body });
  ctx.audit.details = { revision: view.revision };
  return view;
});
