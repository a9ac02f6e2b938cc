/**
 * Branch listings (buildSnapshot) on a repository of more tests than the bulk threshold, so the cold listing asks git
 * for every `<test tree>:definition.json` and a later small change takes the per-test path; both are checked against
 * native git, and so is the cold listing without a git CLI (isomorphic-git). Then the listing cache on disk: a listing
 * served from it must equal native git too, at the cached head and at a newer one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ListingCache } from '@/lib/store/listing-cache';
import { CatFileBatch, type TextObject } from '@/lib/store/native-git';
import { BlobCompactor, buildSnapshot, parseOrError, type BranchSnapshot } from '@/lib/store/read';
import { GitRepository } from '@/lib/store/repository';
import { SEED_DIR, git, makeTempDir, openTestStore, removeDir } from '../support/temp-repo';

const DIR = 'test-definitions';
const TESTS = 150;

let tmp: string;
let gitdir: string;
let repo: GitRepository;
let template: string;

/** One fast-import commit on trunk: `files` maps paths to contents (null deletes). */
async function commit(files: Record<string, string | null>, parent: boolean): Promise<string> {
  const chunks: string[] = [];
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  chunks.push('commit refs/heads/trunk\n', 'committer Native Nora <nora@example.com> 1700000000 +0000\n', data('listing fixture'));
  if (parent) chunks.push('from refs/heads/trunk^0\n');
  for (const [file, content] of Object.entries(files)) {
    chunks.push(content === null ? `D ${file}\n` : `M 100644 inline ${file}\n${data(content)}`);
  }
  await git(['--git-dir', gitdir, 'fast-import', '--quiet'], { input: chunks.join('') + 'done\n' });
  return (await git(['--git-dir', gitdir, 'rev-parse', 'refs/heads/trunk'])).trim();
}

/** What a listing must hold, from native git: top-level `\w+` test folders with a definition.json file. */
async function expected(head: string): Promise<Array<{ testName: string; treeOid: string; blobOid: string; text: string }>> {
  const lines = (await git(['--git-dir', gitdir, 'ls-tree', '-r', '-t', head, `${DIR}/`])).trim().split('\n');
  const trees = new Map<string, string>();
  const blobs = new Map<string, string>();
  for (const line of lines) {
    const [meta, file] = line.split('\t');
    const [, type, oid] = meta.split(' ');
    const parts = file.split('/');
    if (parts.length === 2 && type === 'tree') trees.set(parts[1], oid);
    if (parts.length === 3 && parts[2] === 'definition.json' && type === 'blob') blobs.set(parts[1], oid);
  }
  const result = [];
  for (const [testName, treeOid] of [...trees].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const blobOid = blobs.get(testName);
    if (!/^\w+$/.test(testName) || !blobOid) continue;
    result.push({ testName, treeOid, blobOid, text: await git(['--git-dir', gitdir, 'cat-file', 'blob', blobOid]) });
  }
  return result;
}

function expectListing(snapshot: BranchSnapshot, want: Awaited<ReturnType<typeof expected>>): void {
  expect([...snapshot.tests.keys()]).toEqual(want.map((w) => w.testName));
  for (const w of want) {
    const entry = snapshot.tests.get(w.testName)!;
    expect({ testName: entry.testName, treeOid: entry.treeOid, blobOid: entry.blobOid, text: entry.text }).toEqual(w);
    expect({ definition: entry.definition, parseError: entry.parseError }).toEqual({ parseError: undefined, ...parseOrError(w.text) });
  }
}

