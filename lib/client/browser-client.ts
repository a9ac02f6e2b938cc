/**
 * The browser client: the core with the browser's platform — the event queue in localStorage (survives a reload) and a
 * last-chance navigator.sendBeacon when the page is hidden. The beacon cannot carry an Authorization header, so its
 * body names the token (an events token can only send events, and a browser application's token is public anyway).
 * Beaconed events stay queued until a normal request gets their results: a beacon's answer cannot be read, so an
 * event that did arrive is sent once more and answered "duplicate".
 */
import type { EventDelivery } from './event-delivery';
import { LocalStorageEventStore } from './event-store-browser';
import { ProctorClientCore, type ClientPlatform, type ProctorClientOptions } from './proctor-client';

/** Browsers refuse beacons over 64 KiB in flight; stay under it. */
const BEACON_MAX_BYTES = 60 * 1024;

function randomHex(bytes: number): string {
  const out = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(out);
  return Array.from(out, (b) => b.toString(16).padStart(2, '0')).join('');
}

function hookPageHide(delivery: EventDelivery, token: string | undefined, url: string, beacon: boolean): void {
  if (typeof window === 'undefined' || typeof document === 'undefined') return;
  let lastBeacon: string | null = null;
  const onHidden = () => {
    delivery.saveNow();
    if (!beacon || typeof navigator.sendBeacon !== 'function') return;
    const body = delivery.beaconBody(BEACON_MAX_BYTES, token);
    // visibilitychange and pagehide both fire when leaving a page: one beacon for the same queue.
    if (body && body !== lastBeacon && navigator.sendBeacon(url, body)) lastBeacon = body;
  };
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') onHidden();
  });
  window.addEventListener('pagehide', onHidden);
}

export const BROWSER_PLATFORM: ClientPlatform = {
  instanceId: () => `browser-${randomHex(4)}`,
  eventStore: (options, environment) => {
    if (options.storageKey === false || typeof localStorage === 'undefined') return null;
    return new LocalStorageEventStore(options.storageKey ?? `proctor-events:${environment}`);
  },
  attachDelivery: (delivery, options, token, url) => hookPageHide(delivery, token, url, options.beacon ?? true),
  defaultMaxQueue: 1000,
};

export class ProctorClient extends ProctorClientCore {
  constructor(options: ProctorClientOptions) {
    super(options, BROWSER_PLATFORM);
  }

  /** Creates the client and waits for the first load attempt (it never throws for an unreachable server). */
  static async create(options: ProctorClientOptions): Promise<ProctorClient> {
    const client = new ProctorClient(options);
    await client.start();
    return client;
  }
}
