import { beforeEach, describe, expect, it, vi } from 'vitest';

// Count the md5 computations: a memo hit computes nothing, a miss (never seen, or evicted) computes once.
const hashed = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../lib/proctor/md5', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../lib/proctor/md5')>();
  return {
    ...actual,
    md5: (bytes: Uint8Array) => {
      hashed.count++;
      return actual.md5(bytes);
    },
  };
});

const { BUCKET_COLOR_MEMO_SIZE, bucketColor } = await import('../../lib/ui/bucket-color');

describe('bucketColor', () => {
  beforeEach(() => {
    hashed.count = 0;
  });

  it('is Proctor’s md5-derived light colour, grey for inactive buckets', () => {
    expect(bucketColor('control')).toMatch(/^#[89a-f][0-9a-f][89a-f][0-9a-f][89a-f][0-9a-f]$/);
    expect(bucketColor('control')).toBe(bucketColor('control'));
    expect(bucketColor('inactive', -1)).toBe('#9ca3af');
  });

  it('memoises recent names but does not grow with every name it is given', () => {
    bucketColor('kept');
    bucketColor('evicted');
    // Many distinct names, as a server rendering user-edited definitions sees over its lifetime; "kept" stays in use.
    for (let i = 0; i < BUCKET_COLOR_MEMO_SIZE * 4; i++) {
      bucketColor(`bucket_${i}`);
      if (i % 100 === 0) bucketColor('kept');
    }
    hashed.count = 0;
    bucketColor('kept');
    expect(hashed.count).toBe(0);
    const color = bucketColor('evicted');
    expect(hashed.count).toBe(1);
    expect(color).toBe(bucketColor('evicted'));
    expect(hashed.count).toBe(1);
  });
});
