import { apiRoute } from '@/lib/http/api-route';
import { listDrift } from '@/lib/services/list-drift';

export const dynamic = 'force-dynamic';

/** For every test: whether qa and production hold the current trunk revision ('current'), an older one, or none. */
export const GET = apiRoute({}, async (ctx) => ({ tests: await listDrift(ctx.deps, ctx.actor) }));
