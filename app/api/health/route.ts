import { getAppContext } from '@/lib/server/app-context';

export const dynamic = 'force-dynamic';

/** Ready (200) only when the database, the git repository and its history index are; otherwise 503 with the reason. */
export async function GET(): Promise<Response> {
  try {
    const app = await getAppContext();
    await app.prisma.$queryRaw`SELECT 1`;
    const index = app.store.indexStatus();
    const heads = { trunk: await app.store.head('trunk'), qa: await app.store.head('qa'), production: await app.store.head('production') };
    const body = { status: index.ready ? 'ready' : 'indexing', database: 'ok', repository: { heads }, index, uptimeSeconds: Math.round((Date.now() - app.startedAt) / 1000) };
    return Response.json(body, { status: index.ready ? 200 : 503, headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    return Response.json({ status: 'unavailable', message: (error as Error).message }, { status: 503, headers: { 'cache-control': 'no-store' } });
  }
}
