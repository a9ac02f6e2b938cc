/**
 * The background folder (lib/events/event-folder.ts): `settle` waits for a pass that starts after the call, so events
 * acknowledged before it are counted even when a pass was already under way (and may have looked before they came);
 * kicks while a pass runs coalesce; a failed pass is tried again later; counting waits while batches are being received,
 * but not when a reader waits or the backlog is full.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventFolder } from '@/lib/events/event-folder';

afterEach(() => {
  vi.useRealTimers();
});

/** A pending queue the fake fold empties a batch at a time, each fold waiting until released. */
function fakeQueue() {
  const state = { pending: 0, counted: 0, folds: 0, gates: [] as Array<() => void> };
  const foldSome = async () => {
    state.folds++;
    await new Promise<void>((resolve) => state.gates.push(resolve));
    if (state.pending === 0) return 0;
    state.pending--;
    state.counted++;
    return 1;
  };
  const release = async () => {
    while (state.gates.length === 0) await new Promise((resolve) => setImmediate(resolve));
    state.gates.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { state, foldSome, release };
}

describe('EventFolder', () => {
  it('settles what arrived while a pass was looking: a new pass follows the one under way', async () => {
    const { state, foldSome, release } = fakeQueue();
    const folder = new EventFolder(foldSome);
    folder.kick();
    // The pass under way looks: nothing pending yet...
    await new Promise((resolve) => setImmediate(resolve));
    expect(state.folds).toBe(1);
    // ...while a batch is received and someone reads the counts.
    state.pending = 1;
    let settled = false;
    const settling = folder.settle().then(() => (settled = true));
    // The first pass's fold answers from before the batch came: 1 (it folds it here, in this fake) — then 0.
    await release();
    await release();
    // Without the second pass the read would already be answered; it waits for a pass of its own.
    expect(state.counted).toBe(1);
    expect(settled).toBe(false);
    await release();
    await settling;
    expect(settled).toBe(true);
    expect(state.folds).toBe(3);
  });

  it('coalesces kicks while a pass runs into one following pass', async () => {
    const { state, foldSome, release } = fakeQueue();
    const folder = new EventFolder(foldSome);
    folder.kick();
    folder.kick();
    folder.kick();
    const settled = folder.settle();
    await release(); // pass 1: nothing pending
    await release(); // pass 2 (the kicks and the settle share it): nothing pending
    await settled;
    expect(state.folds).toBe(2);
  });

  it('tries a failed pass again later, and says so', async () => {
    vi.useFakeTimers();
    const errors: unknown[] = [];
    let calls = 0;
    const folder = new EventFolder(async () => {
      calls++;
      if (calls === 1) throw new Error('database restarting');
      return 0;
    }, { onError: (error) => errors.push(error) });
    folder.kick();
    await vi.advanceTimersByTimeAsync(0);
    expect(errors).toHaveLength(1);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(calls).toBe(2);
    folder.close();
  });

  it('waits while a batch is being received, then counts it; a reader does not wait', async () => {
    let pending = 0;
    const folds: number[] = [];
    const folder = new EventFolder(async () => {
      folds.push(pending);
      const n = pending;
      pending = 0;
      return n;
    });
    let finishReceiving!: () => void;
    const receiving = folder.receive(
      () => new Promise<number>((resolve) => (finishReceiving = () => resolve(0))),
      (n) => n,
    );
    // A batch stored by another receive while this one is still in flight: its kick waits.
    await folder.receive(async () => ((pending += 5), 5), (n) => n);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(folds).toEqual([]);
    // A reader does not wait for receiving to end.
    await folder.settle();
    expect(folds[0]).toBe(5);
    expect(pending).toBe(0);
    // Received while the other is still in flight, then that one ends: counted once receiving is over.
    await folder.receive(async () => ((pending += 3), 3), (n) => n);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(pending).toBe(3);
    finishReceiving();
    await receiving;
    await vi.waitFor(() => expect(pending).toBe(0));
  });

  it('stops waiting for receiving once the backlog is full', async () => {
    let pending = 0;
    const folder = new EventFolder(
      async () => {
        const n = pending;
        pending = 0;
        return n;
      },
      { maxBacklog: 10 },
    );
    let finishReceiving!: () => void;
    const receiving = folder.receive(() => new Promise<number>((resolve) => (finishReceiving = () => resolve(0))), (n) => n);
    await folder.receive(async () => ((pending += 4), 4), (n) => n);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(pending).toBe(4);
    await folder.receive(async () => ((pending += 8), 8), (n) => n);
    await vi.waitFor(() => expect(pending).toBe(0));
    finishReceiving();
    await receiving;
  });

  it('counts a batch once receiving has been quiet for a moment, not in the gap before the next batch', async () => {
    vi.useFakeTimers();
    let pending = 0;
    const folder = new EventFolder(async () => {
      const n = pending;
      pending = 0;
      return n;
    });
    await folder.receive(async () => ((pending += 2), 2), (n) => n);
    await vi.advanceTimersByTimeAsync(60);
    expect(pending).toBe(2);
    await vi.advanceTimersByTimeAsync(100);
    expect(pending).toBe(0);
    folder.close();
  });
});
