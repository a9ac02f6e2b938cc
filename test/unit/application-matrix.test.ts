/**
 * Per-application matrices (lib/distribution/application-matrix.ts): only the specification's tests, verified like
 * Proctor's loaders do — an application never receives a test outside its specification, nor one its specification
 * rejects — with ETags of their own per (revision, specification).
 */
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ApplicationMatrices, buildApplicationMatrix, specificationDigest } from '@/lib/distribution/application-matrix';
import type { BuiltMatrix } from '@/lib/distribution/matrix-cache';
import { buildVariants } from '@/lib/distribution/matrix-variants';
import type { ProctorSpecification } from '@/lib/proctor/model';
import { serializeMatrix } from '@/lib/proctor/serialize-definition';
import { consumable, matrixOf } from '../support/client-matrix';

const REVISION = 'c'.repeat(40);
const TWO_WAY = consumable([-1, 0, 1], [[-1, 0.5], [0, 0.25], [1, 0.25]]);

async function built(): Promise<BuiltMatrix> {
  const artifact = matrixOf(REVISION, {
    checkout_color: TWO_WAY,
    search_ranking: TWO_WAY,
    three_way: consumable([-1, 0, 1, 2], [[-1, 0.4], [0, 0.2], [1, 0.2], [2, 0.2]]),
    other_team_test: { ...TWO_WAY, metaTags: ['other-team'] },
    tagged_for_us: { ...TWO_WAY, metaTags: ['checkout'] },
  });
  const body = serializeMatrix(artifact);
  const bytes = Buffer.from(body, 'utf8');
  return { env: 'production', revision: REVISION, artifact, body, bytes, variants: await buildVariants(REVISION, bytes), builtAt: 1 };
}

const SPEC: ProctorSpecification = {
  tests: {
    checkout_color: { fallbackValue: -1, buckets: { inactive: -1, control: 0, treatment: 1 } },
    // The matrix allocates bucket 2, which this application does not know: Proctor's loader rejects it.
    three_way: { fallbackValue: -1, buckets: { inactive: -1, control: 0, treatment: 1 } },
    // Not in the matrix at all.
    not_yet_created: { fallbackValue: -1, buckets: { inactive: -1, on: 1 } },
  },
  dynamicFilters: [{ type: 'meta_tags_filter', meta_tags: ['checkout'] }],
};

describe('buildApplicationMatrix', () => {
  it('holds only the tests of the specification that verify against it (required and dynamic), in every variant', async () => {
    const matrix = await built();
    const own = await buildApplicationMatrix(matrix, SPEC);
    expect(Object.keys(own.artifact.tests).sort()).toEqual(['checkout_color', 'tagged_for_us']);
    expect(own.artifact.audit).toEqual(matrix.artifact.audit);
    expect(own.revision).toBe(REVISION);
    for (const encoding of ['identity', 'gzip', 'br'] as const) {
      const bytes = own.variants[encoding].bytes;
      const text = encoding === 'gzip' ? zlib.gunzipSync(bytes) : encoding === 'br' ? zlib.brotliDecompressSync(bytes) : bytes;
      expect(Object.keys(JSON.parse(text.toString('utf8')).tests).sort()).toEqual(['checkout_color', 'tagged_for_us']);
    }
    const digest = specificationDigest(SPEC);
    expect(own.variants.identity.etag).toBe(`"${REVISION}-${digest}"`);
    expect(own.variants.br.etag).toBe(`"${REVISION}-${digest}-br"`);
  });

  it('an empty specification receives no test at all', async () => {
    expect((await buildApplicationMatrix(await built(), { tests: {} })).artifact.tests).toEqual({});
  });
});

describe('specificationDigest and ApplicationMatrices', () => {
  it('hashes equal specifications alike whatever the key order, and different ones differently', () => {
    const reordered: ProctorSpecification = { dynamicFilters: SPEC.dynamicFilters, tests: { not_yet_created: SPEC.tests!.not_yet_created, three_way: SPEC.tests!.three_way, checkout_color: SPEC.tests!.checkout_color } };
    expect(specificationDigest(reordered)).toBe(specificationDigest(SPEC));
    expect(specificationDigest({ tests: { checkout_color: SPEC.tests!.checkout_color } })).not.toBe(specificationDigest(SPEC));
  });

  it('builds once per (revision, specification)', async () => {
    const matrix = await built();
    const matrices = new ApplicationMatrices();
    const first = await matrices.get(matrix, SPEC);
    expect(await matrices.get(matrix, structuredClone(SPEC))).toBe(first);
    expect(await matrices.get(matrix, { tests: {} })).not.toBe(first);
  });
});
