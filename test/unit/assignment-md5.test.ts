import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeUtf8, md5, md5Hex, proctorHash, proctorHashBytes } from '../../lib/proctor/md5';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('md5', () => {
  it.each([
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['a', '0cc175b9c0f1b6a831c399e269772661'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
    ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
    ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', '57edf4a22be3c955ac49da2e2107b67a'],
  ])('RFC 1321 vector %j', (input, expected) => {
    expect(md5Hex(input)).toBe(expected);
  });

  it('matches node:crypto on random inputs of every length around block boundaries', () => {
    for (let len = 0; len < 300; len++) {
      const bytes = new Uint8Array(randomBytes(len));
      expect(hex(md5(bytes))).toBe(createHash('md5').update(bytes).digest('hex'));
    }
    for (let i = 0; i < 20; i++) {
      const bytes = new Uint8Array(randomBytes(1000 + i * 997));
      expect(hex(md5(bytes))).toBe(createHash('md5').update(bytes).digest('hex'));
    }
  });

  it('encodes UTF-8 like Java (lone surrogates become ?)', () => {
    expect(hex(encodeUtf8('é€😀'))).toBe(Buffer.from('é€😀', 'utf8').toString('hex'));
    expect(hex(encodeUtf8('a\ud800b'))).toBe('613f62');
    expect(hex(encodeUtf8('\udc00'))).toBe('3f');
  });

  it('proctorHash = int32 big-endian of digest bytes 12..15 of prefix+identifier', () => {
    for (let i = 0; i < 500; i++) {
      const prefix = randomBytes(1 + (i % 70)).toString('base64');
      const id = i % 3 === 0 ? `ü${i}ß` : randomBytes(i % 90).toString('hex');
      const digest = createHash('md5').update(prefix + id, 'utf8').digest();
      expect(proctorHash(prefix, id)).toBe(digest.readInt32BE(12));
      expect(proctorHashBytes(encodeUtf8(prefix), id)).toBe(digest.readInt32BE(12));
    }
  });

  it('keeps the prefix when a long identifier grows the scratch buffer', () => {
    const prefix = 'p'.repeat(200);
    const id = 'i'.repeat(5000);
    expect(proctorHashBytes(encodeUtf8(prefix), id)).toBe(createHash('md5').update(prefix + id).digest().readInt32BE(12));
  });
});