beforeAll(async () => {
  tmp = await makeTempDir('proctor-listing-');
  gitdir = path.join(tmp, 'repo.git');
  await git(['init', '--bare', '--initial-branch=trunk', gitdir]);
  const seedTests = path.join(SEED_DIR, 'test-definitions');
  template = fs.readFileSync(path.join(seedTests, fs.readdirSync(seedTests).sort()[0], 'definition.json'), 'utf8');
  const files: Record<string, string> = {};
  for (let i = 0; i < TESTS; i++) {
    const name = `listing_test_${String(i).padStart(3, '0')}`;
    files[`${DIR}/${name}/definition.json`] = template.replace('"salt" : "', `"salt" : "${i}_`);
    files[`${DIR}/${name}/metadata.json`] = '{ }';
  }
  // Two tests with the same bytes, one that does not parse, and folders a listing must skip.
  files[`${DIR}/twin_a/definition.json`] = template;
  files[`${DIR}/twin_b/definition.json`] = template;
  files[`${DIR}/broken_json/definition.json`] = '{ "salt" : ';
  // Parses, but is not in Proctor's layout: the listing must keep these bytes rather than re-serialise the definition.
  files[`${DIR}/compact_form/definition.json`] = JSON.stringify(JSON.parse(template));
  files[`${DIR}/no_definition/metadata.json`] = '{ }';
  files[`${DIR}/not-a-name/definition.json`] = template;
  files[`${DIR}/nested/deeper/definition.json`] = template;
  files[`${DIR}/dir_named_file/definition.json/x`] = template;
  files['elsewhere/outside_test/definition.json'] = template;
  await commit(files, false);
  repo = new GitRepository(gitdir);
});

afterAll(async () => {
  repo?.close();
  await removeDir(tmp);
});

describe('buildSnapshot', () => {
  let cold: BranchSnapshot;

  it('lists a cold branch like git ls-tree + cat-file (reads by path)', async () => {
    const head = (await git(['--git-dir', gitdir, 'rev-parse', 'trunk'])).trim();
    const compactor = new BlobCompactor();
    cold = await buildSnapshot(repo, head, [DIR], { compactor });
    const want = await expected(head);
    expect(want.length).toBe(TESTS + 4);
    expect(cold.blobsRead).toBe(TESTS + 3); // the twins are one blob
    expectListing(cold, want);
    expect(cold.tests.get('broken_json')!.definition).toBeNull();
    await compactor.idle();
    // Compaction runs in the background (see read.ts); once done, only texts that differ from their definition
    // re-serialised are kept, and the listing reads the same.
    expectListing(cold, want);
    expect(cold.tests.get('compact_form')!.blob.raw).toBe(JSON.stringify(JSON.parse(template)));
    expect(cold.tests.get('compact_form')!.definition).toEqual(cold.tests.get('twin_a')!.definition);
    expect(cold.tests.get('twin_a')!.blob.raw).toBeNull();
    expect(cold.tests.get('twin_a')!.definition).toBe(cold.tests.get('twin_b')!.definition);
  });

  it('relists after a small change reading only the changed test (per-test path), reusing the rest', async () => {
    const head = await commit(
      {
        [`${DIR}/listing_test_007/definition.json`]: template.replace('"salt" : "', '"salt" : "changed_'),
        [`${DIR}/listing_test_008/definition.json`]: null,
        [`${DIR}/added_test/definition.json`]: template.replace('"salt" : "', '"salt" : "added_'),
      },
      true,
    );
    const next = await buildSnapshot(repo, head, [DIR], { previous: cold });
    expectListing(next, await expected(head));
    expect(next.tests.get('listing_test_006')).toBe(cold.tests.get('listing_test_006'));
    expect(next.tests.has('listing_test_008')).toBe(false);
    expect(next.blobsRead).toBe(2);
  });

  it('relists after a change to most tests (by path again), reusing entries by blob oid', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < TESTS; i++) files[`${DIR}/listing_test_${String(i).padStart(3, '0')}/metadata.json`] = `{ "n" : ${i} }`;
    const head = await commit(files, true);
    const previous = await buildSnapshot(repo, (await git(['--git-dir', gitdir, 'rev-parse', 'trunk^'])).trim(), [DIR]);
    const next = await buildSnapshot(repo, head, [DIR], { previous });
    expectListing(next, await expected(head));
    // Only metadata changed: the definitions are the same blobs, so text and parsed definition are shared.
    expect(next.tests.get('listing_test_010')!.definition).toBe(previous.tests.get('listing_test_010')!.definition);
  });
});

