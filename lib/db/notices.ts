/**
 * PostgreSQL LISTEN/NOTIFY on the database every instance shares: the signal that lets instances behind one load
 * balancer learn of each other's changes at once (issue #22). Sending goes through the pool (`pg_notify`); listening
 * needs a session of its own, kept open and opened again after the server restarts or drops it. A notice is a hint,
 * never the truth: a listener that was away misses notices, so it is told when it is back (`onListening`) and whoever
 * acts on notices keeps a poll as the safety net.
 */
import pg from 'pg';

export interface NoticeChannel {
  /** Sends `payload` (at most ~8,000 bytes) to every listener of the channel, this process's included. */
  notify(payload: string): Promise<void>;
  /**
   * Listens until the returned function is called. `onListening` runs each time the listening session is (again)
   * subscribed: the first time and after every reconnect, when notices may have been missed.
   */
  listen(onNotice: (payload: string) => void, onListening?: () => void): () => void;
}

const RECONNECT_FIRST_MS = 250;
const RECONNECT_MAX_MS = 5_000;

/** A channel of the database behind `pool`; `connection` opens the listening session (the pool's own settings). */
export function noticeChannel(pool: pg.Pool, connection: pg.ClientConfig, name: string, onError?: (error: Error) => void): NoticeChannel {
  return {
    async notify(payload) {
      await pool.query('SELECT pg_notify($1, $2)', [name, payload]);
    },
    listen(onNotice, onListening) {
      let stopped = false;
      let client: pg.Client | null = null;
      let timer: NodeJS.Timeout | null = null;
      let delay = RECONNECT_FIRST_MS;
      const reconnectLater = () => {
        if (stopped || timer) return;
        timer = setTimeout(() => {
          timer = null;
          void connect();
        }, delay);
        timer.unref();
        delay = Math.min(delay * 2, RECONNECT_MAX_MS);
      };
      const connect = async () => {
        const session = new pg.Client(connection);
        client = session;
        let lost = false;
        const onLost = (error?: Error) => {
          if (lost) return;
          lost = true;
          if (error) onError?.(error);
          session.removeAllListeners('notification');
          session.end().catch(() => undefined);
          if (client === session) client = null;
          reconnectLater();
        };
        session.on('error', onLost);
        session.on('end', () => onLost());
        session.on('notification', (message) => {
          if (message.channel === name) onNotice(message.payload ?? '');
        });
        try {
          await session.connect();
          await session.query(`LISTEN ${pg.escapeIdentifier(name)}`);
        } catch (error) {
          onLost(error as Error);
          return;
        }
        if (stopped) {
          await session.end().catch(() => undefined);
          return;
        }
        delay = RECONNECT_FIRST_MS;
        onListening?.();
      };
      void connect();
      return () => {
        stopped = true;
        if (timer) clearTimeout(timer);
        const session = client;
        client = null;
        if (session) {
          session.removeAllListeners();
          session.on('error', () => undefined);
          session.end().catch(() => undefined);
        }
      };
    },
  };
}
