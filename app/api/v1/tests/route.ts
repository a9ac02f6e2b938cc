import { TEST_STATUSES } from '@/lib/domain/test-status';
import { apiRoute, queryEnum, queryInt } from '@/lib/http/api-route';
import { CREATE_TEST_BODY } from '@/lib/http/test-schemas';
import { listTests, type ListTestsQuery } from '@/lib/services/list-tests';
import { createDefinition } from '@/lib/services/save-definition';

export const dynamic = 'force-dynamic';

/** ?q= &type= &tag= &env= (trunk|qa|production, "!production" = absent) &drift= &status=inactive|running|rolled-out &sort=name|updated &page= &pageSize= */
export const GET = apiRoute({}, async (ctx) => {
  const q = ctx.query;
  return listTests(ctx.deps, ctx.actor, {
    q: q.get('q') ?? undefined,
    type: q.get('type') ?? undefined,
    tag: q.get('tag') ?? undefined,
    env: q.get('env') ?? undefined,
    drift: (q.get('drift') as ListTestsQuery['drift']) ?? undefined,
    status: queryEnum(q, 'status', TEST_STATUSES),
    sort: (q.get('sort') as ListTestsQuery['sort']) ?? undefined,
    page: queryInt(q, 'page', { min: 1 }),
    pageSize: queryInt(q, 'pageSize', { min: 1, max: 200 }),
  });
});

export const POST = apiRoute<{ name: string; definition: unknown; issueKey: string; comment?: string; autoPromote?: boolean }>(
  { role: 'editor', body: CREATE_TEST_BODY, action: 'test.create', successStatus: 201, maxBodyBytes: 2_000_000 },
  async (ctx) => {
    ctx.audit.target = `test:${ctx.body.name}`;
    return createDefinition(ctx.deps, ctx.actor, ctx.body);
  },
);
