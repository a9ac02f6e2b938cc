/**
 * Event ids made by the client (RFC 9562). Time-ordered UUIDv7 for ordinary events — random v4 ids scatter inserts over
 * the whole id index, v7 ids append at its end — and name-based UUIDv3 for "once per unit" events, so two devices of
 * one user produce the same id and the server counts them once. Pure: runs in Node and in the browser (Web Crypto's
 * getRandomValues, lib/proctor's MD5).
 */
import { md5 } from '../proctor/md5';

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function format(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) out += '-';
    out += HEX[bytes[i]];
  }
  return out;
}

// Random bytes are drawn 4 KiB at a time: one getRandomValues call per 512 ids instead of one per id.
const pool = new Uint8Array(4096);
let poolOffset = pool.length;
function randomBytes(out: Uint8Array, from: number, count: number): void {
  if (poolOffset + count > pool.length) {
    globalThis.crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  // Byte by byte: a subarray() view per call cost more than the rest of the id.
  for (let i = 0; i < count; i++) out[from + i] = pool[poolOffset + i];
  poolOffset += count;
}

/**
 * A UUIDv7 maker: 48-bit Unix milliseconds, then a 12-bit counter (RFC 9562 §6.2 method 1) so ids made within one
 * millisecond still sort in creation order, then 62 random bits. The counter starts at a random value below 2^11
 * (room to count up); when it overflows, or the clock steps back, the timestamp is advanced by one instead, so ids from
 * one maker never go backwards. A client with a clock of its own (events.clock) has a maker of its own: ids follow
 * that clock, not the last real millisecond.
 */
export function uuidv7Maker(): (nowMs?: number) => string {
  let lastMs = -1;
  let counter = 0;
  let prefix = '';
  const bytes = new Uint8Array(16);
  // join() makes one flat string; a template literal makes a tree of ~10 concatenation nodes that a queued id keeps.
  const parts: string[] = ['', '', '', '-', '', '', '-', '', '', '', '', '', ''];
  return (nowMs = Date.now()) => {
    if (nowMs > lastMs) {
      lastMs = nowMs;
      randomBytes(bytes, 6, 2);
      counter = ((bytes[6] << 8) | bytes[7]) & 0x7ff;
      prefix = '';
    } else if (++counter > 0xfff) {
      lastMs++;
      counter = 0;
      prefix = '';
    }
    if (prefix === '') {
      // The first 48 bits change once per millisecond: format them once. Split in two, bitwise operators are 32-bit.
      const high = Math.floor(lastMs / 0x1000000);
      const low = lastMs % 0x1000000;
      prefix = `${HEX[(high >>> 16) & 0xff]}${HEX[(high >>> 8) & 0xff]}${HEX[high & 0xff]}${HEX[(low >>> 16) & 0xff]}-${HEX[(low >>> 8) & 0xff]}${HEX[low & 0xff]}-`;
    }
    randomBytes(bytes, 8, 8);
    parts[0] = prefix;
    parts[1] = HEX[0x70 | (counter >>> 8)];
    parts[2] = HEX[counter & 0xff];
    parts[4] = HEX[0x80 | (bytes[8] & 0x3f)];
    parts[5] = HEX[bytes[9]];
    for (let i = 10; i < 16; i++) parts[i - 3] = HEX[bytes[i]];
    return parts.join('');
  };
}

/** The process's UUIDv7 maker (real time). */
export const uuidv7: (nowMs?: number) => string = uuidv7Maker();

let lastIsoMs = -1;
let lastIso = '';
/** `new Date(ms).toISOString()`, formatted once per millisecond (it costs more than the rest of an event). */
export function isoTime(nowMs: number = Date.now()): string {
  if (nowMs !== lastIsoMs) {
    lastIsoMs = nowMs;
    lastIso = new Date(nowMs).toISOString();
  }
  return lastIso;
}

/** The Unix milliseconds of a UUIDv7, or null for any other id. */
export function uuidv7Time(id: string): number | null {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(id)) return null;
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

/** Namespace of Proctor Studio's name-based event ids (a fixed random UUID). */
const NAMESPACE = new Uint8Array([0x5b, 0x0e, 0x9c, 0x41, 0x2d, 0x7a, 0x4f, 0x36, 0x9a, 0x1c, 0x63, 0xe4, 0x08, 0xb2, 0x5d, 0x17]);
const encoder = new TextEncoder();

/** Name-based UUIDv3 (RFC 9562 §5.3): the same parts always give the same id. Parts are joined with "|" after escaping. */
export function nameBasedId(parts: readonly string[]): string {
  const name = encoder.encode(parts.map((part) => part.replace(/\\/g, '\\\\').replace(/\|/g, '\\|')).join('|'));
  const input = new Uint8Array(16 + name.length);
  input.set(NAMESPACE, 0);
  input.set(name, 16);
  const digest = md5(input);
  digest[6] = 0x30 | (digest[6] & 0x0f);
  digest[8] = 0x80 | (digest[8] & 0x3f);
  return format(digest);
}
