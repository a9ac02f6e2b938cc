import { recordAudit } from '@/lib/audit/record-audit';
import { clientAddress } from '@/lib/client-address';
import { resolveConsumerToken } from '@/lib/distribution/consumer-tokens';
import { isAppError } from '@/lib/errors';
import { IngestBudget } from '@/lib/events/ingest-budget';
import { EVENTS_BODY } from '@/lib/http/api-schemas';
import { requestIdOf } from '@/lib/http/api-route';
import { errorResponse } from '@/lib/http/error-response';
import { parseJsonBody } from '@/lib/http/parse-json-body';
import { validateBody } from '@/lib/http/validate-body';
import { getLogger, withRequestId } from '@/lib/log/logger';
import { getServices } from '@/lib/composition/services';
import { recordEventBatch } from '@/lib/services/record-event-batch';
import { checkSrm, SrmWatch } from '@/lib/services/srm-watch';

export const dynamic = 'force-dynamic';

const MAX_BODY_BYTES = 1024 * 1024;
const PRUNE_EVERY_MS = 3_600_000;
/** A test and environment receiving exposures has its sample ratio checked at most this often (lib/services/srm-watch.ts). */
const SRM_CHECK_EVERY_MS = 60_000;
const holder = globalThis as typeof globalThis & { __proctorIngestBudget?: IngestBudget; __proctorLastPrune?: number; __proctorSrmWatch?: SrmWatch };

/**
 * Measurement events from applications (Authorization: Bearer pct_… with the events or all scope; the wire contract is
 * docs/events.md). Each event is checked on its own and answered in order; the answer is sent only after the
 * transaction holding the accepted ones committed, so "accepted" and "duplicate" are final. Accepted batches are not
 * audited (they are the traffic); refused requests are, like every refused request.
 */
export async function POST(request: Request): Promise<Response> {
  const requestId = requestIdOf(request);
  const logger = withRequestId(getLogger(), requestId);
  const started = performance.now();
  let release: (() => void) | undefined;
  try {
    const deps = await getServices();
    // navigator.sendBeacon cannot set headers: without an Authorization header the token may come in the body.
    const header = request.headers.get('authorization');
    const headerToken = header ? await resolveConsumerToken(deps.prisma, header, 'events') : null;
    const body = validateBody<{ events: unknown[]; token?: string }>(EVENTS_BODY, await parseJsonBody(request, MAX_BODY_BYTES));
    const token = headerToken ?? (await resolveConsumerToken(deps.prisma, body.token ? `Bearer ${body.token}` : null, 'events'));
    const budget = (holder.__proctorIngestBudget ??= new IngestBudget(deps.config.events.maxInFlight));
    release = budget.acquire(body.events.length);

    const srm = (holder.__proctorSrmWatch ??= new SrmWatch((test) => checkSrm(deps, test), { everyMs: SRM_CHECK_EVERY_MS, logger: getLogger() }));
    const result = await recordEventBatch(deps, token, { events: body.events, retentionDays: deps.config.events.retentionDays, onExposures: (tests) => srm.touched(tests) });

    if (Date.now() - (holder.__proctorLastPrune ?? 0) >= PRUNE_EVERY_MS) {
      holder.__proctorLastPrune = Date.now();
      void deps.events?.prune(deps.config.events.retentionDays).catch((error: unknown) => logger.warn('pruning event ids failed', { error: (error as Error).message }));
    }
    logger.debug('request', { method: 'POST', path: '/api/v1/events', status: 200, accepted: result.accepted, duplicates: result.duplicates, rejected: result.rejected, ms: Math.round(performance.now() - started) });
    // no-transform: uncompressed (~65 KB per 1,000 events, a quarter of the request); Next.js's on-the-fly gzip of it cost
    // ~1.5 ms of this one thread per batch, ~8% of the request path.
    return Response.json(result, { headers: { 'cache-control': 'no-store, no-transform', 'x-request-id': requestId } });
  } catch (error) {
    const response = errorResponse(error, requestId, { logger });
    logger.info('request', { method: 'POST', path: '/api/v1/events', status: response.status });
    const deps = await getServices().catch(() => null);
    if (deps) {
      await recordAudit(deps.prisma, {
        actor: null,
        actorKind: 'token',
        action: 'events',
        target: null,
        outcome: response.status >= 500 ? 'failed' : 'refused',
        message: isAppError(error) && error.code !== 'INTERNAL' ? error.message : `Something went wrong (ref ${requestId})`,
        requestId,
        ip: clientAddress(request, deps.config.trustedProxies),
        details: { method: 'POST', path: '/api/v1/events', status: response.status, ...(isAppError(error) ? { code: error.code } : {}) },
      }, logger);
    }
    return response;
  } finally {
    release?.();
  }
}
