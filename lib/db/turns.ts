/**
 * Turns across instances: instances sharing one PostgreSQL database run the work of one key one at a time, in the order
 * they asked (PostgreSQL grants a lock's waiters first come, first served). The definition writer takes a turn per
 * branch before it fetches, commits and pushes: without it, the instance that just pushed knows the new head and wins
 * every race against the one that must fetch first, so a burst of saves on two instances starved one of them (issue
 * #22: "trunk kept moving during 12 attempts"). A turn is for fairness, never for correctness — the push still only
 * fast-forwards — so a turn that cannot be had (the database is down, or the wait passed WAIT_MS) runs the work without
 * one rather than failing it.
 */
import type pg from 'pg';

export interface Turns {
  /** Runs `work` once no other session of the database is running work for `key`. */
  take<T>(key: string, work: () => Promise<T>): Promise<T>;
}

/** The advisory-lock class of turns (record-events.ts uses 19_001). */
const TURNS_LOCK_CLASS = 19_002;
/** Longer than any write holds its turn while the upstream answers (git's own timeout is 30 s by default). */
const WAIT_MS = 60_000;

export function advisoryTurns(pool: pg.Pool, onError?: (error: Error) => void): Turns {
  return {
    async take(key, work) {
      let client: pg.PoolClient | null = null;
      try {
        client = await pool.connect();
        // A transaction-level lock: released by COMMIT, or by the server when this session's connection is lost.
        await client.query(`BEGIN; SET LOCAL lock_timeout = ${WAIT_MS}`);
        await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [TURNS_LOCK_CLASS, key]);
      } catch (error) {
        onError?.(error as Error);
        client?.release(true);
        client = null;
      }
      try {
        return await work();
      } finally {
        if (client) {
          const held = client;
          await held.query('COMMIT').then(
            () => held.release(),
            (error: Error) => held.release(error),
          );
        }
      }
    },
  };
}
