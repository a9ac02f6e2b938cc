import { apiRoute } from '@/lib/http/api-route';
import { rollbackTargets } from '@/lib/services/release-actions';

export const dynamic = 'force-dynamic';

/** ?env=qa|production — revisions that were live there before, newest first. */
export const GET = apiRoute<undefined, { name: string }>({}, async (ctx) => rollbackTargets(ctx.deps, ctx.actor, { name: ctx.params.name, env: ctx.query.get('env') ?? undefined }));
