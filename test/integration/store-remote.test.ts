/**
 * The definition store against a real upstream: a bare repository served by `git http-backend` over HTTP on
 * 127.0.0.1, checked with the native git CLI.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@/lib/errors';
import type { TestDefinition } from '@/lib/proctor/model';
import { serializeDefinition } from '@/lib/proctor/serialize-definition';
import { startGitHttpServer, type GitHttpServer } from '../support/git-http-server';
import { AUTHORS, git, makeTempDir, openTestStore, removeDir, spawnWriterProcess, type TestStore } from '../support/temp-repo';
import { key, name, rev } from '@/test/support/typed-values';

let dir: string;
let server: GitHttpServer;
let upstream: string;
let a: TestStore;
let b: TestStore;
let template: TestDefinition;

async function count(ref: string): Promise<number> {
  return Number((await git(['--git-dir', upstream, 'rev-list', '--count', ref])).trim());
}

/** Someone else's commit pushed straight to upstream (plumbing on the served bare repository). */
async function pushForeignCommit(testName: string, description: string): Promise<string> {
  const head = (await git(['--git-dir', upstream, 'rev-parse', 'refs/heads/trunk'])).trim();
  const env = { GIT_INDEX_FILE: path.join(dir, `foreign-index-${testName}`) };
  await git(['--git-dir', upstream, 'read-tree', head], { env });
  const blob = (await git(['--git-dir', upstream, 'hash-object', '-w', '--stdin'], { input: serializeDefinition({ ...template, description }) })).trim();
  await git(['--git-dir', upstream, 'update-index', '--add', '--cacheinfo', `100644,${blob},test-definitions/${testName}/definition.json`], { env });
  const tree = (await git(['--git-dir', upstream, 'write-tree'], { env })).trim();
  const commit = (await git(['--git-dir', upstream, 'commit-tree', tree, '-p', head, '-m', `PROTEST-90: ${description}`])).trim();
  await git(['--git-dir', upstream, 'update-ref', 'refs/heads/trunk', commit, head]);
  return commit;
}

beforeAll(async () => {
  dir = await makeTempDir('proctor-remote-');
  server = await startGitHttpServer({ root: path.join(dir, 'upstream'), username: 'proctor', password: 's3cret' });
  upstream = await server.createRepository('proctor-data.git');
  const remote = { url: server.url('proctor-data.git'), username: 'proctor', password: 's3cret' };
  a = await openTestStore(path.join(dir, 'a'), { remote });
  b = await openTestStore(path.join(dir, 'b'), { remote });
  template = (await a.store.listDefinitions('trunk'))[0].definition!;
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  await server?.close();
  await removeDir(dir);
});

describe('an empty upstream', () => {
  it('is seeded by the first store and cloned by the second', async () => {
    const branches = (await git(['--git-dir', upstream, 'for-each-ref', '--format=%(refname:short)', 'refs/heads'])).trim().split('\n').sort();
    expect(branches).toEqual(['production', 'qa', 'trunk']);
    for (const env of ['trunk', 'qa', 'production'] as const) {
      const head = (await git(['--git-dir', upstream, 'rev-parse', env])).trim();
      expect(await a.store.head(env)).toBe(head);
      expect(await b.store.head(env)).toBe(head);
    }
    await git(['--git-dir', upstream, 'fsck', '--strict', '--no-dangling']);
    expect((await b.store.listDefinitions('trunk')).map((d) => d.testName)).toEqual((await a.store.listDefinitions('trunk')).map((d) => d.testName));
  });

  it('refuses wrong credentials with UPSTREAM_REJECTED', async () => {
    const other = await makeTempDir();
    try {
      await expect(openTestStore(other, { remote: { url: server.url('proctor-data.git'), username: 'proctor', password: 'wrong' } })).rejects.toMatchObject({
        code: 'UPSTREAM_REJECTED',
      });
    } finally {
      await removeDir(other);
    }
  });
});

