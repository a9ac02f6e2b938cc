import { describe, expect, it } from 'vitest';
import { encodeEarlier, MAX_EARLIER_TEXT, parseEarlier, type EarlierExposure } from '@/lib/events/earlier-exposures';

describe('earlier exposures', () => {
  it('encode one set as one text: sorted, each (revision, kind) once, "" for none; and parse back', () => {
    const items: EarlierExposure[] = [
      { definitionVersion: 'b"2', kind: 'inactive' },
      { definitionVersion: 'a1', kind: 'arm' },
      { definitionVersion: 'b"2', kind: 'inactive' },
      { definitionVersion: 'c3', kind: 'fallback' },
    ];
    const text = encodeEarlier(items);
    expect(text).toBe('[["a1","a"],["b\\"2","i"],["c3","f"]]');
    expect(encodeEarlier([...items].reverse())).toBe(text);
    expect(parseEarlier(text)).toEqual([
      { definitionVersion: 'a1', kind: 'arm' },
      { definitionVersion: 'b"2', kind: 'inactive' },
      { definitionVersion: 'c3', kind: 'fallback' },
    ]);
    expect(encodeEarlier([])).toBe('');
    expect(parseEarlier('')).toEqual([]);
  });

  it('keep the newest that fit in a primary-key-sized text, never more', () => {
    const items: EarlierExposure[] = Array.from({ length: 200 }, (_, i) => ({ definitionVersion: `revision-${String(i).padStart(3, '0')}-${'x'.repeat(30)}`, kind: 'arm', at: 1_000 + i }));
    const text = encodeEarlier(items);
    expect(text.length).toBeLessThanOrEqual(MAX_EARLIER_TEXT);
    const kept = parseEarlier(text).map((e) => e.definitionVersion);
    expect(kept.length).toBeGreaterThan(10);
    // The newest (highest `at`) are the ones kept.
    expect(kept).toEqual(items.slice(200 - kept.length).map((e) => e.definitionVersion));
  });
});
