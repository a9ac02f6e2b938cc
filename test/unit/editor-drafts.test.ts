import { describe, expect, it } from 'vitest';
import { createDraftSession, createDraftStore, draftKey, type DraftStorage } from '../../lib/editor/draft-store';

/** localStorage's behaviour on a Map (insertion-ordered keys, string values). */
class MemoryStorage implements DraftStorage {
  private readonly items = new Map<string, string>();
  failWrites = false;
  get length() {
    return this.items.size;
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    if (this.failWrites) throw new Error('QuotaExceededError');
    this.items.set(key, String(value));
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
}

const REV_A = 'a'.repeat(40);
const REV_B = 'b'.repeat(40);

describe('draft store', () => {
  it('keeps one draft per test and base revision, and clears it', () => {
    const storage = new MemoryStorage();
    const drafts = createDraftStore(storage);
    drafts.save({ testName: 'x', baseRevision: REV_A, text: 'one' }, new Date('2025-01-01T00:00:00Z'));
    drafts.save({ testName: 'x', baseRevision: REV_A, text: 'two' }, new Date('2025-01-01T00:01:00Z'));
    expect(drafts.load({ testName: 'x', baseRevision: REV_A })).toEqual({ testName: 'x', baseRevision: REV_A, text: 'two', savedAt: '2025-01-01T00:01:00.000Z' });
    expect(drafts.load({ testName: 'x', baseRevision: REV_B })).toBeNull();
    expect(storage.length).toBe(1);
    drafts.clear({ testName: 'x', baseRevision: REV_A });
    expect(drafts.load({ testName: 'x', baseRevision: REV_A })).toBeNull();
  });

  it('lists a test’s drafts of every base revision, newest first, without other tests’ drafts', () => {
    const drafts = createDraftStore(new MemoryStorage());
    drafts.save({ testName: 'x', baseRevision: REV_A, text: 'old' }, new Date('2025-01-01T00:00:00Z'));
    drafts.save({ testName: 'x', baseRevision: REV_B, text: 'new' }, new Date('2025-01-02T00:00:00Z'));
    drafts.save({ testName: 'xy', baseRevision: REV_A, text: 'other' }, new Date('2025-01-03T00:00:00Z'));
    drafts.save({ testName: null, baseRevision: null, text: 'created', newName: 'z' }, new Date('2025-01-04T00:00:00Z'));
    expect(drafts.listFor('x').map((d) => d.text)).toEqual(['new', 'old']);
    expect(drafts.listFor(null).map((d) => d.newName)).toEqual(['z']);
    drafts.clearAll('x');
    expect(drafts.listFor('x')).toEqual([]);
    expect(drafts.listFor('xy').length).toBe(1);
  });

  it('ignores corrupt entries and survives a full storage', () => {
    const storage = new MemoryStorage();
    storage.setItem(draftKey('x', REV_A), '{not json');
    storage.setItem(draftKey('x', REV_B), JSON.stringify({ text: 5 }));
    const drafts = createDraftStore(storage);
    expect(drafts.load({ testName: 'x', baseRevision: REV_A })).toBeNull();
    expect(drafts.listFor('x')).toEqual([]);
    storage.failWrites = true;
    expect(drafts.save({ testName: 'x', baseRevision: REV_A, text: 't' })).toBe(false);
  });
});

describe('draft policy: a draft stays until the user discards it or its save succeeds', () => {
  const LOADED = '{"loaded":true}';
  /** One page load of the editor for test x: a fresh session over the same browser storage. */
  const open = (storage: MemoryStorage, slot: string) => createDraftSession(createDraftStore(storage), 'x', slot);

  it('offers a draft on every load, however often the page is reloaded untouched', () => {
    const storage = new MemoryStorage();
    open(storage, 's1').keep({ baseRevision: REV_A, text: 'edited' });
    for (const slot of ['s2', 's3', 's4']) {
      const reload = open(storage, slot);
      expect(reload.offers(LOADED).map((d) => d.text)).toEqual(['edited']);
      // The untouched editor autosaves "nothing to keep": that must not remove the draft it offered.
      reload.settle();
    }
    expect(open(storage, 's5').offers(LOADED).map((d) => d.text)).toEqual(['edited']);
  });

  it('does not offer a draft equal to the loaded text, and still keeps it', () => {
    const storage = new MemoryStorage();
    open(storage, 's1').keep({ baseRevision: REV_A, text: LOADED });
    expect(open(storage, 's2').offers(LOADED)).toEqual([]);
    expect(storage.length).toBe(1);
  });

  it('typing after a reload without restoring starts a second draft instead of overwriting the first', () => {
    const storage = new MemoryStorage();
    open(storage, 's1').keep({ baseRevision: REV_A, text: 'first edit' }, new Date('2025-01-01T00:00:00Z'));
    const second = open(storage, 's2');
    second.keep({ baseRevision: REV_A, text: 'second edit' }, new Date('2025-01-01T00:01:00Z'));
    expect(open(storage, 's3').offers(LOADED).map((d) => d.text)).toEqual(['second edit', 'first edit']);
    // Typing back to the saved text removes only the second editor's own draft.
    second.settle();
    expect(open(storage, 's4').offers(LOADED).map((d) => d.text)).toEqual(['first edit']);
  });

  it('a failed save keeps the draft; restoring and saving successfully removes it, other drafts stay', () => {
    const storage = new MemoryStorage();
    open(storage, 's0').keep({ baseRevision: REV_A, text: 'unrelated edit' }, new Date('2025-01-01T00:00:00Z'));
    const first = open(storage, 's1');
    first.keep({ baseRevision: REV_A, text: 'my edit' }, new Date('2025-01-01T00:01:00Z'));
    // The save answered 503: the editor keeps the draft (keep again), nothing is removed.
    first.keep({ baseRevision: REV_A, text: 'my edit' }, new Date('2025-01-01T00:02:00Z'));
    const reload = open(storage, 's2');
    const [mine] = reload.offers(LOADED);
    expect(mine.text).toBe('my edit');
    reload.adopt(mine);
    reload.keep({ baseRevision: REV_A, text: 'my edit, finished' }, new Date('2025-01-01T00:03:00Z'));
    // Restoring continues the same draft instead of adding another.
    expect(storage.length).toBe(2);
    reload.saved();
    expect(open(storage, 's3').offers(LOADED).map((d) => d.text)).toEqual(['unrelated edit']);
  });

  it('a restored draft re-applied onto a newer revision moves there; the copy under the old revision goes', () => {
    const storage = new MemoryStorage();
    open(storage, 's1').keep({ baseRevision: REV_A, text: 'old-base edit' });
    const reload = open(storage, 's2');
    reload.adopt(reload.offers(LOADED)[0]);
    reload.keep({ baseRevision: REV_B, text: 'merged edit' });
    expect(createDraftStore(storage).listFor('x').map((d) => [d.baseRevision, d.text])).toEqual([[REV_B, 'merged edit']]);
  });

  it('a storage that refuses the new copy keeps the old one', () => {
    const storage = new MemoryStorage();
    const session = open(storage, 's1');
    session.keep({ baseRevision: REV_A, text: 'edit' });
    storage.failWrites = true;
    session.keep({ baseRevision: REV_B, text: 'merged' });
    expect(createDraftStore(storage).listFor('x').map((d) => d.text)).toEqual(['edit']);
  });

  it('discarding removes exactly that draft; deleting the test removes all of its drafts', () => {
    const storage = new MemoryStorage();
    open(storage, 's1').keep({ baseRevision: REV_A, text: 'one' }, new Date('2025-01-01T00:00:00Z'));
    open(storage, 's2').keep({ baseRevision: REV_A, text: 'two' }, new Date('2025-01-01T00:01:00Z'));
    createDraftSession(createDraftStore(storage), 'y', 's3').keep({ baseRevision: REV_A, text: 'other test' });
    const reload = open(storage, 's4');
    reload.discard(reload.offers(LOADED)[1]);
    expect(open(storage, 's5').offers(LOADED).map((d) => d.text)).toEqual(['two']);
    open(storage, 's6').deleted();
    expect(open(storage, 's7').offers(LOADED)).toEqual([]);
    expect(createDraftStore(storage).listFor('y').length).toBe(1);
  });
});
