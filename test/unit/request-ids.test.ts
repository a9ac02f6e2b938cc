import { describe, expect, it } from 'vitest';
import { newRequestId } from '@/lib/http/request-ids';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newRequestId', () => {
  it('makes random version 4 UUIDs, none repeated across refills of its pool', () => {
    const ids = Array.from({ length: 2000 }, () => newRequestId());
    for (const id of ids) expect(id).toMatch(UUID_V4);
    expect(new Set(ids).size).toBe(ids.length);
    // Every hex digit outside the version and variant turns up at every position: the bytes are random, not one pool reused.
    const positions = [0, 7, 9, 15, 20, 35];
    for (const at of positions) expect(new Set(ids.map((id) => id[at])).size).toBe(16);
  });
});
