import { authenticate } from '@/lib/auth/authenticate';
import { hasRole } from '@/lib/auth/roles';
import { getAppContext, type AppContext } from '@/lib/server/app-context';

export const dynamic = 'force-dynamic';

/**
 * Ready (200) only when the database, the git repository and its history index are; otherwise 503. Anonymous callers
 * (load balancers, probes) learn only the status; signed-in users also see the heads and the index, and admins the
 * reason for a failure (it can name internal addresses and socket paths).
 */
export async function GET(request: Request): Promise<Response> {
  let app: AppContext | undefined;
  let report: Record<string, unknown>;
  let ready = false;
  try {
    app = await getAppContext();
    await app.prisma.$queryRaw`SELECT 1`;
    const index = app.store.indexStatus();
    const heads = { trunk: await app.store.head('trunk'), qa: await app.store.head('qa'), production: await app.store.head('production') };
    ready = index.ready;
    report = { status: index.ready ? 'ready' : 'indexing', database: 'ok', repository: { heads }, index, uptimeSeconds: Math.round((Date.now() - app.startedAt) / 1000) };
  } catch (error) {
    report = { status: 'unavailable', message: (error as Error).message };
  }
  const role = app ? await callerRole(app, request) : null;
  const body = role === 'admin' ? report : role ? { ...report, message: undefined } : { status: report.status };
  return Response.json(body, { status: ready ? 200 : 503, headers: { 'cache-control': 'no-store' } });
}

/** The caller's role, or null when anonymous or when authentication itself cannot run (e.g. the database is down). */
async function callerRole(app: AppContext, request: Request): Promise<'admin' | 'signed-in' | null> {
  try {
    const user = (await authenticate(app.prisma, request, app.config))?.user ?? null;
    return user ? (hasRole(user, 'admin') ? 'admin' : 'signed-in') : null;
  } catch {
    return null;
  }
}
