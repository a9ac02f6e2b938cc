import { apiRoute } from '@/lib/http/api-route';
import { servicesFor } from '@/lib/server/service-context';

export const dynamic = 'force-dynamic';

/** Webhook: fetch the upstream git repository now (e.g. called by the git server after a push) and re-index. */
export const POST = apiRoute({ role: 'editor', action: 'repository.sync' }, async (ctx) => (await servicesFor(ctx)).store.sync());
