import { apiRoute } from '@/lib/http/api-route';
import { getTestView } from '@/lib/services/read-tests';

export const dynamic = 'force-dynamic';

/** The test in trunk, qa and production side by side, with the revision live in each. */
export const GET = apiRoute<undefined, { name: string }>({}, async (ctx) => getTestView(ctx.deps, ctx.actor, { name: ctx.params.name }));
