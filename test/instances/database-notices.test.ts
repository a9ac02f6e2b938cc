/**
 * The signal instances share (lib/db/notices.ts) on a real PostgreSQL server: a notice sent through one instance's
 * pool reaches another instance's listener, and the listening session comes back after the server drops it (as on a
 * restart), saying so, so the listener can catch up on what it missed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db/client';
import { createTestDatabase, openAnotherInstance } from '@/test/support/db';

let first: Database;
let second: Database;

beforeAll(async () => {
  first = await createTestDatabase();
  second = await openAnotherInstance(first);
});
afterAll(async () => {
  await second?.close();
  await first?.close();
});

function waitFor<T>(list: T[], count: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (list.length >= count) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
}

describe('database notices', () => {
  it('carry a notice from one instance to another, and listen again after the session is dropped', async () => {
    expect(first.kind).toBe('postgres');
    const received: string[] = [];
    const subscribed: number[] = [];
    const stop = second.notices!('notices_test').listen(
      (payload) => received.push(payload),
      () => subscribed.push(Date.now()),
    );
    try {
      await waitFor(subscribed, 1);
      await first.notices!('notices_test').notify('one');
      // Another channel's notices are not ours.
      await first.notices!('other_channel').notify('not for us');
      await waitFor(received, 1);

      // Drop every listening session on the server (what a restart does to it).
      const dropped = await first.pool!.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query ILIKE 'LISTEN%' AND datname = current_database()");
      expect(dropped.rowCount).toBeGreaterThan(0);
      await waitFor(subscribed, 2);
      await first.notices!('notices_test').notify('two');
      await waitFor(received, 2);
      expect(received).toEqual(['one', 'two']);
    } finally {
      stop();
    }
  });
});