describe('writes push to upstream', () => {
  it('pushes a save, and rebuilds on a moved upstream when the test did not change there', async () => {
    const created = await a.store.createTest({ testName: name('remote_one'), definition: template, author: AUTHORS.erin, issueKey: key('PROTEST-80') });
    expect((await git(['--git-dir', upstream, 'rev-parse', 'trunk'])).trim()).toBe(created.revision);
    expect((await git(['--git-dir', upstream, 'log', '-1', '--format=%an|%s', 'trunk'])).trim()).toBe('Erin Engineer|PROTEST-80: Creating A/B test remote_one');

    // b has not fetched a's commit; its save of another test must land on top of it, not replace it.
    const other = await b.store.createTest({ testName: name('remote_two'), definition: template, author: AUTHORS.priya, issueKey: key('PROTEST-81') });
    const parents = (await git(['--git-dir', upstream, 'show', '-s', '--format=%P', other.revision])).trim();
    expect(parents).toBe(created.revision);

    // Same test, same base, from the two stores: the second is stale.
    await a.store.updateTest({ testName: name('remote_one'), definition: { ...template, description: 'from a' }, baseRevision: created.revision, author: AUTHORS.erin, issueKey: key('PROTEST-80') });
    await expect(
      b.store.updateTest({ testName: name('remote_one'), definition: { ...template, description: 'from b' }, baseRevision: created.revision, author: AUTHORS.priya, issueKey: key('PROTEST-80') }),
    ).rejects.toMatchObject({ code: 'STALE_REVISION' });
    await git(['--git-dir', upstream, 'fsck', '--strict', '--no-dangling']);
  });

  it('indexes commits pushed to upstream by someone else after a sync', async () => {
    const commit = await pushForeignCommit('remote_one', 'Edited by a colleague with plain git');
    await a.store.sync();
    const { entries } = await a.store.history(name('remote_one'), 'trunk', { limit: 2 });
    expect(entries[0]).toMatchObject({ revision: commit, authorName: 'Native Nora', issueKey: key('PROTEST-90'), changeKind: 'update' });
    const read = await a.store.readDefinition(name('remote_one'), { branch: 'trunk' });
    expect(read!.definition!.description).toBe('Edited by a colleague with plain git');
    // A save from a base older than that commit is stale.
    await expect(
      b.store.updateTest({ testName: name('remote_one'), definition: { ...template, description: 'late' }, baseRevision: rev(entries[1].revision), author: AUTHORS.erin, issueKey: key('PROTEST-80') }),
    ).rejects.toMatchObject({ code: 'STALE_REVISION' });
  });

  it('lands 20 concurrent saves to different tests', async () => {
    const before = await count('trunk');
    const names = Array.from({ length: 20 }, (_, i) => `remote_many_${String.fromCharCode(97 + i)}`);
    const results = await Promise.allSettled(
      names.map((testName, i) => (i % 2 ? a : b).store.createTest({ testName: name(testName), definition: template, author: AUTHORS.erin, issueKey: key('PROTEST-82') })),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect((await count('trunk')) - before).toBe(20);
    const tree = await git(['--git-dir', upstream, 'ls-tree', '--name-only', 'trunk', 'test-definitions/']);
    for (const name of names) expect(tree).toContain(`test-definitions/${name}`);
  });

  it('promotes through upstream', async () => {
    const trunkRevision = (await a.store.readDefinition(name('remote_two'), { branch: 'trunk' }))!.revision;
    const promoted = await a.store.promote({ testName: name('remote_two'), from: 'trunk', to: 'qa', sourceRevision: trunkRevision, expectedTargetRevision: null, author: AUTHORS.rex, issueKey: key('PROTEST-81') });
    expect((await git(['--git-dir', upstream, 'rev-parse', 'qa'])).trim()).toBe(promoted.revision);
    expect((await git(['--git-dir', upstream, 'log', '-1', '--format=%s', 'qa'])).trim()).toBe(`Promoting remote_two (trunk r${trunkRevision}) to qa`);
  });

  it('fails with UPSTREAM_UNAVAILABLE when upstream is down, leaving nothing half-done', async () => {
    const upstreamHead = (await git(['--git-dir', upstream, 'rev-parse', 'trunk'])).trim();
    await a.store.sync();
    const localHead = await a.store.head('trunk');
    const base = (await a.store.readDefinition(name('remote_two'), { branch: 'trunk' }))!.revision;
    await server.pause();
    try {
      const error = await a.store
        .updateTest({ testName: name('remote_two'), definition: { ...template, description: 'offline' }, baseRevision: base, author: AUTHORS.erin, issueKey: key('PROTEST-81') })
        .then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('UPSTREAM_UNAVAILABLE');
      await expect(a.store.sync()).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
      expect(await a.store.head('trunk')).toBe(localHead);
      // Reads keep working from the local clone.
      expect((await a.store.readDefinition(name('remote_two'), { branch: 'trunk' }))!.revision).toBe(base);
    } finally {
      await server.resume();
    }
    expect((await git(['--git-dir', upstream, 'rev-parse', 'trunk'])).trim()).toBe(upstreamHead);
    const saved = await a.store.updateTest({ testName: name('remote_two'), definition: { ...template, description: 'online again' }, baseRevision: base, author: AUTHORS.erin, issueKey: key('PROTEST-81') });
    expect((await git(['--git-dir', upstream, 'rev-parse', 'trunk'])).trim()).toBe(saved.revision);
  });
});

describe('two processes on one upstream', () => {
  it('loses no commit when two store processes write concurrently', async () => {
    const before = await count('trunk');
    const namesA = Array.from({ length: 8 }, (_, i) => `two_proc_a_${String.fromCharCode(97 + i)}`);
    const namesB = Array.from({ length: 8 }, (_, i) => `two_proc_b_${String.fromCharCode(97 + i)}`);
    const url = server.url('proctor-data.git', { withCredentials: true });
    const childA = spawnWriterProcess({ gitdir: path.join(dir, 'child-a', 'proctor-data.git'), remoteUrl: url, testNames: namesA, template });
    const childB = spawnWriterProcess({ gitdir: path.join(dir, 'child-b', 'proctor-data.git'), remoteUrl: url, testNames: namesB, template });
    await Promise.all([childA.ready, childB.ready]);
    childA.go();
    childB.go();
    const [ra, rb] = await Promise.all([childA.result, childB.result]);
    expect([...ra, ...rb].filter((r) => r.error)).toEqual([]);
    expect((await count('trunk')) - before).toBe(16);
    const reachable = new Set((await git(['--git-dir', upstream, 'rev-list', 'trunk'])).trim().split('\n'));
    for (const r of [...ra, ...rb]) expect(reachable.has(r.revision!)).toBe(true);
    await git(['--git-dir', upstream, 'fsck', '--strict', '--no-dangling']);
    await a.store.sync();
    for (const r of [...ra, ...rb]) expect((await a.store.readDefinition(name(r.testName), { branch: 'trunk' }))!.revision).toBe(r.revision);
  }, 240_000);
});
