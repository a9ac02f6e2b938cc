/**
 * Concurrent writers on one local bare repository: inside one store, from a second process, and from native git.
 * Nothing may be lost, and same-base edits of one test must produce exactly one winner.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@/lib/errors';
import type { TestDefinition } from '@/lib/proctor/model';
import { AUTHORS, git, makeTempDir, openTestStore, removeDir, spawnWriterProcess, type TestStore } from '../support/temp-repo';
import { key, name, rev } from '@/test/support/typed-values';

let dir: string;
let t: TestStore;
let template: TestDefinition;

beforeAll(async () => {
  dir = await makeTempDir();
  t = await openTestStore(dir);
  template = (await t.store.listDefinitions('trunk'))[0].definition!;
});

afterAll(async () => {
  await t?.close();
  await removeDir(dir);
});

async function trunkNames(gitdir: string): Promise<string[]> {
  return (await git(['--git-dir', gitdir, 'ls-tree', '--name-only', 'trunk', 'test-definitions/'])).trim().split('\n').map((p) => p.split('/')[1]);
}

describe('one store', () => {
  it('lands 20 concurrent saves to different tests', async () => {
    const before = Number((await git(['--git-dir', t.gitdir, 'rev-list', '--count', 'trunk'])).trim());
    const names = Array.from({ length: 20 }, (_, i) => `concurrent_${String.fromCharCode(97 + i)}`);
    const results = await Promise.all(
      names.map((testName) => t.store.createTest({ testName: name(testName), definition: template, author: AUTHORS.erin, issueKey: key('PROTEST-50'), comment: testName })),
    );
    expect(new Set(results.map((r) => r.revision)).size).toBe(20);
    const after = Number((await git(['--git-dir', t.gitdir, 'rev-list', '--count', 'trunk'])).trim());
    expect(after - before).toBe(20);
    expect(await trunkNames(t.gitdir)).toEqual(expect.arrayContaining(names));
    // Then 20 concurrent updates of those tests, each from its own base.
    const updates = await Promise.all(
      names.map((testName, i) =>
        t.store.updateTest({ testName: name(testName), definition: { ...template, description: `v2 ${testName}` }, baseRevision: results[i].revision, author: AUTHORS.priya, issueKey: key('PROTEST-50') }),
      ),
    );
    expect(Number((await git(['--git-dir', t.gitdir, 'rev-list', '--count', 'trunk'])).trim()) - after).toBe(20);
    for (const [i, testName] of names.entries()) {
      expect((await t.store.readDefinition(name(testName), { branch: 'trunk' }))!.revision).toBe(updates[i].revision);
    }
    await git(['--git-dir', t.gitdir, 'fsck', '--strict', '--no-dangling']);
  });

  it('lets exactly one of several same-base saves of one test win; the others are stale', async () => {
    const base = (await t.store.readDefinition(name('concurrent_a'), { branch: 'trunk' }))!.revision;
    const settled = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        t.store.updateTest({ testName: name('concurrent_a'), definition: { ...template, description: `racer ${i}` }, baseRevision: base, author: AUTHORS.erin, issueKey: key('PROTEST-51') }),
      ),
    );
    const won = settled.filter((s) => s.status === 'fulfilled');
    const lost = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(5);
    for (const l of lost) expect((l.reason as AppError).code).toBe('STALE_REVISION');
  });
});

describe('two processes and native git on the same bare repository', () => {
  it('loses no commit when another process writes concurrently', async () => {
    const before = Number((await git(['--git-dir', t.gitdir, 'rev-list', '--count', 'trunk'])).trim());
    const namesA = Array.from({ length: 12 }, (_, i) => `proc_a_${String.fromCharCode(97 + i)}`);
    const namesB = Array.from({ length: 12 }, (_, i) => `proc_b_${String.fromCharCode(97 + i)}`);
    const child = spawnWriterProcess({ gitdir: t.gitdir, testNames: namesB, template });
    await child.ready;
    child.go();
    const mine = await Promise.allSettled(
      namesA.map((testName) => t.store.createTest({ testName: name(testName), definition: template, author: AUTHORS.erin, issueKey: key('PROTEST-52') })),
    );
    const theirs = await child.result;
    expect(mine.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(theirs.filter((r) => r.error)).toEqual([]);
    const after = Number((await git(['--git-dir', t.gitdir, 'rev-list', '--count', 'trunk'])).trim());
    expect(after - before).toBe(24);
    expect(await trunkNames(t.gitdir)).toEqual(expect.arrayContaining([...namesA, ...namesB]));
    await git(['--git-dir', t.gitdir, 'fsck', '--strict', '--no-dangling']);
    // The other process's commits are in this store's index after a sync.
    await t.store.sync();
    for (const r of theirs) expect((await t.store.readDefinition(name(r.testName), { branch: 'trunk' }))!.revision).toBe(r.revision);
  }, 180_000);

  it('loses no commit when native git commit-tree/update-ref runs in parallel', async () => {
    const before = Number((await git(['--git-dir', t.gitdir, 'rev-list', '--count', 'trunk'])).trim());
    const nativeCommits: string[] = [];
    const native = async (i: number) => {
      const env = { GIT_INDEX_FILE: `${dir}/index-${i}` };
      for (;;) {
        const head = (await git(['--git-dir', t.gitdir, 'rev-parse', 'refs/heads/trunk'])).trim();
        await git(['--git-dir', t.gitdir, 'read-tree', head], { env });
        const blob = (await git(['--git-dir', t.gitdir, 'hash-object', '-w', '--stdin'], { input: `native ${i}\n` })).trim();
        await git(['--git-dir', t.gitdir, 'update-index', '--add', '--cacheinfo', `100644,${blob},notes/native-${i}.txt`], { env });
        const tree = (await git(['--git-dir', t.gitdir, 'write-tree'], { env })).trim();
        const commit = (await git(['--git-dir', t.gitdir, 'commit-tree', tree, '-p', head, '-m', `PROTEST-53: native ${i}`])).trim();
        try {
          await git(['--git-dir', t.gitdir, 'update-ref', 'refs/heads/trunk', commit, head]);
          nativeCommits.push(commit);
          return;
        } catch {
          // Lost the compare-and-swap: rebuild on the new head.
        }
      }
    };
    const names = Array.from({ length: 10 }, (_, i) => `with_native_${String.fromCharCode(97 + i)}`);
    const [storeResults] = await Promise.all([
      Promise.all(names.map((testName) => t.store.createTest({ testName: name(testName), definition: template, author: AUTHORS.erin, issueKey: key('PROTEST-53') }))),
      (async () => {
        for (let i = 0; i < 10; i += 2) await Promise.all([native(i), native(i + 1)]);
      })(),
    ]);
    const after = Number((await git(['--git-dir', t.gitdir, 'rev-list', '--count', 'trunk'])).trim());
    expect(after - before).toBe(20);
    const reachable = new Set((await git(['--git-dir', t.gitdir, 'rev-list', 'trunk'])).trim().split('\n'));
    for (const c of [...nativeCommits, ...storeResults.map((r) => r.revision)]) expect(reachable.has(c)).toBe(true);
    for (let i = 0; i < 10; i++) expect(await git(['--git-dir', t.gitdir, 'show', `trunk:notes/native-${i}.txt`])).toBe(`native ${i}\n`);
    await git(['--git-dir', t.gitdir, 'fsck', '--strict', '--no-dangling']);
  }, 120_000);
});
