/**
 * Trees the store writes are in git's own entry order: compareTreeEntries and writeTree against `git mktree` (which
 * sorts its input) on names built to hit the edge cases — a name that is a prefix of another, a tree whose implied
 * `/` sorts after `-` and `.` but before `0`, non-ASCII names, and characters on both sides of the UTF-16 surrogates
 * (where UTF-16 order and UTF-8 byte order part).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TreeEntry } from 'isomorphic-git';
import { GitRepository, compareTreeEntries } from '@/lib/store/repository';
import { git, makeTempDir, removeDir } from '../support/temp-repo';

let tmp: string;
let gitdir: string;

beforeAll(async () => {
  tmp = await makeTempDir('proctor-tree-order-');
  gitdir = path.join(tmp, 'repo.git');
  await git(['init', '-q', '--bare', gitdir]);
});

afterAll(() => removeDir(tmp));

const BASES = ['a', 'a-b', 'a.b', 'a0', 'ab', 'a_b', 'b', 'test', 'test_1', 'testA', 'é', 'e\u0301', '日本', '\uE000', '\uFFFD', '😀', '😀y', '\uFF5E'];

function oidOf(index: number): string {
  return createHash('sha1').update(String(index)).digest('hex');
}

/** Every base name as a file, and two trees named after it (`<name>_dir`, `<name>x`), plus the two entries below. */
function entries(): TreeEntry[] {
  const list: TreeEntry[] = [];
  BASES.forEach((name, i) => {
    list.push({ mode: '100644', path: name, oid: oidOf(i), type: 'blob' });
    list.push({ mode: '040000', path: `${name}_dir`, oid: oidOf(100 + i), type: 'tree' });
    list.push({ mode: '040000', path: `${name}x`, oid: oidOf(200 + i), type: 'tree' });
  });
  // A tree whose name is a prefix of a file's: `a-` sorts as `a-/`, before the file `a-b` ('/' < 'b'); and a file `a.`
  // that a plain string order and git's order place alike, next to the tree `a.bx`.
  list.push({ mode: '040000', path: 'a-', oid: oidOf(300), type: 'tree' });
  list.push({ mode: '100644', path: 'a.', oid: oidOf(301), type: 'blob' });
  return list;
}

function shuffled<T>(items: T[], seed: number): T[] {
  const copy = [...items];
  let state = seed;
  for (let i = copy.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

async function mktree(list: TreeEntry[]): Promise<{ oid: string; names: string[] }> {
  const input = list.map((e) => `${e.mode === '040000' ? '040000 tree' : '100644 blob'} ${e.oid}\t${e.path}\n`).join('');
  const oid = (await git(['--git-dir', gitdir, 'mktree', '--missing'], { input })).trim();
  const names = (await git(['--git-dir', gitdir, 'ls-tree', '-z', '--name-only', oid])).split('\0').filter(Boolean);
  return { oid, names };
}

describe("tree entries in git's order", () => {
  it('sorts like git mktree and writes the tree git writes, whatever order the entries come in', async () => {
    const list = entries();
    // A file and a tree of the same name cannot share a tree (fsck: duplicateEntries, so the writer refuses it); the list
    // above has none (hence `😀y`, not `😀x`, which is also the tree made from `😀`).
    const native = await mktree(list);
    // Written into a repository of its own, so the object read back below is ours, not mktree's.
    const ours = path.join(tmp, 'ours.git');
    await git(['init', '-q', '--bare', ours]);
    const repo = new GitRepository(ours);
    try {
      for (const seed of [1, 2, 3]) {
        const input = shuffled(list, seed);
        expect([...input].sort(compareTreeEntries).map((e) => e.path)).toEqual(native.names);
        expect(await repo.writeTree(input)).toBe(native.oid);
      }
    } finally {
      repo.close();
    }
    expect((await git(['--git-dir', ours, 'ls-tree', '-z', '--name-only', native.oid])).split('\0').filter(Boolean)).toEqual(native.names);
  });

  it('orders a tree and a file of the same name as git does (the file first)', () => {
    const file: TreeEntry = { mode: '100644', path: 'x', oid: oidOf(1), type: 'blob' };
    const tree: TreeEntry = { mode: '040000', path: 'x', oid: oidOf(2), type: 'tree' };
    expect(compareTreeEntries(file, tree)).toBeLessThan(0);
    expect(compareTreeEntries(tree, file)).toBeGreaterThan(0);
    expect(compareTreeEntries(tree, { ...tree })).toBe(0);
  });
});
