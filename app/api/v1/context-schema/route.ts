import { apiRoute } from '@/lib/http/api-route';
import { CONTEXT_SCHEMA_BODY } from '@/lib/http/api-schemas';
import { readContextSchema, saveContextSchema, type SaveContextSchemaInput } from '@/lib/services/context-schema';

export const dynamic = 'force-dynamic';

/** The variables rules may use: the applications' providedContext plus the team's list (the rule lint's schema). */
export const GET = apiRoute({}, async ({ deps, actor }) => readContextSchema(deps, actor));

/** {variables: [{name, type, description?}], baseRevision}: replaces the team's list; 409 when it changed meanwhile. */
export const PUT = apiRoute<SaveContextSchemaInput>({ role: 'editor', body: CONTEXT_SCHEMA_BODY, action: 'context-schema.update' }, async ({ deps, actor, body, audit }) => {
  audit.target = 'context-schema';
  const { view, added, removed } = await saveContextSchema(deps, actor, body);
  audit.details = { revision: view.revision, added, removed };
  return view;
});
