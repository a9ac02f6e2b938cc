/**
 * Receiving one batch of checked events: in one transaction, each new event's id (EventReceipt, ON CONFLICT DO NOTHING:
 * an id already there is a duplicate, however old — ids older than the retention are refused as expired before) and
 * the batch's new events as one pending row (EventPending). The caller acknowledges after the commit, which waits for
 * the disk (event-database.ts): an acknowledged event is never lost. Counting them (first exposure wins, conversions
 * attributed, aggregates) is the fold's work (fold-events.ts), exactly once, moments later: ingest costs about what a
 * plain insert of the ids costs, whatever the counting needs. Concurrent batches holding the same id: PostgreSQL's
 * unique index makes the second wait for the first and then find the id.
 */
import { inTransaction, type EventDatabase, type Tx } from './event-database';
import { serializePending } from './pending-events';
import type { Checked, ValidEvent } from './validate-events';

export type { EventDatabase } from './event-database';

export type EventStatus = 'accepted' | 'duplicate' | 'rejected';
export interface EventResult {
  id: string;
  status: EventStatus;
  reason?: string;
}
export interface BatchResult {
  results: EventResult[];
  accepted: number;
  duplicates: number;
  rejected: number;
}

export interface RecordOptions {
  /** The time of the check (callers pass it; storage itself keeps the events' own times). */
  now?: Date;
}

/** Stores the accepted events of `checked` and answers per event, in the order sent. */
export async function recordEvents(db: EventDatabase, checked: Checked[], _options: RecordOptions = {}): Promise<BatchResult> {
  const results: EventResult[] = checked.map((entry) => (entry.ok ? { id: entry.event.id, status: 'accepted' as const } : { id: entry.id, status: 'rejected' as const, reason: entry.reason }));
  // An id twice in one batch: the first is the event, the others its duplicates.
  const firstIndex = new Map<string, number>();
  checked.forEach((entry, index) => {
    if (!entry.ok) return;
    if (firstIndex.has(entry.event.id)) results[index].status = 'duplicate';
    else firstIndex.set(entry.event.id, index);
  });
  const candidates = [...firstIndex.values()].map((index) => (checked[index] as Extract<Checked, { ok: true }>).event);

  if (candidates.length > 0) {
    const stored = await inTransaction(db, { durable: true }, (tx) => appendNew(tx, candidates));
    for (const [id, index] of firstIndex) if (!stored.has(id)) results[index].status = 'duplicate';
  }
  let accepted = 0;
  let duplicates = 0;
  let rejected = 0;
  for (const result of results) {
    if (result.status === 'accepted') accepted++;
    else if (result.status === 'duplicate') duplicates++;
    else rejected++;
  }
  return { results, accepted, duplicates, rejected };
}

/** Returns the ids that were new (stored now). */
async function appendNew(tx: Tx, events: ValidEvent[]): Promise<Set<string>> {
  // In id order: batches holding the same ids wait for each other in one order (no deadlock).
  // Times as epoch ms, made timestamps by the database: no Date and ISO text per event here, and exact at any year.
  const receipts = events.map((event) => ({ i: event.id, a: event.sentAt })).sort((a, b) => (a.i < b.i ? -1 : a.i > b.i ? 1 : 0));
  const fresh = await tx.rows<{ id: string }>(
    `INSERT INTO "EventReceipt" ("id", "at") SELECT r.i, 'epoch'::timestamp + r.a * interval '1 millisecond' FROM json_to_recordset($1::json) AS r(i text, a bigint)
     ON CONFLICT ("id") DO NOTHING RETURNING "id"`,
    JSON.stringify(receipts),
  );
  const stored = new Set(fresh.map((row) => row.id));
  if (stored.size > 0) {
    const pending = stored.size === events.length ? events : events.filter((event) => stored.has(event.id));
    await tx.rows(`INSERT INTO "EventPending" ("events", "count") VALUES ($1, $2)`, serializePending(pending), pending.length);
  }
  return stored;
}
