import { hasRole } from '@/lib/auth/roles';
import { getServices, type Services } from '@/lib/composition/services';
import { checkReadiness } from '@/lib/services/check-readiness';
import { ANONYMOUS } from '@/lib/services/service-deps';

export const dynamic = 'force-dynamic';

/**
 * Ready (200) only when the database, the git repository and its history index are; otherwise 503. Anonymous callers
 * (load balancers, probes) learn only the status; signed-in users also see the heads and the index, and admins the
 * reason for a failure (it can name internal addresses and socket paths).
 */
export async function GET(request: Request): Promise<Response> {
  let app: Services | undefined;
  let report: Record<string, unknown>;
  let ready = false;
  try {
    app = await getServices();
    // Anyone may ask; how much of the answer each caller sees is decided below.
    const { ready: isReady, ...readiness } = await checkReadiness(app, ANONYMOUS, { startedAt: app.startedAt });
    ready = isReady;
    report = readiness;
  } catch (error) {
    report = { status: 'unavailable', message: (error as Error).message };
  }
  const role = app ? await callerRole(app, request) : null;
  const body = role === 'admin' ? report : role ? { ...report, message: undefined } : { status: report.status };
  return Response.json(body, { status: ready ? 200 : 503, headers: { 'cache-control': 'no-store' } });
}

/** The caller's role, or null when anonymous or when authentication itself cannot run (e.g. the database is down). */
async function callerRole(app: Services, request: Request): Promise<'admin' | 'signed-in' | null> {
  try {
    const user = (await app.authenticate(request))?.user ?? null;
    return user ? (hasRole(user, 'admin') ? 'admin' : 'signed-in') : null;
  } catch {
    return null;
  }
}
