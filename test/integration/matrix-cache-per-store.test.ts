/**
 * The matrix cache belongs to a store (issue #15): two stores in one process, on two repositories, each get the matrix
 * of their own branch. When a store's newest head does not build, the last good matrix it serves is its own (found in
 * its branch's history), never the one another store built in the same process.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getEnvironmentMatrix, requireEnvironmentMatrix } from '@/lib/distribution/matrix-cache';
import { git, makeTempDir, openTestStore, removeDir, type TestStore } from '@/test/support/temp-repo';

let dir: string;
let a: TestStore;
let b: TestStore;

const head = async (t: TestStore) => (await git(['--git-dir', t.gitdir, 'rev-parse', 'trunk'])).trim();

/** Commits `files` (relative to the repository root) to trunk with native git in a clone, and pushes. */
async function commitOutsideTheApp(t: TestStore, work: string, files: Record<string, string>, message: string): Promise<string> {
  await git(['clone', '-q', '--branch', 'trunk', t.gitdir, work]);
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
    fs.writeFileSync(path.join(work, file), text);
  }
  await git(['add', '.'], { cwd: work });
  await git(['commit', '-q', '-m', message], { cwd: work });
  await git(['push', '-q', 'origin', 'trunk'], { cwd: work });
  return head(t);
}

beforeAll(async () => {
  dir = await makeTempDir('proctor-matrix-cache-');
  fs.mkdirSync(path.join(dir, 'a'));
  fs.mkdirSync(path.join(dir, 'b'));
  a = await openTestStore(path.join(dir, 'a'));
  b = await openTestStore(path.join(dir, 'b'));
}, 600_000);
afterAll(async () => {
  await a?.close();
  await b?.close();
  if (dir) await removeDir(dir);
});

describe('two stores in one process', () => {
  it('each serve their own matrix, also when one head fails and the last good one is served', async () => {
    const SEED_DEFINITION = 'test-definitions/checkout_button_color/definition.json';
    const text = await git(['--git-dir', a.gitdir, 'show', `trunk:${SEED_DEFINITION}`]);

    // A gets a test of its own; A's matrix is built first and is the one the process holds.
    const aHead = await commitOutsideTheApp(a, path.join(dir, 'work-a'), { 'test-definitions/only_in_a/definition.json': text }, 'a test only A has');
    const fromA = await getEnvironmentMatrix(a.store, 'trunk');
    expect(fromA.failure).toBeNull();
    expect(fromA.current?.revision).toBe(aHead);
    expect(Object.keys(fromA.current!.artifact.tests)).toContain('only_in_a');

    // B's newest head does not build: B serves its own last good matrix (its previous head), not A's.
    const bGood = await head(b);
    const bBad = await commitOutsideTheApp(b, path.join(dir, 'work-b'), { 'test-definitions/broken_in_b/definition.json': '{ "salt": ' }, 'an unreadable definition');
    const fromB = await getEnvironmentMatrix(b.store, 'trunk');
    expect(fromB.failure?.revision).toBe(bBad);
    expect(fromB.failure?.message).toContain('broken_in_b');
    expect(fromB.current?.revision).toBe(bGood);
    expect(Object.keys(fromB.current!.artifact.tests)).not.toContain('only_in_a');
    expect((await requireEnvironmentMatrix(b.store, 'trunk')).revision).toBe(bGood);

    // A is untouched by B's failure: same matrix, no failure, nothing rebuilt.
    const again = await getEnvironmentMatrix(a.store, 'trunk');
    expect(again.failure).toBeNull();
    expect(again.current).toBe(fromA.current);
  }, 600_000);
});
