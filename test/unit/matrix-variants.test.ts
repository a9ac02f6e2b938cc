/**
 * The matrix's wire forms (lib/distribution/matrix-variants.ts) and the one answer rule the route and the request edge
 * share (answerMatrix): Accept-Encoding negotiation, a strong ETag and 304 per variant, Content-Length, Vary.
 */
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { BuiltMatrix } from '@/lib/distribution/matrix-cache';
import { answerMatrix, BRANCH_CACHE_CONTROL, matrixResponse, REVISION_CACHE_CONTROL } from '@/lib/distribution/matrix-response';
import { buildVariants, negotiateEncoding, type MatrixEncoding } from '@/lib/distribution/matrix-variants';
import { matrixEdgeTarget } from '@/lib/http/matrix-edge';
import { serializeMatrix } from '@/lib/proctor/serialize-definition';
import { consumable, matrixOf } from '../support/client-matrix';

const REVISION = 'a'.repeat(40);

async function built(): Promise<BuiltMatrix> {
  const tests = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`test_${i}`, consumable([-1, 0, 1], [[-1, 0.5], [0, 0.25], [1, 0.25]])]));
  const artifact = matrixOf(REVISION, tests);
  const body = serializeMatrix(artifact);
  const bytes = Buffer.from(body, 'utf8');
  return { env: 'qa', revision: REVISION, artifact, body, bytes, variants: await buildVariants(REVISION, bytes), builtAt: 1 };
}

function decode(encoding: MatrixEncoding, body: Buffer): string {
  if (encoding === 'gzip') return zlib.gunzipSync(body).toString('utf8');
  if (encoding === 'br') return zlib.brotliDecompressSync(body).toString('utf8');
  return body.toString('utf8');
}

describe('negotiateEncoding', () => {
  it.each([
    [null, 'identity'],
    ['', 'identity'],
    ['identity', 'identity'],
    ['gzip', 'gzip'],
    ['gzip, deflate', 'gzip'],
    ['gzip, deflate, br', 'br'], // what Node's fetch and browsers send: the smallest wins a tie
    ['br;q=0.5, gzip', 'gzip'],
    ['br;q=0, gzip;q=0', 'identity'],
    ['GZIP', 'gzip'],
    ['x-gzip', 'gzip'],
    ['deflate', 'identity'], // not held: identity is always acceptable unless refused
    ['*', 'br'],
    ['*;q=0, identity;q=0.1', 'identity'],
    ['compress, *;q=0.2, br;q=0', 'gzip'],
    ['gzip;q=bogus, identity;q=0.5', 'identity'], // a malformed q counts as 0
  ])('%j → %s', (header, expected) => {
    expect(negotiateEncoding(header)).toBe(expected);
  });
});

