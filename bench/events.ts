/**
 * Event ingestion throughput (issue #19), embedded (PGlite) and on PostgreSQL, each beside its baseline in the same run:
 * - ours: POST /api/v1/events over HTTP to the production build (`next start`), batches of 1,000, 10% of each batch
 *   retries of events already sent (answered "duplicate"), several batches in flight;
 * - baseline: the same rows (same batches, same retries) as a raw batched `INSERT … ON CONFLICT DO NOTHING` (rows as one JSON parameter, sorted by id, through the same
 *   connection pool)
 *   into a plain table of the same database (for PGlite, its data folder reopened the way the app opens it once the
 *   server stopped: PGlite serves one connection).
 * Figures are ms per 10,000 events (lower is better; events/s in the note). Goals: ours ≥ 50% of the baseline's
 * throughput (ratio ≤ 2.00x), and ≥ 20,000 events/s on PostgreSQL (< 500 ms per 10,000). Acknowledged events are
 * counted by a fold moments later (lib/events/fold-events.ts): a second figure, "counted", runs until a results read
 * (which waits for the fold) holds them all.
 * `benchEvents(context)` is a BenchModule (bench/report.ts). Standalone: `npx tsx bench/events.ts [--quick]`.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { uuidv7 } from '../lib/client';
import { createDatabase, type Database } from '../lib/db/client';
import { ApiClient, startAppServer } from '../test/support/app-server';
import type { BenchContext, BenchFigure } from './report';
import { startPostgres } from './store-postgres';

const BATCH = 1000;
const RETRY_SHARE = 0.1;

interface Row {
  id: string;
  type: string;
  time: string;
  environment: string;
  unitType: string;
  unitId: string;
  test: string | null;
  bucket: number | null;
  goal: string | null;
  value: number | null;
}

/** Batches of 1,000: 900 new events and 100 already sent (the retries), exposures and conversions of many units. */
function makeBatches(total: number, definitionVersion: string, matrixVersion: string): Array<Array<Record<string, unknown>>> {
  const tag = randomUUID().slice(0, 8);
  const sent: Array<Record<string, unknown>> = [];
  const batches: Array<Array<Record<string, unknown>>> = [];
  let n = 0;
  const start = Date.now() - 3_600_000;
  while (n < total) {
    const batch: Array<Record<string, unknown>> = [];
    const fresh = sent.length === 0 ? BATCH : Math.round(BATCH * (1 - RETRY_SHARE));
    for (let i = 0; i < fresh; i++, n++) {
      const unit = { type: 'USER', id: `bench-${tag}-${Math.floor(n / 2)}` };
      const time = new Date(start + n).toISOString();
      batch.push(
        n % 2 === 0
          ? { id: uuidv7(), type: 'exposure', time, environment: 'production', unit, test: 'checkout_button_color', bucket: n % 3, allocationId: '#A1', definitionVersion, matrixVersion }
          : { id: uuidv7(), type: 'conversion', time, environment: 'production', unit, goal: 'purchase', value: 1 + (n % 7) },
      );
    }
    while (batch.length < BATCH && sent.length > 0) batch.push(sent[Math.floor(Math.random() * sent.length)]);
    sent.push(...batch.slice(0, fresh));
    batches.push(batch);
  }
  return batches;
}

async function runConcurrently<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
  return performance.now() - started;
}

function toRow(event: Record<string, unknown>): Row {
  const unit = event.unit as { type: string; id: string };
  return {
    id: event.id as string,
    type: event.type as string,
    time: event.time as string,
    environment: event.environment as string,
    unitType: unit.type,
    unitId: unit.id,
    test: (event.test as string) ?? null,
    bucket: (event.bucket as number) ?? null,
    goal: (event.goal as string) ?? null,
    value: (event.value as number) ?? null,
  };
}

/** The baseline: the same batches as rows of a plain table, one multi-row INSERT … ON CONFLICT DO NOTHING each. */
async function rawInsert(db: Database, batches: Array<Array<Record<string, unknown>>>, concurrency: number): Promise<number> {
  const table = `bench_raw_events_${randomUUID().slice(0, 8)}`;
  await db.prisma.$executeRawUnsafe(
    `CREATE TABLE "${table}" (id text PRIMARY KEY, type text NOT NULL, time timestamp(3) NOT NULL, environment text NOT NULL, "unitType" text NOT NULL, "unitId" text NOT NULL, test text, bucket int, goal text, value float8)`,
  );
  try {
    return await runConcurrently(batches, concurrency, async (batch) => {
      // Sorted by id, as any concurrent batched upsert must be: concurrent batches sharing ids would deadlock otherwise.
      // The rows travel as one JSON parameter, as ours do (10,000 bind parameters cost Prisma more than the insert).
      const rows = [...new Map(batch.map(toRow).map((row) => [row.id, row])).values()].sort((a, b) => (a.id < b.id ? -1 : 1));
      const sql = `INSERT INTO "${table}" SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(id text, type text, time timestamp(3), environment text, "unitType" text, "unitId" text, test text, bucket int, goal text, value float8) ON CONFLICT DO NOTHING`;
      // Through the connection pool, as ours goes (lib/events/record-events.ts).
      if (db.pool) await db.pool.query(sql, [JSON.stringify(rows)]);
      else await db.prisma.$executeRawUnsafe(sql, JSON.stringify(rows));
    });
  } finally {
    await db.prisma.$executeRawUnsafe(`DROP TABLE "${table}"`);
  }
}

