import { describe, expect, it } from 'vitest';
import { createDraftStore, draftKey, type DraftStorage } from '../../lib/editor/draft-store';

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
    expect(drafts.load('x', REV_A)).toEqual({ testName: 'x', baseRevision: REV_A, text: 'two', savedAt: '2025-01-01T00:01:00.000Z' });
    expect(drafts.load('x', REV_B)).toBeNull();
    expect(storage.length).toBe(1);
    drafts.clear('x', REV_A);
    expect(drafts.load('x', REV_A)).toBeNull();
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
    expect(drafts.load('x', REV_A)).toBeNull();
    expect(drafts.listFor('x')).toEqual([]);
    storage.failWrites = true;
    expect(() => drafts.save({ testName: 'x', baseRevision: REV_A, text: 't' })).not.toThrow();
  });
});
