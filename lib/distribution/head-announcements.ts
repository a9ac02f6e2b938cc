/**
 * Instances behind one load balancer learn of each other's commits within a moment (issue #22): each commit this
 * instance publishes is announced on the database they share (NOTIFY); on a notice from another instance the store
 * fetches upstream at once (unless it already has that head) and the matrix distribution looks at the heads, so the
 * change streams of every instance carry the new revision. The periodic upstream fetch stays the safety net, for a
 * notice missed while the database was away and for commits made outside the product.
 */
import { randomUUID } from 'node:crypto';
import type { NoticeChannel } from '@/lib/db/notices';
import type { Logger } from '@/lib/log/logger';
import { ENVIRONMENTS, type DefinitionStore, type Environment } from '@/lib/store';

/** The channel's name (scoped to the database schema by lib/db). */
export const HEADS_CHANNEL = 'proctor_heads';

interface HeadNotice {
  /** The announcing instance (it hears its own notices too). */
  instance: string;
  env: Environment;
  revision: string;
}

export class HeadAnnouncements {
  readonly instance = randomUUID();
  private stopListening: (() => void) | null = null;
  private fetching: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly channel: NoticeChannel,
    private readonly logger?: Logger,
  ) {}

  /** Tells the other instances that `env` moved to `revision`; the commit stands whether or not the notice goes out. */
  committed(env: Environment, revision: string): void {
    const notice: HeadNotice = { instance: this.instance, env, revision };
    this.channel.notify(JSON.stringify(notice)).catch((error: Error) => this.logger?.warn('could not announce a commit to the other instances', { env, revision, error: error.message }));
  }

  /**
   * Listens for the other instances' commits: `store` fetches when one moved a head it does not have yet, then
   * `onFetched` runs (the matrix distribution's look at the heads). After a reconnect it fetches once, for what it missed.
   */
  listen(store: DefinitionStore, onFetched: () => void): void {
    if (this.stopListening) return;
    let first = true;
    this.stopListening = this.channel.listen(
      (payload) => void this.onNotice(store, payload, onFetched),
      () => {
        if (!first) this.fetch(store, onFetched);
        first = false;
      },
    );
  }

  stop(): void {
    this.stopListening?.();
    this.stopListening = null;
  }

  private async onNotice(store: DefinitionStore, payload: string, onFetched: () => void): Promise<void> {
    const notice = parseNotice(payload);
    if (!notice || notice.instance === this.instance) return;
    if ((await store.head(notice.env).catch(() => null)) === notice.revision) return;
    this.fetch(store, onFetched);
  }

  /** One fetch at a time; notices arriving meanwhile coalesce into one more. */
  private fetch(store: DefinitionStore, onFetched: () => void): void {
    if (this.fetching) {
      this.again = true;
      return;
    }
    this.fetching = (async () => {
      do {
        this.again = false;
        try {
          await store.sync();
          onFetched();
        } catch (error) {
          this.logger?.warn('fetch after another instance announced a commit failed; the periodic fetch will retry', { error: (error as Error).message });
        }
      } while (this.again);
    })().finally(() => {
      this.fetching = null;
    });
  }
}

function parseNotice(payload: string): HeadNotice | null {
  try {
    const value = JSON.parse(payload) as Partial<HeadNotice>;
    if (typeof value.instance !== 'string' || typeof value.revision !== 'string' || !ENVIRONMENTS.includes(value.env as Environment)) return null;
    return value as HeadNotice;
  } catch {
    return null;
  }
}
