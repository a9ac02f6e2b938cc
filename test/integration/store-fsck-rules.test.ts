/**
 * The store's object writer refuses what `git fsck --strict` rejects, rule by rule. Each row is checked three ways:
 * native git (the bytes written with `hash-object --literally`, then `git fsck --strict`) reports the rule; our mirror of
 * fsck (lib/store/fsck.ts) reports the same rule on the same bytes; and GitRepository refuses to write the object,
 * leaving the object database as it was.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { TreeEntry } from 'isomorphic-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitProblems, treeProblems } from '@/lib/store/fsck';
import { GitRepository, compareTreeEntries, renderCommit, type Signature } from '@/lib/store/repository';
import { caught } from '@/test/support/caught';
import { git, makeTempDir, removeDir } from '@/test/support/temp-repo';

let dir: string;
let repo: GitRepository;
let blob: string;
let tree: string;

/** The fsck message ids native git reports for the object `oid` of a repository. */
function fsckIds(gitdir: string, oid: string): Promise<string[]> {
  return new Promise((resolve) => {
    execFile('git', ['--git-dir', gitdir, 'fsck', '--strict', '--no-dangling'], { env: { ...process.env, HOME: dir, GIT_CONFIG_NOSYSTEM: '1' } }, (_error: Error | null, stdout: string, stderr: string) => {
      const ids = [...`${stdout}\n${stderr}`.matchAll(/(?:error|warning) in \w+ ([0-9a-f]{40}): (\w+):/g)].filter((m) => m[1] === oid).map((m) => m[2]);
      resolve(ids);
    });
  });
}

/** Writes `data` as an object of `type` into a fresh repository without git's checks; returns what fsck says of it. */
async function nativeVerdict(type: 'commit' | 'tree', data: Buffer): Promise<string[]> {
  const gitdir = await fs.promises.mkdtemp(path.join(dir, 'native-'));
  await git(['init', '--quiet', '--bare', gitdir]);
  const file = path.join(gitdir, 'object');
  await fs.promises.writeFile(file, data);
  const oid = (await git(['--git-dir', gitdir, 'hash-object', '-t', type, '--literally', '-w', file])).trim();
  return fsckIds(gitdir, oid);
}

async function objectFiles(gitdir: string): Promise<string[]> {
  const root = path.join(gitdir, 'objects');
  const names: string[] = [];
  for (const sub of await fs.promises.readdir(root)) {
    if (/^[0-9a-f]{2}$/.test(sub)) for (const file of await fs.promises.readdir(path.join(root, sub))) names.push(`${sub}${file}`);
  }
  return names.sort();
}

const when: Signature = { name: 'Erin Engineer', email: 'erin@example.com', timestamp: 1_700_000_000, timezoneOffset: 0 };

type CommitArgs = Parameters<GitRepository['writeCommit']>[0];

function commitArgs(change: { message?: string; author?: Partial<Signature>; committer?: Partial<Signature> }): CommitArgs {
  return { tree, parents: [], message: change.message ?? 'PROTEST-1: change\n', author: { ...when, ...change.author }, committer: { ...when, ...change.committer } };
}

/** Rules a caller of writeCommit can hit through the values it passes. */
const COMMIT_CASES: Array<{ rule: string; why: string; args: () => CommitArgs }> = [
  { rule: 'nulInCommit', why: 'a NUL in the message (issue #14)', args: () => commitArgs({ message: 'PROTEST-1: before\0after\n' }) },
  { rule: 'missingNameBeforeEmail', why: "a name that is '<>'", args: () => commitArgs({ author: { name: '<>' } }) },
  { rule: 'badName', why: "'>' in the name", args: () => commitArgs({ author: { name: 'Eve > Mallory' } }) },
  { rule: 'missingEmail', why: 'a line break in the name', args: () => commitArgs({ author: { name: 'Eve\nMallory' } }) },
  { rule: 'badEmail', why: "'<' in the e-mail", args: () => commitArgs({ author: { email: 'eve<mallory@example.com' } }) },
  { rule: 'missingSpaceBeforeDate', why: "'>' in the e-mail", args: () => commitArgs({ committer: { email: 'eve>x@example.com' } }) },
  { rule: 'badTimezone', why: 'a time zone of 100 hours', args: () => commitArgs({ author: { timezoneOffset: 6000 } }) },
  { rule: 'badDateOverflow', why: 'a date past what git can hold', args: () => commitArgs({ author: { timestamp: 1e20 } }) },
];

/** Rules no Signature can produce (the renderer adds the spaces and digits): our mirror must still agree with git. */
const RAW_COMMIT_CASES: Array<{ rule: string; text: () => string }> = [
  { rule: 'missingSpaceBeforeEmail', text: () => `tree ${tree}\nauthor Eve<e@x> 1 +0000\ncommitter Eve <e@x> 1 +0000\n\nm\n` },
  { rule: 'zeroPaddedDate', text: () => `tree ${tree}\nauthor Eve <e@x> 01 +0000\ncommitter Eve <e@x> 1 +0000\n\nm\n` },
  { rule: 'badDate', text: () => `tree ${tree}\nauthor Eve <e@x> x +0000\ncommitter Eve <e@x> 1 +0000\n\nm\n` },
  { rule: 'missingCommitter', text: () => `tree ${tree}\nauthor Eve <e@x> 1 +0000\n\nm\n` },
  { rule: 'multipleAuthors', text: () => `tree ${tree}\nauthor Eve <e@x> 1 +0000\nauthor Eve <e@x> 1 +0000\ncommitter Eve <e@x> 1 +0000\n\nm\n` },
  { rule: 'nulInHeader', text: () => `tree ${tree}\nauthor Eve\0 <e@x> 1 +0000\ncommitter Eve <e@x> 1 +0000\n\nm\n` },
];

