/**
 * Exactness of event counting under retries and a crash (issue #19). Sends N distinct events over HTTP to the real
 * server, 10% of them sent again later (some after the retention window, which must answer "expired"), kills the
 * server with SIGKILL in the middle of the run and starts it again on the same data, and then compares what the
 * database counts with this script's own tally of acknowledged events:
 *   - no event id is ever answered "accepted" twice (an acknowledged event is never counted again),
 *   - every distinct event ends acknowledged (accepted, or duplicate when its first batch committed but the answer
 *     was lost to the kill), and the aggregates equal the tally per bucket: exposed units, conversions, their sum.
 * Usage: npx tsx scripts/events-exactness.ts [--events 1000000] [--database-url postgres://…] [--port 3460]
 * (the server is started from this working tree's build, like the integration tests do).
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createDatabase } from '../lib/db/client';
import { foldEvents, pendingEventCount } from '../lib/events/fold-events';
import { readTestResults } from '../lib/events/read-results';
import { ApiClient, startAppServer, type AppServer } from '../test/support/app-server';

const TEST = 'checkout_button_color';
const BUCKETS = [0, 1, 2];
const BATCH = 1000;
const SENDERS = 4;
/** The server runs with a 1-day retention; "old" events are stamped this close to its edge when first sent. */
const OLD_MARGIN_MS = 5_000;

export interface ExactnessOptions {
  events: number;
  databaseUrl?: string;
  port?: number;
  /** Kill -9 the server once this share of the events is acknowledged (default 0.5). */
  killAt?: number;
  log?: (line: string) => void;
}

export interface ExactnessReport {
  distinct: number;
  sent: number;
  retriesSent: number;
  expiredRetries: number;
  acceptedTwice: number;
  unacknowledged: number;
  kills: number;
  /** Received but not yet counted when the server stopped (counted afterwards, before comparing). */
  pendingAtStop: number;
  seconds: number;
  expected: Record<number, { units: number; count: number; sum: number }>;
  counted: Record<number, { units: number; count: number; sum: number }>;
  exact: boolean;
}