async function measure(kind: 'pglite' | 'postgres', total: number, context: BenchContext): Promise<{ http: number; counted: number; raw: number; duplicates: number }> {
  const pg = kind === 'postgres' ? await startPostgres() : null;
  const concurrency = kind === 'postgres' ? 4 : 2;
  try {
    const env: Record<string, string> = { PROCTOR_EVENTS_MAX_IN_FLIGHT: '100000', PROCTOR_LOG_LEVEL: 'warn' };
    if (pg) Object.assign(env, { DATABASE_URL: pg.url, PROCTOR_DEMO: '1' });
    const app = await startAppServer({ env });
    let httpMs: number;
    let countedMs: number;
    let duplicates = 0;
    let batches: Array<Array<Record<string, unknown>>>;
    try {
      const admin = await new ApiClient(app.baseUrl).login('avery');
      const token = (await admin.post('/api/v1/consumers/tokens', { name: 'bench', scope: 'events' })).json.token as string;
      const matrix = (await admin.get('/api/v1/matrix/production')).json;
      batches = makeBatches(total, String(matrix.tests.checkout_button_color.version), String(matrix.audit.version));
      // Warm-up (route compiled, connections open), not measured.
      const warm = makeBatches(2 * BATCH, String(matrix.tests.checkout_button_color.version), String(matrix.audit.version));
      const send = async (batch: Array<Record<string, unknown>>) => {
        for (;;) {
          const response = await fetch(`${app.baseUrl}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ events: batch }) });
          const body = (await response.json()) as { accepted: number; duplicates: number; rejected: number };
          if (response.status === 200) {
            if (body.rejected > 0) throw new Error(`the bench's events were refused: ${JSON.stringify(body).slice(0, 300)}`);
            duplicates += body.duplicates;
            return;
          }
          if (response.status !== 429) throw new Error(`POST /api/v1/events: HTTP ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      };
      for (const batch of warm) await send(batch);
      await admin.get('/api/v1/tests/checkout_button_color/results?environment=production');
      duplicates = 0;
      httpMs = await runConcurrently(batches, concurrency, send);
      // Acknowledged is stored; counted is folded into the aggregates (lib/events/fold-events.ts). The results read
      // waits until everything acknowledged before it is counted.
      const settleStarted = performance.now();
      const results = await admin.get('/api/v1/tests/checkout_button_color/results?environment=production');
      if (results.status !== 200) throw new Error(`results: HTTP ${results.status}`);
      countedMs = httpMs + (performance.now() - settleStarted);
    } finally {
      await app.stop({ keepData: true });
    }
    const db = await createDatabase(pg ? { url: pg.url } : { dataDir: path.join(app.dataDir, 'db') });
    let rawMs: number;
    try {
      rawMs = await rawInsert(db, batches, pg ? concurrency : 1);
    } finally {
      await db.close();
    }
    context.log(`  events ${kind}: ${total} events over HTTP in ${httpMs.toFixed(0)} ms (${duplicates} duplicates answered), all counted after ${countedMs.toFixed(0)} ms, raw insert ${rawMs.toFixed(0)} ms`);
    return { http: httpMs, counted: countedMs, raw: rawMs, duplicates };
  } finally {
    await pg?.stop();
  }
}

export async function benchEvents(context: BenchContext): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const total = context.quick ? 20_000 : 100_000;
  const kinds = process.env.BENCH_EVENTS_DATABASES ? (process.env.BENCH_EVENTS_DATABASES.split(',') as Array<'pglite' | 'postgres'>) : (['pglite', 'postgres'] as const);
  for (const kind of kinds) {
    const { http, counted, raw } = await measure(kind, total, context);
    const per10k = (ms: number) => (ms * 10_000) / total;
    const rate = (ms: number) => Math.round((total / ms) * 1000).toLocaleString('en-US');
    const where = kind === 'pglite' ? 'embedded' : 'PostgreSQL';
    const figure = (what: string, ms: number, note: string, goal?: number): BenchFigure => ({
      name: `events ${what}, ${where} (per 10,000)`,
      ours: per10k(ms),
      baseline: per10k(raw),
      baselineLabel: 'raw batched INSERT … ON CONFLICT DO NOTHING, same rows, same database',
      unit: 'ms',
      note: `${rate(ms)} events/s ${note} = ${((raw / ms) * 100).toFixed(0)}% of raw`,
      ...(goal ? { goal } : {}),
    });
    for (const made of [
      figure('ingest', http, `acknowledged vs ${rate(raw)}/s raw (goal ≥ 50%; ${total} events, 10% retries, batches of ${BATCH})`, kind === 'postgres' ? 500 : undefined),
      // Not a goal of its own: until the results hold every event (receiving and the fold, on the same cores).
      figure('counted', counted, 'from the first send until the results hold them all'),
    ]) {
      figures.push(made);
      context.report?.(made);
    }
  }
  return figures;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(__filename);
if (isMain) {
  void (async () => {
    const { formatFigure } = await import('./report');
    const figures = await benchEvents({ quick: process.argv.includes('--quick'), log: (line) => console.log(line) });
    for (const figure of figures) console.log(formatFigure(figure));
  })();
}
