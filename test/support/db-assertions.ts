/**
 * Database checks for vitest tests. Apart from test/support/db.ts, which child processes of the tests (the store
 * writer) import too, outside vitest.
 */
import { expect } from 'vitest';
import type { Database } from '@/lib/db/client';
import type { Prisma } from '@/lib/generated/prisma/client';

/** Runs `write` in an interactive transaction that then throws: the transaction must reject with that error. */
export async function expectAbortedTransaction(db: Database, write: (tx: Prisma.TransactionClient) => Promise<unknown>): Promise<void> {
  await expect(
    db.prisma.$transaction(async (tx) => {
      await write(tx);
      throw new Error('abort');
    }),
  ).rejects.toThrow('abort');
}