describe('CatFileBatch.readPaths (the cold listing\'s bulk read)', () => {
  it('answers every tree in order, null where there is no such file, and a throwing callback rejects without stopping the reader', async () => {
    const head = (await git(['--git-dir', gitdir, 'rev-parse', 'trunk'])).trim();
    const want = (await expected(head)).slice(0, 3);
    const noDefinition = (await git(['--git-dir', gitdir, 'rev-parse', `${head}:${DIR}/no_definition`])).trim();
    const trees = [want[0].treeOid, noDefinition, want[1].treeOid, want[2].treeOid];
    const reader = new CatFileBatch(gitdir);
    try {
      const answers: Array<[number, TextObject | null]> = [];
      await reader.readPaths(trees, 'definition.json', (index, object) => answers.push([index, object]));
      expect(answers.map(([index, object]) => [index, object && { oid: object.oid, type: object.type, text: object.text }])).toEqual([
        [0, { oid: want[0].blobOid, type: 'blob', text: want[0].text }],
        [1, null],
        [2, { oid: want[1].blobOid, type: 'blob', text: want[1].text }],
        [3, { oid: want[2].blobOid, type: 'blob', text: want[2].text }],
      ]);

      const seen: number[] = [];
      const failing = reader.readPaths(trees, 'definition.json', (index) => {
        seen.push(index);
        if (index === 1) throw new Error('callback failed');
      });
      await expect(failing).rejects.toThrow('callback failed');
      expect(seen).toEqual([0, 1]); // later answers are read off the pipe but not passed on
      // The reader goes on serving.
      const after: Array<string | undefined> = [];
      await reader.readPaths([trees[3]], 'definition.json', (_index, object) => after.push(object?.oid));
      expect(after).toEqual([want[2].blobOid]);

      await expect(reader.readPaths(['not-an-oid'], 'definition.json', () => undefined)).rejects.toThrow('Not an object id: not-an-oid');
      await expect(reader.readPaths(trees, 'a\nb', () => undefined)).rejects.toThrow('Not a path cat-file can read');
    } finally {
      reader.close();
    }
  });
});

describe('without the git CLI', () => {
  it('lists the same through isomorphic-git', async () => {
    const head = (await git(['--git-dir', gitdir, 'rev-parse', 'trunk'])).trim();
    const want = await expected(head);
    const path = process.env.PATH;
    const noGit = new GitRepository(gitdir);
    process.env.PATH = '/nonexistent';
    try {
      expectListing(await buildSnapshot(noGit, head, [DIR]), want);
      // It really ran without git: the cat-file process could not start.
      expect((noGit as unknown as { native: { unavailable: boolean } }).native.unavailable).toBe(true);
    } finally {
      process.env.PATH = path;
      noGit.close();
    }
  });
});

