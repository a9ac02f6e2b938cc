/**
 * MD5 (RFC 1321) in pure TypeScript, because bucket assignment must run in the browser where node:crypto is absent
 * and WebCrypto has no MD5. Works on 32-bit ints and reuses one scratch buffer, so hashing a short
 * salt+identifier allocates nothing but the result.
 */

const S = new Int32Array([
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
  4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
]);
const K = new Int32Array(64);
for (let i = 0; i < 64; i++) K[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 0x100000000) | 0;

const state = new Int32Array(4);
const words = new Int32Array(16);
let scratch = new Uint8Array(256);

function processBlock(bytes: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const o = offset + i * 4;
    words[i] = bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16) | (bytes[o + 3] << 24);
  }
  let a = state[0];
  let b = state[1];
  let c = state[2];
  let d = state[3];
  for (let i = 0; i < 64; i++) {
    let f: number;
    let g: number;
    if (i < 16) {
      f = (b & c) | (~b & d);
      g = i;
    } else if (i < 32) {
      f = (d & b) | (~d & c);
      g = (5 * i + 1) & 15;
    } else if (i < 48) {
      f = b ^ c ^ d;
      g = (3 * i + 5) & 15;
    } else {
      f = c ^ (b | ~d);
      g = (7 * i) & 15;
    }
    const x = (a + f + K[i] + words[g]) | 0;
    const s = S[i];
    a = d;
    d = c;
    c = b;
    b = (b + ((x << s) | (x >>> (32 - s)))) | 0;
  }
  state[0] = (state[0] + a) | 0;
  state[1] = (state[1] + b) | 0;
  state[2] = (state[2] + c) | 0;
  state[3] = (state[3] + d) | 0;
}

/** Hashes scratch[0..length) (the buffer must have room for padding) into `state`. */
function digestScratch(length: number): void {
  state[0] = 0x67452301;
  state[1] = 0xefcdab89 | 0;
  state[2] = 0x98badcfe | 0;
  state[3] = 0x10325476;
  const padded = ((length + 8) >> 6) * 64 + 64;
  const buf = scratch;
  buf[length] = 0x80;
  buf.fill(0, length + 1, padded);
  const bitsLow = (length << 3) >>> 0;
  const bitsHigh = Math.floor(length / 0x20000000);
  buf[padded - 8] = bitsLow & 0xff;
  buf[padded - 7] = (bitsLow >>> 8) & 0xff;
  buf[padded - 6] = (bitsLow >>> 16) & 0xff;
  buf[padded - 5] = (bitsLow >>> 24) & 0xff;
  buf[padded - 4] = bitsHigh & 0xff;
  buf[padded - 3] = (bitsHigh >>> 8) & 0xff;
  buf[padded - 2] = (bitsHigh >>> 16) & 0xff;
  buf[padded - 1] = (bitsHigh >>> 24) & 0xff;
  for (let offset = 0; offset < padded; offset += 64) processBlock(buf, offset);
}

function ensureScratch(length: number): void {
  const needed = length + 72;
  if (scratch.length < needed) {
    // keep what is already written: the prefix is encoded before the identifier grows the buffer
    const grown = new Uint8Array(Math.max(needed, scratch.length * 2));
    grown.set(scratch);
    scratch = grown;
  }
}

/** MD5 digest (16 bytes) of `bytes`. */
export function md5(bytes: Uint8Array): Uint8Array {
  ensureScratch(bytes.length);
  scratch.set(bytes, 0);
  digestScratch(bytes.length);
  const out = new Uint8Array(16);
  for (let i = 0; i < 4; i++) {
    const w = state[i];
    out[i * 4] = w & 0xff;
    out[i * 4 + 1] = (w >>> 8) & 0xff;
    out[i * 4 + 2] = (w >>> 16) & 0xff;
    out[i * 4 + 3] = (w >>> 24) & 0xff;
  }
  return out;
}

/** Lower-case hex MD5 of a string's UTF-8 bytes (Java getBytes(UTF_8) semantics). */
export function md5Hex(text: string): string {
  const digest = md5(encodeUtf8(text));
  let hex = '';
  for (let i = 0; i < 16; i++) hex += (digest[i] < 16 ? '0' : '') + digest[i].toString(16);
  return hex;
}

/**
 * Writes `text` as UTF-8 into scratch at `offset`, returning the new end. Lone surrogates become '?' as Java's
 * String.getBytes(UTF_8) does (TextEncoder would write U+FFFD, which would hash differently from Proctor).
 */
function writeUtf8(text: string, offset: number): number {
  ensureScratch(offset + text.length * 3);
  const buf = scratch;
  let p = offset;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      buf[p++] = c;
    } else if (c < 0x800) {
      buf[p++] = 0xc0 | (c >> 6);
      buf[p++] = 0x80 | (c & 63);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        buf[p++] = 0xf0 | (c >> 18);
        buf[p++] = 0x80 | ((c >> 12) & 63);
        buf[p++] = 0x80 | ((c >> 6) & 63);
        buf[p++] = 0x80 | (c & 63);
      } else {
        buf[p++] = 0x3f;
      }
    } else {
      buf[p++] = 0xe0 | (c >> 12);
      buf[p++] = 0x80 | ((c >> 6) & 63);
      buf[p++] = 0x80 | (c & 63);
    }
  }
  return p;
}

/** UTF-8 bytes of `text` with Java's replacement of lone surrogates by '?'. */
export function encodeUtf8(text: string): Uint8Array {
  const end = writeUtf8(text, 0);
  return scratch.slice(0, end);
}

/**
 * Proctor's hash value: MD5(UTF8(prefix) ++ UTF8(identifier)), bytes 12..15 read as a signed big-endian int32
 * (StandardTestChooser.AbstractMD5Hasher.convertToInt). Bytes 12..15 are the little-endian word state[3].
 */
export function proctorHash(prefix: string, identifier: string): number {
  const end = writeUtf8(identifier, writeUtf8(prefix, 0));
  digestScratch(end);
  const w = state[3];
  return ((w & 0xff) << 24) | (((w >>> 8) & 0xff) << 16) | (((w >>> 16) & 0xff) << 8) | ((w >>> 24) & 0xff);
}

/** Same as proctorHash with the prefix already encoded (saves re-encoding the salt for every identifier). */
export function proctorHashBytes(prefixBytes: Uint8Array, identifier: string): number {
  ensureScratch(prefixBytes.length);
  scratch.set(prefixBytes, 0);
  const end = writeUtf8(identifier, prefixBytes.length);
  digestScratch(end);
  const w = state[3];
  return ((w & 0xff) << 24) | (((w >>> 8) & 0xff) << 16) | (((w >>> 16) & 0xff) << 8) | ((w >>> 24) & 0xff);
}
