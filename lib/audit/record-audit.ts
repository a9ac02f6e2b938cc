/**
 * The audit trail: who did what to which thing, and whether it worked. Written for every mutation and every refused
 * request. Details pass through the same redaction as the log, so passwords and tokens never reach the table.
 */
import { isDatabaseUnavailable } from '@/lib/db/unavailable';
import { isAppError } from '@/lib/errors';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { getLogger, type Logger } from '@/lib/log/logger';
import { redact } from '@/lib/log/redact';

export type AuditActorKind = 'user' | 'token' | 'system';
/** `unknown`: a push went out and whether it landed could not be learnt (the message says how to check). */
export type AuditOutcome = 'success' | 'refused' | 'failed' | 'unknown';

export interface AuditEntry {
  /** Username; null/undefined for system actions and unauthenticated requests. */
  actor?: string | null;
  actorKind: AuditActorKind;
  /** Dotted verb, e.g. "session.create", "definition.save", "issue.transition". */
  action: string;
  target?: string | null;
  outcome: AuditOutcome;
  message?: string;
  requestId?: string | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}

/**
 * A request's outcome from its status, except a push whose outcome is unknown: neither a success nor a failure until
 * someone looks at the upstream (the entry carries the commit id).
 */
export function auditOutcomeOf(status: number, failure: unknown): AuditOutcome {
  if (isAppError(failure) && failure.code === 'PUSH_OUTCOME_UNKNOWN') return 'unknown';
  return status >= 500 ? 'failed' : status >= 400 ? 'refused' : 'success';
}

const MAX_MESSAGE = 2000;

/** NUL and unpaired surrogates: PostgreSQL text and jsonb refuse both, so the entry would be lost. */
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A hostile value must still leave its trace: what PostgreSQL cannot store is shown as U+FFFD. */
function withoutNul<T>(value: T): T {
  if (typeof value === 'string') return value.replace(UNSTORABLE, '\uFFFD') as T;
  if (value === null || typeof value !== 'object') return value;
  return JSON.parse(JSON.stringify(value, (_key, inner: unknown) => (typeof inner === 'string' ? withoutNul(inner) : inner))) as T;
}

/**
 * Stores one audit entry. An audit failure is logged, not thrown: the action it describes has already happened and the
 * caller must still get its real result. When the database is briefly unreachable (restarting) the entry is kept, with
 * the time it happened, and written once the database answers again.
 */
export async function recordAudit(prisma: PrismaClient, entry: AuditEntry, logger: Logger = getLogger()): Promise<boolean> {
  const data = {
    at: new Date(),
    actor: withoutNul(entry.actor ?? null),
    actorKind: entry.actorKind,
    action: withoutNul(entry.action),
    target: withoutNul(entry.target ?? null),
    outcome: entry.outcome,
    message: withoutNul((redact(entry.message ?? '') as string).slice(0, MAX_MESSAGE)),
    requestId: entry.requestId ?? null,
    ip: withoutNul(entry.ip ?? null),
    details: withoutNul((redact(entry.details ?? {}) ?? {}) as object),
  };
  try {
    await prisma.auditLog.create({ data });
    return true;
  } catch (error) {
    if (isDatabaseUnavailable(error) && pending.length < MAX_PENDING) {
      pending.push({ prisma, data, logger });
      scheduleRetry();
      logger.warn('audit write deferred until the database is back', { action: entry.action, target: entry.target, pending: pending.length });
    } else {
      logger.error('audit write failed', { action: entry.action, target: entry.target, error });
    }
    return false;
  }
}

type AuditData = Parameters<PrismaClient['auditLog']['create']>[0]['data'];

/** Entries that could not be written while the database was unreachable, oldest first (bounded: memory is finite). */
const pending: Array<{ prisma: PrismaClient; data: AuditData; logger: Logger }> = [];
const MAX_PENDING = 10_000;
const RETRY_MS = 2_000;
let retryTimer: NodeJS.Timeout | null = null;

function scheduleRetry(): void {
  if (retryTimer) return;
  retryTimer = setTimeout(() => void writePending(), RETRY_MS);
  retryTimer.unref();
}

async function writePending(): Promise<void> {
  retryTimer = null;
  while (pending.length > 0) {
    const { prisma, data, logger } = pending[0];
    try {
      await prisma.auditLog.create({ data });
    } catch (error) {
      if (isDatabaseUnavailable(error)) {
        scheduleRetry();
        return;
      }
      logger.error('audit write failed', { action: data.action, target: data.target, error });
    }
    pending.shift();
  }
}

export interface AuditFilter {
  /** Exact user name. */
  actor?: string;
  /** The action or its beginning: "definition.save", or "definition" for the whole family. */
  action?: string;
  outcome?: AuditOutcome;
  /** Any part of the action, actor, target or message, case-insensitive. */
  q?: string;
}

export interface ListAuditOptions extends AuditFilter {
  /** Default 50, at most 500. */
  limit?: number;
  /** Only entries with an id lower than this (paging backwards). */
  before?: number;
}

export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ['success', 'refused', 'failed', 'unknown'];

function auditWhere(filter: AuditFilter) {
  const action = filter.action?.trim();
  const q = filter.q?.trim();
  const contains = (text: string) => ({ contains: text, mode: 'insensitive' as const });
  return {
    ...(filter.actor?.trim() ? { actor: filter.actor.trim() } : {}),
    ...(action ? { action: { startsWith: action } } : {}),
    ...(filter.outcome ? { outcome: filter.outcome } : {}),
    ...(q ? { OR: [{ action: contains(q) }, { actor: contains(q) }, { target: contains(q) }, { message: contains(q) }] } : {}),
  };
}

/** Newest first; `nextBefore` is the cursor for the next page (absent on the last page). */
export async function listAudit(prisma: PrismaClient, options: ListAuditOptions = {}) {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 50), 1), 500);
  const rows = await prisma.auditLog.findMany({
    where: { ...auditWhere(options), ...(options.before === undefined ? {} : { id: { lt: options.before } }) },
    orderBy: { id: 'desc' },
    take: limit + 1,
  });
  const entries = rows.slice(0, limit);
  return {
    entries,
    nextBefore: rows.length > limit ? entries[entries.length - 1].id : undefined,
  };
}

/** An export holds at most this many entries (the newest); narrow the filter for older ones. */
export const MAX_AUDIT_EXPORT = 50_000;

/** The entries matching `filter`, newest first, read in pages (the export). */
export async function* auditEntries(prisma: PrismaClient, filter: AuditFilter, max = MAX_AUDIT_EXPORT) {
  let before: number | undefined;
  let sent = 0;
  while (sent < max) {
    const page = await listAudit(prisma, { ...filter, before, limit: Math.min(500, max - sent) });
    yield* page.entries;
    sent += page.entries.length;
    if (page.nextBefore === undefined) return;
    before = page.nextBefore;
  }
}
