/**
 * Fresh request ids: random (version 4) UUIDs, as crypto.randomUUID makes them, from a pool of random bytes filled 256
 * ids at a time. Next.js wraps node:crypto's randomUUID (and Date) to watch prerenders, a check that costs more than
 * the id itself on every request the matrix edge answers, which no render ever encloses.
 */
import { randomFillSync } from 'node:crypto';

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
const IDS_PER_FILL = 256;
const pool = Buffer.alloc(16 * IDS_PER_FILL);
let nextId = IDS_PER_FILL;

export function newRequestId(): string {
  if (nextId === IDS_PER_FILL) {
    randomFillSync(pool);
    nextId = 0;
  }
  const b = pool;
  const o = 16 * nextId++;
  // RFC 9562 §5.4: the version (4) in the high nibble of byte 6, the variant (10xx) in the high bits of byte 8.
  return (
    `${HEX[b[o]]}${HEX[b[o + 1]]}${HEX[b[o + 2]]}${HEX[b[o + 3]]}-${HEX[b[o + 4]]}${HEX[b[o + 5]]}-` +
    `${HEX[(b[o + 6] & 0x0f) | 0x40]}${HEX[b[o + 7]]}-${HEX[(b[o + 8] & 0x3f) | 0x80]}${HEX[b[o + 9]]}-` +
    `${HEX[b[o + 10]]}${HEX[b[o + 11]]}${HEX[b[o + 12]]}${HEX[b[o + 13]]}${HEX[b[o + 14]]}${HEX[b[o + 15]]}`
  );
}
