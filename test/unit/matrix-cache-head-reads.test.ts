/**
 * The request edge's head reads (MatrixCache.headReadAfterNow): callers share reads, but never one that began before
 * they called — a client that saw its promotion answered must see the new head.
 */
import { describe, expect, it, vi } from 'vitest';
import { HEAD_REUSE_MS, MatrixCache } from '@/lib/distribution/matrix-cache';
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

/** A store with one branch whose head the test moves, as this process (counted) or as another process (not counted). */
function movableStore() {
  const revision = (c: string) => c.repeat(40);
  let head = revision('a');
  let moves = 0;
  let reads = 0;
  const store = {
    head: async () => {
      reads++;
      return head;
    },
    branchMoves: () => moves,
    listDefinitions: async () => [],
    commitSummary: async (rev: string) => ({ revision: rev, parent: null, committedAt: 1_700_000_000_000, author: { name: 'Erin', email: 'erin@example.com' } }),
  } as unknown as DefinitionStore;
  return {
    store,
    revision,
    moveHere: (c: string) => ((head = revision(c)), moves++),
    moveElsewhere: (c: string) => (head = revision(c)),
    reads: () => reads,
  };
}

describe('MatrixCache.fresh (the request edge)', () => {
  it('reuses the head read while no branch moved, and sees a move by this process at once, another one when reported', async () => {
    const fake = movableStore();
    const cache = new MatrixCache(fake.store);
    await cache.get('qa');
    const reads = fake.reads();
    expect((await cache.fresh('qa'))?.current?.revision).toBe(fake.revision('a'));
    for (let i = 0; i < 20; i++) expect((await cache.fresh('qa'))?.current?.revision).toBe(fake.revision('a'));
    expect(fake.reads()).toBe(reads + 1); // 21 revalidations, one head read

    // This process moves the branch (a promotion): the very next request reads the head; nothing built for it yet → null
    // (the route builds it), then the new matrix.
    fake.moveHere('b');
    expect(await cache.fresh('qa')).toBeNull();
    await cache.get('qa');
    expect((await cache.fresh('qa'))?.current?.revision).toBe(fake.revision('b'));

    // Another process moves it: served from the last read until the ref watch reports it…
    fake.moveElsewhere('c');
    expect((await cache.fresh('qa'))?.current?.revision).toBe(fake.revision('b'));
    cache.headsMayHaveMoved();
    expect(await cache.fresh('qa')).toBeNull();
  });

  it('reads the head again after HEAD_REUSE_MS even when nothing reported a move (no watch on this platform)', async () => {
    const fake = movableStore();
    const cache = new MatrixCache(fake.store);
    await cache.get('qa');
    let now = 1_000;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => now);
    try {
      expect((await cache.fresh('qa'))?.current?.revision).toBe(fake.revision('a'));
      fake.moveElsewhere('d');
      now += HEAD_REUSE_MS - 1;
      expect((await cache.fresh('qa'))?.current?.revision).toBe(fake.revision('a'));
      now += 2;
      expect(await cache.fresh('qa')).toBeNull();
    } finally {
      clock.mockRestore();
    }
  });
});
