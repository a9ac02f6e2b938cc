/**
 * Two instances (two clones, A and B) of one upstream served over HTTP by `git http-backend`, sharing one history
 * index (one database), as several app instances behind a load balancer do (issue #22, item 4): B lists a revision A
 * made the moment A indexed it, and must be able to show it at once — fetched on demand, not at B's next periodic
 * fetch — with a history pager whose total agrees with its page.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDefinition } from '@/lib/proctor/model';
import { startGitHttpServer, type GitHttpServer } from '../support/git-http-server';
import { AUTHORS, git, makeTempDir, openTestStore, removeDir, type TestStore } from '../support/temp-repo';
import { caught } from '../support/caught';
import { key, name, rev } from '@/test/support/typed-values';

let dir: string;
let server: GitHttpServer;
let upstream: string;
let a: TestStore;
let b: TestStore;
let template: TestDefinition;
const testName = name('shared_index_tst');

async function saveOnA(description: string, baseRevision: string | null): Promise<string> {
  const definition = { ...template, description };
  const written = baseRevision
    ? await a.store.updateTest({ testName, definition, baseRevision: rev(baseRevision), author: AUTHORS.erin, issueKey: key('PROTEST-22') })
    : await a.store.createTest({ testName, definition, author: AUTHORS.erin, issueKey: key('PROTEST-22') });
  return written.revision;
}

const bHasObject = async (revision: string) =>
  git(['--git-dir', b.gitdir, 'cat-file', '-e', `${revision}^{commit}`]).then(
    () => true,
    () => false,
  );

beforeAll(async () => {
  dir = await makeTempDir('proctor-shared-index-');
  server = await startGitHttpServer({ root: path.join(dir, 'upstream') });
  upstream = await server.createRepository('proctor-data.git');
  const remote = { url: server.url('proctor-data.git') };
  a = await openTestStore(path.join(dir, 'a'), { remote });
  // B: its own clone, A's database (the history index both instances share).
  b = await openTestStore(path.join(dir, 'b'), { remote, prisma: a.prisma });
  template = (await a.store.listDefinitions('trunk'))[0].definition!;
});

afterAll(async () => {
  await b?.close();
  await a?.close();
  await server?.close();
  if (dir) await removeDir(dir);
});

describe('a revision made on A, opened on B at once', () => {
  it('B reads it (definition, metadata, commit, diff) without waiting for its periodic fetch; the pager agrees with its page', async () => {
    let revision = await saveOnA('one', null);
    for (const description of ['two', 'three', 'four', 'five']) revision = await saveOnA(description, revision);
    await b.store.sync(); // B knows the five changes (its in-memory count says 5)
    expect((await b.store.history(testName, 'trunk')).total).toBe(5);

    const sixth = await saveOnA('six', revision);
    expect((await git(['--git-dir', upstream, 'rev-parse', 'trunk'])).trim()).toBe(sixth);
    expect(await bHasObject(sixth)).toBe(false); // B has not fetched: fetchIntervalSeconds is 0

    // B lists it straight away (the index is shared) and counts it.
    const listed = await b.store.history(testName, 'trunk');
    expect(listed.entries.map((e) => e.revision)[0]).toBe(sixth);
    expect(listed.total).toBe(listed.entries.length);
    expect(listed.total).toBe(6);
    const lastPage = await b.store.history(testName, 'trunk', { limit: 4, offset: 4 });
    expect({ shown: lastPage.entries.length, total: lastPage.total }).toEqual({ shown: 2, total: 6 });
    const firstPage = await b.store.history(testName, 'trunk', { limit: 4, offset: 0 });
    expect({ shown: firstPage.entries.length, total: firstPage.total }).toEqual({ shown: 4, total: 6 });

    // …and opens it.
    const read = await b.store.readDefinition(testName, { revision: rev(sixth) });
    expect(read).toMatchObject({ revision: sixth, commit: sixth });
    expect(read!.definition!.description).toBe('six');
    expect(await bHasObject(sixth)).toBe(true);
    expect((await b.store.commitSummary(rev(sixth))).parent).toBe(revision);
    const diff = await b.store.diff(testName, { revision: rev(revision) }, { revision: rev(sixth) });
    expect(diff.changes.length).toBeGreaterThan(0);
    await git(['--git-dir', b.gitdir, 'fsck', '--no-dangling']);
  });

  it('concurrent reads of a new revision share one fetch', async () => {
    const base = (await a.store.readDefinition(testName, { branch: 'trunk' }))!.revision;
    const seventh = await saveOnA('seven', base);
    const before = server.requests;
    await b.store.readDefinition(testName, { revision: rev(seventh) });
    const oneReader = server.requests - before;
    expect(oneReader).toBeGreaterThan(0); // it did go to the upstream

    const eighth = await saveOnA('eight', seventh);
    const start = server.requests;
    const reads = await Promise.all(Array.from({ length: 6 }, () => b.store.readDefinition(testName, { revision: rev(eighth) })));
    expect(reads.map((r) => r!.definition!.description)).toEqual(Array(6).fill('eight'));
    expect(server.requests - start).toBe(oneReader);
  });

  it('a revision no branch indexed is NOT_FOUND without asking the upstream', async () => {
    const before = server.requests;
    const error = await caught(() => b.store.readDefinition(testName, { revision: rev('0123456789abcdef0123456789abcdef01234567') }));
    expect(error.code).toBe('NOT_FOUND');
    expect(server.requests).toBe(before);
  });

  it('an upstream that cannot be reached: the indexed revision is reported as not fetched yet (503), not as missing', async () => {
    const base = (await a.store.readDefinition(testName, { branch: 'trunk' }))!.revision;
    const ninth = await saveOnA('nine', base);
    await server.pause();
    try {
      const error = await caught(() => b.store.readDefinition(testName, { revision: rev(ninth) }));
      expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(error.message).toContain(`Revision ${ninth.slice(0, 7)} is in the history of trunk but not yet in this server's copy of the repository`);
    } finally {
      await server.resume();
    }
    expect((await b.store.readDefinition(testName, { revision: rev(ninth) }))!.definition!.description).toBe('nine');
  });
});
