/**
 * The browser client's event queue in localStorage, so queued events survive a page reload. Each tab keeps its own key
 * (`<prefix>:<tab id>`, the tab id in sessionStorage, which a reload keeps): two tabs writing one key would overwrite
 * each other's events. A tab holds a Web Lock named after its key while it lives; a new page adopts the keys whose
 * lock nobody holds (tabs closed before they could send) and sends their events too. Adopting one key twice only
 * sends its events twice, which the server answers as duplicates.
 */
import type { ClientEvent, EventStore } from './event-delivery';

interface LockManagerLike {
  request(name: string, options: { ifAvailable: boolean }, callback: (lock: unknown) => Promise<void> | void): Promise<unknown>;
  query(): Promise<{ held?: { name?: string }[] }>;
}

function randomTabId(): string {
  const bytes = new Uint8Array(8);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function parseStored(text: string | null): ClientEvent[] {
  if (!text) return [];
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? value.filter((event): event is ClientEvent => typeof (event as ClientEvent | null)?.id === 'string') : [];
  } catch {
    return [];
  }
}

export class LocalStorageEventStore implements EventStore {
  private readonly prefix: string;
  private key = '';

  constructor(prefix: string) {
    this.prefix = prefix;
  }

  async load(): Promise<ClientEvent[]> {
    const locks = (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
    let tabId = sessionStorage.getItem(`${this.prefix}:tab`) ?? randomTabId();
    if (locks) {
      // A duplicated tab copies sessionStorage: if our id's lock is taken, this is another tab — take a new id.
      while (!(await this.holdLock(locks, tabId))) tabId = randomTabId();
    }
    sessionStorage.setItem(`${this.prefix}:tab`, tabId);
    this.key = `${this.prefix}:${tabId}`;
    const events = parseStored(localStorage.getItem(this.key));
    if (locks) {
      const held = new Set(((await locks.query()).held ?? []).map((lock) => lock.name));
      const orphans: string[] = [];
      for (let i = 0; i < localStorage.length; i++) {
        const key = localStorage.key(i);
        if (key && key.startsWith(`${this.prefix}:`) && key !== this.key && key !== `${this.prefix}:tab` && !held.has(key)) orphans.push(key);
      }
      const seen = new Set(events.map((event) => event.id));
      for (const key of orphans) {
        for (const event of parseStored(localStorage.getItem(key))) {
          if (!seen.has(event.id)) {
            seen.add(event.id);
            events.push(event);
          }
        }
      }
      // Ours first, so the orphans' events are never in no key at all.
      this.save(events);
      for (const key of orphans) localStorage.removeItem(key);
    }
    return events;
  }

  async write(change: { snapshot: () => ClientEvent[] }): Promise<void> {
    this.save(change.snapshot());
  }

  writeNow(snapshot: ClientEvent[]): void {
    this.save(snapshot);
  }

  private save(events: ClientEvent[]): void {
    if (!this.key) return;
    if (events.length === 0) localStorage.removeItem(this.key);
    else localStorage.setItem(this.key, JSON.stringify(events));
  }

  /** Holds the lock named after the key until the page goes away; false when another tab holds it. */
  private holdLock(locks: LockManagerLike, tabId: string): Promise<boolean> {
    return new Promise((resolve) => {
      void locks.request(`${this.prefix}:${tabId}`, { ifAvailable: true }, (lock) => {
        resolve(lock !== null);
        return lock === null ? undefined : new Promise<void>(() => undefined);
      });
    });
  }
}
