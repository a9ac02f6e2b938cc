import { apiRoute } from '@/lib/http/api-route';
import { syncRepository } from '@/lib/services/sync-repository';

export const dynamic = 'force-dynamic';

/** Webhook: fetch the upstream git repository now (e.g. called by the git server after a push) and re-index. */
export const POST = apiRoute({ role: 'editor', action: 'repository.sync' }, async (ctx) => syncRepository(ctx.deps, ctx.actor));
