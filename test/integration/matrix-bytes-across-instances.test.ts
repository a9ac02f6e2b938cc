/**
 * Instances behind one load balancer answer with the same bytes and ETags for the same revision: two stores on two
 * copies of one repository (as two app instances on one upstream) build byte-identical identity, gzip and brotli
 * variants for every environment, and for an older revision's immutable URL. (Serialisation and compression depend
 * only on the revision: the audit block comes from the commit, zlib settings are fixed, gzip carries no timestamp.)
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matrixCacheFor } from '@/lib/distribution/matrix-cache';
import { MATRIX_ENCODINGS } from '@/lib/distribution/matrix-variants';
import { ENVIRONMENTS } from '@/lib/store';
import { git, makeTempDir, openTestStore, removeDir, type TestStore } from '@/test/support/temp-repo';

let dir: string;
let a: TestStore;
let b: TestStore;

beforeAll(async () => {
  dir = await makeTempDir('proctor-matrix-bytes-');
  a = await openTestStore(path.join(dir, 'a'));
  await git(['clone', '-q', '--mirror', a.gitdir, path.join(dir, 'b', 'proctor-data.git')]);
  b = await openTestStore(path.join(dir, 'b'), {}, { seed: false });
}, 600_000);
afterAll(async () => {
  await a?.close();
  await b?.close();
  if (dir) await removeDir(dir);
});

describe('two instances on one repository', () => {
  it('build the same bytes and ETags for each environment and for an older revision', async () => {
    for (const env of ENVIRONMENTS) {
      const [fromA, fromB] = [(await matrixCacheFor(a.store).require(env)), (await matrixCacheFor(b.store).require(env))];
      expect(fromB.revision).toBe(fromA.revision);
      for (const encoding of MATRIX_ENCODINGS) {
        expect(fromB.variants[encoding].etag).toBe(fromA.variants[encoding].etag);
        expect(Buffer.compare(fromB.variants[encoding].bytes, fromA.variants[encoding].bytes), `${env} ${encoding}`).toBe(0);
      }
    }
    const parent = (await git(['--git-dir', a.gitdir, 'rev-parse', 'trunk~1'])).trim();
    const [oldA, oldB] = [await matrixCacheFor(a.store).atRevision('trunk', parent), await matrixCacheFor(b.store).atRevision('trunk', parent)];
    expect(oldA?.revision).toBe(parent);
    for (const encoding of MATRIX_ENCODINGS) expect(Buffer.compare(oldB!.variants[encoding].bytes, oldA!.variants[encoding].bytes)).toBe(0);
  }, 600_000);
});