const file = (name: string, mode = '100644', oid?: string): TreeEntry => ({ mode, path: name, oid: oid ?? blob, type: 'blob' });

/** Tree entries the writer is handed (in git's order), and the rule each breaks. */
const TREE_CASES: Array<{ rule: string; entries: () => TreeEntry[] }> = [
  // git 2.39 stops at the entry ("empty filename in tree entry") before its emptyName check.
  { rule: 'badTree', entries: () => [file('')] },
  { rule: 'fullPathname', entries: () => [file('test-definitions/x')] },
  { rule: 'hasDot', entries: () => [file('.')] },
  { rule: 'hasDotdot', entries: () => [file('..')] },
  { rule: 'hasDotgit', entries: () => [file('.git')] },
  { rule: 'hasDotgit', entries: () => [file('.GiT')] },
  { rule: 'hasDotgit', entries: () => [file('git~1')] },
  { rule: 'hasDotgit', entries: () => [file('.git\u200c')] },
  { rule: 'zeroPaddedFilemode', entries: () => [file('a', '0100644')] },
  { rule: 'badFilemode', entries: () => [file('a', '100664')] },
  { rule: 'nullSha1', entries: () => [file('a', '100644', '0'.repeat(40))] },
  { rule: 'duplicateEntries', entries: () => [file('a'), file('a')] },
  { rule: 'duplicateEntries', entries: () => [file('ax'), { mode: '040000', path: 'ax', oid: tree, type: 'tree' }] },
  { rule: 'gitmodulesSymlink', entries: () => [file('.GITMODULES', '120000')] },
  { rule: 'gitattributesSymlink', entries: () => [file('.gitattributes', '120000')] },
  { rule: 'gitignoreSymlink', entries: () => [file('.gitignore', '120000')] },
  { rule: 'mailmapSymlink', entries: () => [file('.mailmap', '120000')] },
];

/** A tree object's bytes exactly as given (no sorting, no mode rewriting), as a careless writer would produce them. */
function rawTree(entries: TreeEntry[]): Buffer {
  return Buffer.concat(entries.flatMap((e) => [Buffer.from(`${e.mode === '040000' ? '40000' : e.mode} ${e.path}\0`, 'utf8'), Buffer.from(e.oid, 'hex')]));
}

beforeAll(async () => {
  dir = await makeTempDir('proctor-fsck-');
  const gitdir = path.join(dir, 'store.git');
  repo = await GitRepository.initBare(gitdir, 'trunk');
  blob = await repo.writeBlobText('{ }');
  tree = await repo.writeTree([file('definition.json')]);
});

afterAll(async () => {
  repo?.close();
  if (dir) await removeDir(dir);
});

describe('commits the writer refuses', () => {
  it('writes an ordinary commit that git fsck --strict accepts', async () => {
    const oid = await repo.writeCommit(commitArgs({}));
    expect(await fsckIds(repo.gitdir, oid)).toEqual([]);
    expect(commitProblems(renderCommit(commitArgs({})))).toEqual([]);
  });

  it.each(COMMIT_CASES)('$rule: $why', async ({ rule, args }) => {
    const data = renderCommit(args());
    expect(await nativeVerdict('commit', data)).toContain(rule);
    expect(commitProblems(data).map((p) => p.id)).toContain(rule);
    const before = await objectFiles(repo.gitdir);
    const error = await caught(repo.writeCommit(args()));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(/git fsck --strict would reject .*Nothing was written/);
    expect(await objectFiles(repo.gitdir)).toEqual(before);
  });

  it.each(RAW_COMMIT_CASES)('$rule: our fsck mirror agrees with git', async ({ rule, text }) => {
    const data = Buffer.from(text(), 'utf8');
    expect(await nativeVerdict('commit', data)).toContain(rule);
    expect(commitProblems(data).map((p) => p.id)).toContain(rule);
  });

  it('refuses a line break that would forge a well-formed committer header (fsck alone would pass it)', async () => {
    const forged = commitArgs({ author: { name: 'Eve <eve@example.com> 1 +0000\ncommitter Mallory' } });
    expect(await nativeVerdict('commit', renderCommit(forged))).toEqual([]);
    const before = await objectFiles(repo.gitdir);
    const error = await caught(repo.writeCommit(forged));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.map((d) => d.path)).toEqual(['author.name']);
    expect(await objectFiles(repo.gitdir)).toEqual(before);
  });
});

describe('trees the writer refuses', () => {
  it.each(TREE_CASES)('$rule (case %#)', async ({ rule, entries }) => {
    expect(await nativeVerdict('tree', rawTree(entries()))).toContain(rule);
    expect(treeProblems(entries(), compareTreeEntries).map((p) => p.id)).toContain(rule);
    const before = await objectFiles(repo.gitdir);
    const error = await caught(repo.writeTree(entries()));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.data?.fsck).toContain(rule);
    expect(await objectFiles(repo.gitdir)).toEqual(before);
  });
});