describe('listing cache', () => {
  it('serves a listing equal to native git without reading blobs, at the cached head and at a newer one', async () => {
    const cache = new ListingCache(path.join(tmp, 'cache'));
    const head = (await git(['--git-dir', gitdir, 'rev-parse', 'trunk'])).trim();
    const listed = await buildSnapshot(repo, head, [DIR]);
    await cache.save('trunk', { head, tests: [...listed.tests.values()].map((e) => [e.testName, { treeOid: e.treeOid, blobOid: e.blobOid, text: e.text }] as const) });
    const cached = await cache.load('trunk');
    expect(cached?.head).toBe(head);
    expect(cached?.tests.size).toBe(listed.tests.size);

    const fromCache = await buildSnapshot(repo, head, [DIR], { cached });
    expect(fromCache.blobsRead).toBe(0);
    expectListing(fromCache, await expected(head));

    // A damaged text no longer hashes to its blob oid: that test is read from git, the rest still come from the file.
    const file = path.join(tmp, 'cache', 'trunk.listing');
    const bytes = fs.readFileSync(file);
    const at = bytes.indexOf('"salt" : "17_');
    bytes[at + 10] = '9'.charCodeAt(0);
    fs.writeFileSync(file, bytes);
    const damaged = await cache.load('trunk');
    expect(damaged?.tests.size).toBe(listed.tests.size - 1);
    expect(damaged?.tests.has('listing_test_017')).toBe(false);
    const repaired = await buildSnapshot(repo, head, [DIR], { cached: damaged });
    expect(repaired.blobsRead).toBe(1);
    expectListing(repaired, await expected(head));

    // A newer head: unchanged tests come from the cache, the changed and added one from git.
    const newer = await commit(
      {
        [`${DIR}/listing_test_020/definition.json`]: template.replace('"salt" : "', '"salt" : "newer_'),
        [`${DIR}/listing_test_021/definition.json`]: null,
        [`${DIR}/newer_test/definition.json`]: template.replace('"salt" : "', '"salt" : "newer_test_'),
      },
      true,
    );
    const later = await buildSnapshot(repo, newer, [DIR], { cached });
    expect(later.blobsRead).toBe(2);
    expectListing(later, await expected(newer));
  });

  it('ignores a missing, truncated or foreign file', async () => {
    const dir = path.join(tmp, 'bad-cache');
    const cache = new ListingCache(dir);
    expect(await cache.load('trunk')).toBeNull();
    const text = '{ "é" : 1 }';
    const blobOid = (await git(['hash-object', '--stdin'], { input: text })).trim();
    await cache.save('trunk', { head: 'a'.repeat(40), tests: [['t', { treeOid: 'b'.repeat(40), blobOid, text }]] });
    expect((await cache.load('trunk'))?.tests.get('t')?.text).toBe('{ "é" : 1 }');
    const file = path.join(dir, 'trunk.listing');
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 1));
    expect(await cache.load('trunk')).toBeNull();
    fs.writeFileSync(file, Buffer.concat([bytes, Buffer.from('x')]));
    expect(await cache.load('trunk')).toBeNull();
    fs.writeFileSync(file, '{"format":99}\n');
    expect(await cache.load('trunk')).toBeNull();
    fs.writeFileSync(file, 'not json\n');
    expect(await cache.load('trunk')).toBeNull();
  });

  it('a store writes the cache on a cold listing, and the next store lists from it without reading blobs', async () => {
    const cacheDir = path.join(tmp, 'store-cache');
    const options = { gitdir, listingCacheDir: cacheDir };
    const first = await openTestStore(tmp, options, { seed: false });
    let listed;
    try {
      listed = await first.store.listDefinitions('trunk');
      await first.store.settled();
    } finally {
      await first.close();
    }
    const head = (await git(['--git-dir', gitdir, 'rev-parse', 'trunk'])).trim();
    expect((await new ListingCache(cacheDir).load('trunk'))?.head).toBe(head);

    const second = await openTestStore(tmp, options, { seed: false });
    try {
      // The store's repository is private: any GitRepository reading a blob counts.
      const reads = vi.spyOn(GitRepository.prototype, 'readBlobText');
      const again = await second.store.listDefinitions('trunk');
      expect(reads).not.toHaveBeenCalled();
      reads.mockRestore();
      const rows = (list: typeof listed) => list.map((d) => ({ testName: d.testName, revision: d.revision, text: d.text, definition: d.definition, parseError: d.parseError }));
      expect(rows(again)).toEqual(rows(listed));
      await second.store.settled();
      expect(rows(again)).toEqual(rows(listed));
    } finally {
      await second.close();
    }
  });
});
