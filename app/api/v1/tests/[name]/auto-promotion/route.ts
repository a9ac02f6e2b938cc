import { apiRoute } from '@/lib/http/api-route';
import { VALIDATE_BODY } from '@/lib/http/test-schemas';
import { forecastAutoPromotion } from '@/lib/services/validate-submission';

export const dynamic = 'force-dynamic';

/** {name, definition} → {eligible, reason?}: whether saving this would be auto-promoted (allocation-only change). */
export const POST = apiRoute<{ name: string; definition: unknown }, { name: string }>(
  { body: VALIDATE_BODY, action: 'test.auto-promotion-check', maxBodyBytes: 2_000_000 },
  async (ctx) => forecastAutoPromotion(ctx.deps, ctx.actor, { name: ctx.params.name, definition: ctx.body.definition }),
);
