import { apiRoute } from '@/lib/http/api-route';
import { VALIDATE_BODY } from '@/lib/http/test-schemas';
import { validateSubmission } from '@/lib/services/validate-submission';

export const dynamic = 'force-dynamic';

/** Dry run: {name, definition} → {valid, issues[{path, message, severity}]} with Proctor's and the webapp's checks. */
export const POST = apiRoute<{ name: string; definition: unknown }>({ body: VALIDATE_BODY, action: 'test.validate', maxBodyBytes: 2_000_000 }, async (ctx) =>
  validateSubmission(ctx.deps, ctx.actor, ctx.body),
);
