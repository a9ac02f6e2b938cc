/**
 * Raw event ids are kept for the retention window only. No count changes: the ids go, the per-unit rows and aggregates
 * stay, and an event older than the retention is refused as expired (validate-events.ts) by the same clock (`at`), so
 * an id that was pruned can never come back and be counted twice.
 */
import type { PrismaClient } from '@/lib/generated/prisma/client';

const CHUNK = 10_000;

/** Deletes the ids older than the retention, in chunks (short transactions); returns how many went. */
export async function pruneEventReceipts(prisma: PrismaClient, retentionDays: number, now: Date = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 24 * 3_600_000).toISOString();
  let total = 0;
  for (;;) {
    const deleted = await prisma.$executeRawUnsafe(
      `DELETE FROM "EventReceipt" WHERE "id" IN (SELECT "id" FROM "EventReceipt" WHERE "at" < $1::timestamp LIMIT ${CHUNK})`,
      cutoff,
    );
    total += deleted;
    if (deleted < CHUNK) return total;
  }
}
