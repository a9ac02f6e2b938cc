/**
 * The request edge's head reads (MatrixCache.headReadAfterNow): callers share reads, but never one that began before
 * they called — a client that saw its promotion answered must see the new head.
 */
import { describe, expect, it } from 'vitest';
import { MatrixCache } from '@/lib/distribution/matrix-cache';
import type { DefinitionStore } from '@/lib/store';

/** A store whose head reads finish only when told to, answering the head as it was when each read began. */
function slowStore() {
  let head = 'a'.repeat(40);
  const pending: Array<() => void> = [];
  let reads = 0;
  const store = {
    head: () => {
      reads++;
      const seen = head;
      return new Promise<string>((resolve) => pending.push(() => resolve(seen)));
    },
  } as unknown as DefinitionStore;
  return {
    store,
    move: (to: string) => (head = to),
    finishAll: async () => {
      while (pending.length) {
        pending.shift()!();
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    },
    reads: () => reads,
  };
}

describe('MatrixCache.headReadAfterNow', () => {
  it('shares reads among concurrent callers, and never answers a caller with a read begun before it called', async () => {
    const fake = slowStore();
    const cache = new MatrixCache(fake.store);
    const early = cache.headReadAfterNow('qa'); // read 1 begins, sees a…
    fake.move('b'.repeat(40)); // the branch moves while read 1 is in flight
    const late = Array.from({ length: 10 }, () => cache.headReadAfterNow('qa')); // must not take read 1's answer
    await fake.finishAll();
    expect(await early).toBe('a'.repeat(40));
    for (const answer of await Promise.all(late)) expect(answer).toBe('b'.repeat(40));
    expect(fake.reads()).toBe(2); // 11 callers, 2 reads
  });
});