interface Planned {
  event: Record<string, unknown>;
  bucket: number;
  kind: 'exposure' | 'conversion';
  old: boolean;
  value: number;
  /** Sent before: this send is a retry. */
  retried?: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runExactness(options: ExactnessOptions): Promise<ExactnessReport> {
  const log = options.log ?? ((line: string) => console.log(`[exactness] ${line}`));
  const env: Record<string, string> = { PROCTOR_EVENTS_RETENTION_DAYS: '1', PROCTOR_LOG_LEVEL: 'warn' };
  if (options.databaseUrl) Object.assign(env, { DATABASE_URL: options.databaseUrl, PROCTOR_DEMO: '1' });
  let server: AppServer = await startAppServer({ env, port: options.port });
  const dataDir = server.dataDir;
  const started = Date.now();
  try {
    const admin = await new ApiClient(server.baseUrl).login('avery');
    const token = (await admin.post('/api/v1/consumers/tokens', { name: 'exactness', environment: 'production', scope: 'events' })).json.token as string;
    const matrix = (await admin.get('/api/v1/matrix/production')).json;
    const definitionVersion = String(matrix.tests[TEST].version);
    const matrixVersion = String(matrix.audit.version);
    const retention = 24 * 3_600_000;

    // The plan: unit u gets one exposure (bucket u % 3) and one conversion (value 1..5); 1% of conversions are "old".
    const plan: Planned[] = [];
    const units = Math.ceil(options.events / 2);
    const runTag = randomUUID().slice(0, 8);
    for (let u = 0; u < units && plan.length < options.events; u++) {
      const unit = { type: 'USER', id: `x-${runTag}-${u}` };
      const bucket = BUCKETS[u % BUCKETS.length];
      plan.push({ kind: 'exposure', bucket, old: false, value: 0, event: { id: randomUUIDv7(), type: 'exposure', environment: 'production', unit, test: TEST, bucket, allocationId: '#A1', definitionVersion, matrixVersion } });
      if (plan.length >= options.events) break;
      const old = u % 100 === 7;
      const value = (u % 5) + 1;
      // Old events carry a plain (non-UUIDv7) id so `time` is their age.
      plan.push({ kind: 'conversion', bucket, old, value, event: { id: old ? `old-${runTag}-${u}` : randomUUIDv7(), type: 'conversion', environment: 'production', unit, goal: 'purchase', value } });
    }
    // Shuffle so conversions often arrive before their exposure (out of order), deterministically.
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
    for (let i = plan.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [plan[i], plan[j]] = [plan[j], plan[i]];
    }

    const accepts = new Map<string, number>();
    const final = new Map<string, 'stored' | 'rejected'>();
    const firstSentAt = new Map<string, number>();
    let sent = 0;
    let retriesSent = 0;
    let expiredRetries = 0;
    let kills = 0;
    let acknowledged = 0;
    const killAt = Math.floor(plan.length * (options.killAt ?? 0.5));
    let killing: Promise<void> | null = null;

    const stamp = (p: Planned) => {
      if (!p.event.time) p.event.time = new Date(p.old ? Date.now() - retention + OLD_MARGIN_MS : Date.now()).toISOString();
      return p.event;
    };

    /** Sends one batch until it is answered 200 (retrying network errors, 429 and 5xx like the client does). */
    const deliver = async (batch: Planned[], retry: boolean) => {
      const body = JSON.stringify({ events: batch.map(stamp) });
      for (let attempt = 0; ; attempt++) {
        if (killing) await killing;
        try {
          const response = await fetch(`${server.baseUrl}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
          if (response.status === 200) {
            const answer = (await response.json()) as { results: Array<{ id: string; status: string; reason?: string }> };
            sent += batch.length;
            answer.results.forEach((result, index) => {
              const p = batch[index];
              if (result.status === 'accepted') accepts.set(result.id, (accepts.get(result.id) ?? 0) + 1);
              if (result.status === 'accepted' || result.status === 'duplicate') {
                if (!final.has(result.id)) acknowledged++;
                final.set(result.id, 'stored');
                firstSentAt.set(result.id, firstSentAt.get(result.id) ?? Date.now());
              } else if (!final.has(result.id)) {
                acknowledged++;
                final.set(result.id, 'rejected');
              } else if (retry && p.old && /expired/.test(result.reason ?? '')) {
                expiredRetries++;
              }
            });
            retriesSent += batch.filter((p) => p.retried).length;
            return;
          }
          await response.arrayBuffer();
          if (response.status !== 429 && response.status < 500) throw new Error(`batch refused with ${response.status}`);
        } catch (error) {
          if ((error as Error).message.startsWith('batch refused')) throw error;
        }
        await sleep(Math.min(2000, 50 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random()));
      }
    };

    const kill = async () => {
      kills++;
      log(`kill -9 of the server (pid ${server.pid}) with ${acknowledged} of ${plan.length} events acknowledged`);
      process.kill(server.pid, 'SIGKILL');
      await server.stop({ keepData: true });
      server = await startAppServer({ env, dataDir, port: options.port });
      log('server started again on the same data');
    };

    // Retries: 10% of the events, sent again in later batches (the old ones only once they are past the retention).
    const retryQueue: Planned[] = [];
    let next = 0;
    // 900 new events and up to 100 retries per batch: the contract's 1,000 at most.
    const take = () => {
      const batch: Planned[] = [];
      while (batch.length < BATCH - BATCH / 10 && next < plan.length) batch.push(plan[next++]);
      return batch;
    };
    const sender = async () => {
      for (;;) {
        const batch = take();
        if (batch.length === 0) return;
        const retry = retryQueue.splice(0, Math.floor(BATCH / 10)).filter((p) => !p.old).map((p) => ({ ...p, retried: true }));
        await deliver([...batch, ...retry], retry.length > 0);
        for (const p of batch) if (rand() < 0.1) retryQueue.push(p);
        if (kills === 0 && acknowledged >= killAt && !killing) {
          killing = kill().finally(() => {
            killing = null;
          });
        }
      }
    };
    await Promise.all(Array.from({ length: SENDERS }, sender));
    // Whatever is left to retry, and every old event again once it is past the retention (it must be refused, not counted).
    const leftovers = retryQueue.filter((p) => !p.old);
    for (let i = 0; i < leftovers.length; i += BATCH) await deliver(leftovers.slice(i, i + BATCH).map((p) => ({ ...p, retried: true })), true);
    const olds = plan.filter((p) => p.old);
    await sleep(OLD_MARGIN_MS + 1000);
    for (let i = 0; i < olds.length; i += BATCH) await deliver(olds.slice(i, i + BATCH).map((p) => ({ ...p, retried: true })), true);

    // The tally: what the acknowledged events add up to, per bucket.
    const expected: ExactnessReport['expected'] = {};
    for (const bucket of BUCKETS) expected[bucket] = { units: 0, count: 0, sum: 0 };
    for (const p of plan) {
      if (final.get(p.event.id as string) !== 'stored') continue;
      if (p.kind === 'exposure') expected[p.bucket].units++;
      else {
        expected[p.bucket].count++;
        expected[p.bucket].sum += p.value;
      }
    }
    const unacknowledged = plan.filter((p) => !final.has(p.event.id as string)).length;
    const acceptedTwice = [...accepts.values()].filter((n) => n > 1).length;

    // What the database counts (read after the server stopped, for the embedded database).
    await server.stop({ keepData: true });
    const db = await createDatabase(options.databaseUrl ? { url: options.databaseUrl } : { dataDir: path.join(dataDir, 'db') });
    const counted: ExactnessReport['counted'] = {};
    let pendingAtStop = 0;
    try {
      // What the server received but had not counted yet when it stopped is counted now, as its next start would.
      pendingAtStop = await pendingEventCount(db);
      while ((await foldEvents(db)) > 0);
      for (const arm of await readTestResults(db.prisma, TEST, { environment: 'production' })) {
        if (arm.definitionVersion !== definitionVersion) continue;
        const purchase = arm.goals.purchase ?? { count: 0, sum: 0 };
        const entry = (counted[arm.bucket] ??= { units: 0, count: 0, sum: 0 });
        entry.units += arm.exposedUnits;
        entry.count += purchase.count;
        entry.sum += purchase.sum;
      }
    } finally {
      await db.close();
    }
    const exact = acceptedTwice === 0 && unacknowledged === 0 && BUCKETS.every((b) => JSON.stringify(expected[b]) === JSON.stringify(counted[b] ?? { units: 0, count: 0, sum: 0 }));
    return { distinct: plan.length, sent, retriesSent, expiredRetries, acceptedTwice, unacknowledged, kills, pendingAtStop, seconds: (Date.now() - started) / 1000, expected, counted, exact };
  } finally {
    await server.stop();
  }
}

/** A UUIDv7 (RFC 9562): 48-bit ms timestamp, version 7, variant 10, random rest. */
function randomUUIDv7(): string {
  const hex = Date.now().toString(16).padStart(12, '0');
  const rest = randomUUID().replace(/-/g, '');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${rest.slice(13, 16)}-${((parseInt(rest[16], 16) & 0x3) | 0x8).toString(16)}${rest.slice(17, 20)}-${rest.slice(20, 32)}`;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(__filename);
if (isMain) {
  const arg = (name: string) => {
    const index = process.argv.indexOf(`--${name}`);
    return index >= 0 ? process.argv[index + 1] : undefined;
  };
  runExactness({ events: Number(arg('events') ?? 1_000_000), databaseUrl: arg('database-url'), port: arg('port') ? Number(arg('port')) : undefined })
    .then((report) => {
      console.log(JSON.stringify(report, null, 2));
      process.exit(report.exact ? 0 : 1);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
