/**
 * The bytes of one matrix revision as they go on the wire: identity, gzip and brotli, compressed once when the matrix
 * is built (never per request), each with its own strong ETag and Content-Length. The same revision gives the same
 * bytes on every instance (zlib is deterministic for the same input and settings; gzip carries no timestamp), so
 * instances behind one load balancer answer with the same ETags.
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';

export const MATRIX_ENCODINGS = ['br', 'gzip', 'identity'] as const;
export type MatrixEncoding = (typeof MATRIX_ENCODINGS)[number];

export interface MatrixVariant {
  encoding: MatrixEncoding;
  bytes: Buffer;
  /** Strong: the revision for identity (what applications have always seen), `<revision>-gzip` / `<revision>-br`. */
  etag: string;
}

export type MatrixVariants = Record<MatrixEncoding, MatrixVariant>;

const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);

/**
 * Brotli quality 5 (not 11): a 9 MB matrix compresses in a fraction of a second on a promotion's critical path, and
 * still ends up smaller than gzip -9. Fixed settings, so every instance produces the same bytes.
 */
const BROTLI_OPTIONS: zlib.BrotliOptions = {
  params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT },
};

export function variantEtag(revision: string, encoding: MatrixEncoding): string {
  return encoding === 'identity' ? `"${revision}"` : `"${revision}-${encoding}"`;
}

/** Compresses `bytes` both ways (in libuv's thread pool, off the event loop); `tag` is the identity ETag's value. */
export async function buildVariants(tag: string, bytes: Buffer): Promise<MatrixVariants> {
  const [gz, br] = await Promise.all([gzip(bytes, { level: 9 }), brotli(bytes, BROTLI_OPTIONS)]);
  return {
    identity: { encoding: 'identity', bytes, etag: variantEtag(tag, 'identity') },
    gzip: { encoding: 'gzip', bytes: gz, etag: variantEtag(tag, 'gzip') },
    br: { encoding: 'br', bytes: br, etag: variantEtag(tag, 'br') },
  };
}

/**
 * RFC 9110 §12.5.3 content negotiation over the three codings we hold: the highest q wins, ties go to the smaller
 * (br, then gzip); identity is acceptable unless refused by `identity;q=0` (or `*;q=0` without naming it). No header
 * means any coding is acceptable, but a client that says nothing gets identity, as caches and curl expect.
 */
export function negotiateEncoding(acceptEncoding: string | null | undefined): MatrixEncoding {
  if (!acceptEncoding) return 'identity';
  let encoding = negotiated.get(acceptEncoding);
  if (encoding === undefined) {
    // A fleet sends a handful of distinct headers: each parsed once. Bounded, so odd headers cannot grow it.
    if (negotiated.size >= NEGOTIATED_MAX) negotiated.clear();
    negotiated.set(acceptEncoding, (encoding = parseAndNegotiate(acceptEncoding)));
  }
  return encoding;
}

const NEGOTIATED_MAX = 256;
const negotiated = new Map<string, MatrixEncoding>();

function parseAndNegotiate(acceptEncoding: string): MatrixEncoding {
  const q: Partial<Record<string, number>> = {};
  for (const part of acceptEncoding.split(',')) {
    const [rawName, ...params] = part.split(';');
    const name = rawName.trim().toLowerCase();
    if (!name) continue;
    let weight = 1;
    for (const param of params) {
      const match = /^\s*q\s*=(.*)$/i.exec(param);
      // A malformed weight refuses the coding rather than guessing.
      if (match) weight = /^\s*[01](\.\d{0,3})?\s*$/.test(match[1]) ? Math.min(1, Number(match[1])) : 0;
    }
    q[name] = Math.max(q[name] ?? 0, weight);
  }
  const star = q['*'];
  const weightOf = (encoding: MatrixEncoding): number => {
    if (q[encoding] !== undefined) return q[encoding]!;
    if (encoding === 'gzip' && q['x-gzip'] !== undefined) return q['x-gzip']!;
    if (star !== undefined) return star;
    return encoding === 'identity' ? 0.001 : 0;
  };
  let best: MatrixEncoding = 'identity';
  let bestWeight = 0;
  for (const encoding of MATRIX_ENCODINGS) {
    const weight = weightOf(encoding);
    if (weight > bestWeight) {
      best = encoding;
      bestWeight = weight;
    }
  }
  // Nothing acceptable: RFC 9110 lets the server send identity rather than 406.
  return best;
}
