/**
 * Turns across instances (lib/db/turns.ts) on a real PostgreSQL server: two instances' work on one key never overlaps
 * and runs in the order asked, and two definition stores sharing the database and an upstream write a branch in turns,
 * so that a burst of saves over both lands every save at its first attempt (without turns, the store that has just
 * pushed wins the races against the one that must fetch first).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db/client';
import { openDefinitionStore, type DefinitionStore } from '@/lib/store';
import type { TestDefinition } from '@/lib/proctor/model';
import { createTestDatabase, openAnotherInstance } from '@/test/support/db';
import { startGitHttpServer, type GitHttpServer } from '@/test/support/git-http-server';
import { AUTHORS, BRANCHES, COMMITTER, git, makeTempDir, removeDir, SEED_DIR } from '@/test/support/temp-repo';
import { key, name } from '@/test/support/typed-values';

let first: Database;
let second: Database;
let dir: string;
let server: GitHttpServer;

beforeAll(async () => {
  first = await createTestDatabase();
  second = await openAnotherInstance(first);
  dir = await makeTempDir('proctor-turns-');
  server = await startGitHttpServer({ root: path.join(dir, 'upstream') });
});
afterAll(async () => {
  await second?.close();
  await first?.close();
  await server?.close();
  if (dir) await removeDir(dir);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('turns', () => {
  it("run one key's work one at a time over two instances, in the order asked; another key does not wait", async () => {
    expect(first.kind).toBe('postgres');
    const log: string[] = [];
    const work = (who: string, ms: number) => async () => {
      log.push(`${who} start`);
      await sleep(ms);
      log.push(`${who} end`);
      return who;
    };
    const a = first.turns!.take('k', work('a', 300));
    await sleep(50);
    const b = second.turns!.take('k', work('b', 10));
    await sleep(50);
    const c = first.turns!.take('k', work('c', 10));
    const other = second.turns!.take('other', work('other', 10));
    expect(await Promise.all([a, b, c, other])).toEqual(['a', 'b', 'c', 'other']);
    const keyed = log.filter((line) => !line.startsWith('other'));
    expect(keyed).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
    // 'other' ran while a held the turn of 'k'.
    expect(log.indexOf('other end')).toBeLessThan(log.indexOf('a end'));
  });

  it('release the turn when the work fails, and hand it on', async () => {
    await expect(first.turns!.take('k', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const waited = await Promise.race([second.turns!.take('k', async () => 'next'), sleep(10_000).then(() => 'still waiting')]);
    expect(waited).toBe('next');
  });
});

describe('two definition stores on one database and one upstream', () => {
  let stores: DefinitionStore[] = [];
  afterAll(async () => {
    for (const store of stores) await store.close();
  });

  it('land a burst of 20 saves over both, each at its first attempt', async () => {
    await server.createRepository('burst.git');
    const open = (database: Database, folder: string) =>
      openDefinitionStore({
        gitdir: path.join(dir, folder, 'proctor-data.git'),
        prisma: database.prisma,
        branches: BRANCHES,
        testDefinitionsDirectory: 'test-definitions',
        committer: COMMITTER,
        seedDir: SEED_DIR,
        remote: { url: server.url('burst.git') },
        fetchIntervalSeconds: 0,
        gcIntervalHours: 0,
        // One attempt: a save that had to retry fails, so a lost race shows.
        maxWriteAttempts: 1,
        writeTurns: database.turns,
      });
    stores = [await open(first, 'a')];
    stores.push(await open(second, 'b'));
    const template: TestDefinition = (await stores[0].listDefinitions('trunk'))[0].definition!;
    const upstream = path.join(dir, 'upstream', 'burst.git');
    const count = async () => Number((await git(['--git-dir', upstream, 'rev-list', '--count', 'trunk'])).trim());
    const before = await count();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        stores[i % 2].createTest({ testName: name(`turns_burst_${i}`), definition: { ...template, description: `burst ${i}` }, author: AUTHORS.erin, issueKey: key('PROTEST-82') }),
      ),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => String((outcome as PromiseRejectedResult).reason))).toEqual([]);
    expect((await count()) - before).toBe(20);
    await git(['--git-dir', upstream, 'fsck', '--strict', '--no-dangling']);
  }, 180_000);
});
