import { apiRoute } from '@/lib/http/api-route';
import { BUCKET_CHECK_BODY } from '@/lib/http/test-schemas';
import { checkBucket } from '@/lib/services/check-bucket';

export const dynamic = 'force-dynamic';

/** {identifier, idType?, context?} → the bucket per environment with the allocation and rule that decided it (read-only). */
export const POST = apiRoute<{ identifier: string; idType?: string; context?: Record<string, unknown> }, { name: string }>(
  { body: BUCKET_CHECK_BODY, action: 'test.bucket-check' },
  async (ctx) => checkBucket(ctx.deps, ctx.actor, { ...ctx.body, name: ctx.params.name }),
);
