/** Event ids (lib/client/event-ids.ts): RFC 9562 UUIDv7 that never go backwards in one process, name-based UUIDv3. */
import { describe, expect, it } from 'vitest';
import { nameBasedId, uuidv7, uuidv7Time } from '@/lib/client/event-ids';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidv7', () => {
  it('has version 7, the RFC variant and the millisecond it was made in its first 48 bits', () => {
    const at = Date.UTC(2026, 11, 6, 23, 0, 0, 123);
    const id = uuidv7(at);
    expect(id).toMatch(UUID);
    expect(id[14]).toBe('7');
    expect(uuidv7Time(id)).toBe(at);
    expect(uuidv7Time(nameBasedId(['x']))).toBeNull();
  });

  it('sorts in creation order within one millisecond, across counter overflow and when the clock steps back', () => {
    const at = Date.UTC(2027, 0, 1);
    const ids: string[] = [];
    for (let i = 0; i < 10_000; i++) ids.push(uuidv7(at)); // more than the 12-bit counter holds
    ids.push(uuidv7(at - 5_000)); // clock stepped back
    ids.push(uuidv7(at + 60_000));
    const sorted = [...ids].sort();
    expect(sorted).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // Overflow borrows from the next millisecond instead of repeating or going back.
    expect(uuidv7Time(ids[9_999])! - at).toBeLessThanOrEqual(Math.ceil(10_000 / 2048) + 1);
  });
});

describe('nameBasedId', () => {
  it('gives the same version-3 id for the same parts and different ids when any part differs', () => {
    const a = nameBasedId(['conversion', 'production', 'USER', 'u1', 'signup']);
    expect(a).toMatch(UUID);
    expect(a[14]).toBe('3');
    expect(nameBasedId(['conversion', 'production', 'USER', 'u1', 'signup'])).toBe(a);
    expect(nameBasedId(['conversion', 'qa', 'USER', 'u1', 'signup'])).not.toBe(a);
    expect(nameBasedId(['conversion', 'production', 'USER', 'u2', 'signup'])).not.toBe(a);
  });

  it('cannot be confused by a separator inside a part', () => {
    expect(nameBasedId(['a|b', 'c'])).not.toBe(nameBasedId(['a', 'b|c']));
    expect(nameBasedId(['a\\', '|b'])).not.toBe(nameBasedId(['a\\|', 'b']));
  });
});
