/**
 * Change streams held cheaply, for fleets: every open `…/events` connection of one environment is a raw Node response
 * in one set; a change is formatted and encoded once and the same bytes written to each; one timer sends the keepalive
 * comment to all of them. One subscription to the distribution per environment, not one per connection. (The route's
 * Web-stream version, matrixEventStream, stays for requests the request edge passes on.)
 */
import type { ServerResponse } from 'node:http';
import type { Environment } from '@/lib/store';
import type { MatrixState } from './matrix-cache';
import type { MatrixChange, MatrixDistribution } from './matrix-distribution';

/** Comments this often keep proxies from closing an idle stream. */
export const KEEPALIVE_MS = 15_000;

export const EVENT_STREAM_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream;charset=utf-8',
  // no-transform keeps compression middleware from buffering the stream.
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
  connection: 'keep-alive',
};

/** One Server-Sent Event. */
export function formatEvent(event: string, data: unknown, id?: string): string {
  return `${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The `data` of a change: what matrixEventStream sends too. */
export function changeEvent(env: Environment, revision: string | null, failure: MatrixState['failure']): string {
  return revision ? formatEvent('revision', { env, revision, failure }, revision) : formatEvent('failure', { env, revision: null, failure });
}

export class MatrixStreams {
  private readonly open = new Map<Environment, Set<ServerResponse>>();
  private readonly unsubscribe = new Map<Environment, () => void>();
  private keepalive: NodeJS.Timeout | null = null;

  constructor(private readonly distribution: MatrixDistribution) {}

  /**
   * Adds an already-answered (200, event-stream headers written) response to `env`'s streams and sends it the current
   * revision; it leaves when the connection closes.
   */
  async add(env: Environment, response: ServerResponse, current: () => Promise<MatrixState>): Promise<void> {
    let set = this.open.get(env);
    if (!set) {
      this.open.set(env, (set = new Set()));
      this.unsubscribe.set(env, this.distribution.subscribe(env, (change) => this.broadcast(change)));
    }
    const streams = set;
    // Joined before the current revision is read, so a change in between is not lost.
    streams.add(response);
    response.on('close', () => streams.delete(response));
    response.write('retry: 1000\n\n');
    this.keepalive ??= setInterval(() => this.sendKeepalive(), KEEPALIVE_MS);
    this.keepalive.unref?.();
    // Not readable now (e.g. the store is down): the stream still gets the next change, and reconnects resume.
    const state = await current().catch(() => null);
    if (state && !response.writableEnded) response.write(changeEvent(env, state.current?.revision ?? null, state.failure));
  }

  /** Whether this hub holds a distribution subscription for `env` (one, whatever the number of streams). */
  subscribed(env: Environment): boolean {
    return this.unsubscribe.has(env);
  }

  count(env?: Environment): number {
    if (env) return this.open.get(env)?.size ?? 0;
    let total = 0;
    for (const set of this.open.values()) total += set.size;
    return total;
  }

  private broadcast(change: MatrixChange): void {
    const bytes = Buffer.from(changeEvent(change.env, change.revision, change.failure), 'utf8');
    for (const response of this.open.get(change.env) ?? []) if (!response.writableEnded) response.write(bytes);
  }

  private sendKeepalive(): void {
    const bytes = Buffer.from(`: keepalive ${Date.now()}\n\n`, 'utf8');
    for (const set of this.open.values()) for (const response of set) if (!response.writableEnded) response.write(bytes);
  }

  close(): void {
    for (const stop of this.unsubscribe.values()) stop();
    if (this.keepalive) clearInterval(this.keepalive);
    for (const set of this.open.values()) for (const response of set) response.end();
    this.open.clear();
    this.unsubscribe.clear();
  }
}

/** Kept on the distribution under a registered symbol: Next bundles this module more than once (the request edge's and
 * the pages'), and the Matrix page must count the streams the edge holds. */
const HUB = Symbol.for('proctor-studio.matrix-streams');

/** The streams of `distribution` (one per process, as the distribution is). */
export function matrixStreamsFor(distribution: MatrixDistribution): MatrixStreams {
  const holder = distribution as MatrixDistribution & { [HUB]?: MatrixStreams };
  return (holder[HUB] ??= new MatrixStreams(distribution));
}