describe('answerMatrix', () => {
  it.each(['identity', 'gzip', 'br'] as const)('%s: its own strong ETag, Content-Length, Vary, and 304 on that ETag only', async (encoding) => {
    const matrix = await built();
    const request = { method: 'GET', acceptEncoding: encoding, ifNoneMatch: null };
    const ok = answerMatrix(request, matrix, null);
    expect(ok.status).toBe(200);
    expect(ok.headers.etag).toBe(encoding === 'identity' ? `"${REVISION}"` : `"${REVISION}-${encoding}"`);
    expect(ok.headers.vary).toBe('accept-encoding');
    expect(ok.headers['content-encoding']).toBe(encoding === 'identity' ? undefined : encoding);
    expect(ok.headers['content-length']).toBe(String(ok.body!.byteLength));
    expect(ok.headers['cache-control']).toBe(BRANCH_CACHE_CONTROL);
    expect(ok.headers['x-proctor-revision']).toBe(REVISION);
    expect(ok.headers['x-proctor-test-count']).toBe('40');
    expect(decode(encoding, ok.body!)).toBe(matrix.body);
    if (encoding !== 'identity') expect(ok.body!.byteLength).toBeLessThan(matrix.bytes.byteLength / 4);

    const revalidated = answerMatrix({ ...request, ifNoneMatch: ok.headers.etag }, matrix, null);
    expect(revalidated).toMatchObject({ status: 304, body: null });
    expect(revalidated.headers.etag).toBe(ok.headers.etag);
    expect(revalidated.headers.vary).toBe('accept-encoding');
    expect(revalidated.headers['content-length']).toBeUndefined();
    // RFC 9110 §15.4.5: the fields a 200 would carry that a cache needs, no other representation metadata.
    expect(Object.keys(revalidated.headers).sort()).toEqual(['cache-control', 'etag', 'vary', 'x-proctor-revision']);
    expect(revalidated.headers['cache-control']).toBe(BRANCH_CACHE_CONTROL);
    // Weak comparison (RFC 9110 If-None-Match): a proxy that weakened the tag still gets 304; lists and * match.
    expect(answerMatrix({ ...request, ifNoneMatch: `W/${ok.headers.etag}` }, matrix, null).status).toBe(304);
    expect(answerMatrix({ ...request, ifNoneMatch: `"other", ${ok.headers.etag}` }, matrix, null).status).toBe(304);
    expect(answerMatrix({ ...request, ifNoneMatch: '*' }, matrix, null).status).toBe(304);
    // Another coding's tag names other bytes: the full answer.
    for (const other of ['identity', 'gzip', 'br'] as const) {
      if (other === encoding) continue;
      expect(answerMatrix({ ...request, ifNoneMatch: matrix.variants[other].etag }, matrix, null).status).toBe(200);
    }
  });

  it('HEAD: the headers of the 200 without the body; a per-revision URL is immutable; a failed head is announced', async () => {
    const matrix = await built();
    const head = answerMatrix({ method: 'HEAD', acceptEncoding: 'gzip', ifNoneMatch: null }, matrix, null, REVISION_CACHE_CONTROL);
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
    expect(head.headers['content-length']).toBe(String(matrix.variants.gzip.bytes.byteLength));
    expect(head.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const warned = answerMatrix({ method: 'GET', acceptEncoding: null, ifNoneMatch: null }, matrix, { revision: 'b'.repeat(40), message: 'bad', details: [], at: 0 });
    expect(warned.headers['x-proctor-matrix-warning']).toContain('bbbbbbb failed validation');
  });

  it('makes each distinct answer once: the same request shares it; another method, coding, policy or failure does not', async () => {
    const matrix = await built();
    const get = { method: 'GET', acceptEncoding: 'gzip', ifNoneMatch: null };
    const first = answerMatrix(get, matrix, null);
    expect(answerMatrix({ ...get }, matrix, null)).toBe(first);
    expect(Object.isFrozen(first.headers)).toBe(true);
    const head = answerMatrix({ ...get, method: 'HEAD' }, matrix, null);
    expect(head.body).toBeNull();
    expect(answerMatrix(get, matrix, null).body).toBe(matrix.variants.gzip.bytes);
    expect(answerMatrix({ ...get, acceptEncoding: 'br' }, matrix, null).headers.etag).toBe(`"${REVISION}-br"`);
    expect(answerMatrix(get, matrix, null, REVISION_CACHE_CONTROL).headers['cache-control']).toBe(REVISION_CACHE_CONTROL);
    expect(answerMatrix(get, matrix, null).headers['cache-control']).toBe(BRANCH_CACHE_CONTROL);
    const failure = { revision: 'b'.repeat(40), message: 'bad', details: [], at: 0 };
    expect(answerMatrix(get, matrix, failure).headers['x-proctor-matrix-warning']).toContain('bbbbbbb');
    expect(answerMatrix(get, matrix, null).headers['x-proctor-matrix-warning']).toBeUndefined();
    expect(answerMatrix({ ...get, ifNoneMatch: first.headers.etag }, matrix, null).status).toBe(304);
    expect(answerMatrix(get, matrix, null).status).toBe(200);
  });

  it("the routes' answer: identity bytes under the identity ETag, marked no-transform so Next does not gzip them", async () => {
    const matrix = await built();
    const response = matrixResponse(new Request('http://x/api/v1/matrix/qa', { headers: { 'accept-encoding': 'gzip' } }), matrix, null);
    expect(response.headers.get('etag')).toBe(`"${REVISION}"`);
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(response.headers.get('cache-control')).toBe(`${BRANCH_CACHE_CONTROL}, no-transform`);
    expect(Buffer.from(await response.arrayBuffer()).equals(matrix.variants.identity.bytes)).toBe(true);
  });

  it('the same revision compresses to the same bytes every time (instances behind one balancer agree on ETags)', async () => {
    const [a, b] = [await built(), await built()];
    for (const encoding of ['identity', 'gzip', 'br'] as const) expect(Buffer.compare(a.variants[encoding].bytes, b.variants[encoding].bytes)).toBe(0);
  });
});

describe('matrixEdgeTarget', () => {
  it.each([
    ['GET', '/api/v1/matrix/qa', { env: 'qa', revision: null }],
    ['HEAD', '/api/v1/matrix/production?x=1', { env: 'production', revision: null }],
    ['GET', `/api/v1/matrix/trunk/${REVISION}`, { env: 'trunk', revision: REVISION }],
    ['POST', '/api/v1/matrix/qa', null],
    ['GET', '/api/v1/matrix/staging', null],
    ['GET', '/api/v1/matrix/qa/', null],
    ['GET', '/api/v1/matrix/qa/events', { env: 'qa', revision: null, events: true }],
    ['HEAD', '/api/v1/matrix/qa/events', null],
    ['GET', '/api/v1/matrix/qa/events/x', null],
    ['GET', '/api/v1/matrix/qa/current', null],
    ['GET', `/api/v1/matrix/qa/${REVISION.toUpperCase()}`, null],
    ['GET', '/api/v1/matrix/qa%00', null],
    ['GET', '/api/v1/matrix/qa/../tests', null],
  ])('%s %s → %j', (method, url, expected) => {
    expect(matrixEdgeTarget(method, url)).toEqual(expected);
  });
});
