/**
 * Issue #14, findings 1 and 2: no value can put a commit into the repository that `git fsck --strict` rejects, and a
 * repository that already holds one keeps working. Through the real services and a real store on a temporary bare
 * repository, checked with the native git CLI.
 */
import { serviceDepsOf } from '@/lib/services/service-adapters';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate } from '@/lib/auth/authenticate';
import { ensureAccounts } from '@/lib/auth/ensure-accounts';
import { createUser, updateUser } from '@/lib/auth/manage-users';
import type { AuthUser } from '@/lib/auth/user-view';
import { BuiltinIssueTracker } from '@/lib/issues/builtin-tracker';
import { promoteDefinition } from '@/lib/services/promote-definition';
import { createDefinition, deleteDefinition, revertDefinition, updateDefinition } from '@/lib/services/save-definition';
import type { Actor, ServiceDeps } from '@/lib/services/service-deps';
import type { DamagedCommit } from '@/lib/store/history-index';
import { caught } from '@/test/support/caught';
import { createTestDatabase } from '@/test/support/db';
import { AUTHORS, SEED_DIR, git, makeTempDir, openTestStore, removeDir, type TestStore } from '@/test/support/temp-repo';
import { key, name, rev } from '@/test/support/typed-values';

const erin: Actor = { username: 'erin', displayName: 'Erin Engineer', email: 'erin@example.com', role: 'editor' };
const rex: Actor = { username: 'rex', displayName: 'Rex Release', email: 'rex@example.com', role: 'releaser' };
const definition = JSON.parse(fs.readFileSync(path.join(SEED_DIR, 'test-definitions', 'checkout_button_color', 'definition.json'), 'utf8'));
const TEST = 'checkout_button_color';

let dir: string;
let t: TestStore;
let deps: ServiceDeps;
let issueKey: string;

const head = async (branch = 'trunk') => (await git(['--git-dir', t.gitdir, 'rev-parse', branch])).trim();
const fsckStrict = (gitdir = t.gitdir) => git(['--git-dir', gitdir, 'fsck', '--strict', '--no-dangling']);
const commitCount = async (gitdir = t.gitdir) =>
  (await git(['--git-dir', gitdir, 'cat-file', '--batch-all-objects', '--batch-check=%(objecttype)'])).split('\n').filter((type) => type === 'commit').length;

beforeAll(async () => {
  dir = await makeTempDir('proctor-git-safety-');
  t = await openTestStore(dir, { now: () => Date.UTC(2025, 5, 1, 12, 0, 0) });
  const tracker = new BuiltinIssueTracker(t.prisma, { publicUrl: 'http://studio.test' });
  deps = serviceDepsOf({ store: t.store, tracker, prisma: t.prisma, config: { publicUrl: 'http://studio.test' } });
  issueKey = (await tracker.createIssue({ summary: 'Hardening', type: 'ProTest' }, 'erin')).key;
});

afterAll(async () => {
  await t?.close();
  if (dir) await removeDir(dir);
});

describe('values that reach a commit are refused where they enter', () => {
  it('a NUL in a save comment is a 4xx, trunk does not move, no commit is written, fsck stays clean (finding 1)', async () => {
    const before = { trunk: await head(), commits: await commitCount() };
    const current = (await t.store.readDefinition(name(TEST), { branch: 'trunk' }))!;
    const changed = { ...definition, description: `${definition.description ?? ''} (NUL test)` };
    const error = await caught(updateDefinition(deps, erin, { name: TEST, definition: changed, baseRevision: current.revision, issueKey, comment: 'before\u0000after' }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toEqual([{ path: '/comment', message: expect.stringContaining('NUL') }]);
    expect(error.message).toMatch(/comment contains a NUL character .*remove/i);
    for (const save of [
      () => createDefinition(deps, erin, { name: 'nul_comment_tst', definition, issueKey, comment: '\u0000' }),
      () => deleteDefinition(deps, erin, { name: TEST, baseRevision: current.revision, issueKey, comment: 'x\u0000' }),
      () => revertDefinition(deps, erin, { name: TEST, toRevision: current.revision, baseRevision: current.revision, issueKey, comment: 'bell\u0007' }),
      () => promoteDefinition(deps, rex, { name: TEST, from: 'trunk', to: 'qa', issueKey, comment: 'a\u0000b' }),
    ]) {
      expect((await caught(save)).details[0].path).toBe('/comment');
    }
    expect(await head()).toBe(before.trunk);
    expect(await commitCount()).toBe(before.commits);
    await fsckStrict();
    // The same change with a plain comment saves.
    const saved = await updateDefinition(deps, erin, { name: TEST, definition: changed, baseRevision: current.revision, issueKey, comment: 'before after' });
    expect(saved.revision).toBe(await head());
  });

  it('the store refuses a NUL comment even when a caller skips the use case: no commit, trunk unchanged', async () => {
    const before = { trunk: await head(), commits: await commitCount() };
    const current = (await t.store.readDefinition(name(TEST), { branch: 'trunk' }))!;
    const changed = { ...definition, description: 'bypassing the edge' };
    const error = await caught(t.store.updateTest({ testName: name(TEST), definition: changed, baseRevision: current.revision, issueKey: key(issueKey), comment: 'before\u0000after', author: AUTHORS.erin }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.data?.fsck).toEqual(['nulInCommit']);
    expect(await head()).toBe(before.trunk);
    expect(await commitCount()).toBe(before.commits);
    await fsckStrict();
  });

  it.each([
    ['<>', 'name'],
    ['Eve <eve@example.com> 1 +0000\ncommitter Mallory', 'name'],
    ['Eve\nMallory', 'name'],
    ['eve@example.com>', 'email'],
    ['eve@example.com\nx', 'email'],
  ] as const)('the store refuses the author %j (%s) even when a caller skips the edge (finding 2)', async (value, field) => {
    const before = { trunk: await head(), commits: await commitCount() };
    const current = (await t.store.readDefinition(name(TEST), { branch: 'trunk' }))!;
    const author = { ...AUTHORS.erin, [field]: value };
    const error = await caught(t.store.updateTest({ testName: name(TEST), definition: { ...definition, description: `author ${field}` }, baseRevision: current.revision, issueKey: key(issueKey), author }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.map((d) => d.path)).toContain(`author.${field}`);
    expect(await head()).toBe(before.trunk);
    expect(await commitCount()).toBe(before.commits);
    await fsckStrict();
  });

  it('a save by an account whose stored display name or e-mail git cannot take is refused with the fix', async () => {
    const current = (await t.store.readDefinition(name(TEST), { branch: 'trunk' }))!;
    for (const actor of [
      { ...erin, displayName: 'Erin <erin@example.com>' },
      { ...erin, email: 'erin@example.com\ncommitter Mallory <m@x> 1 +0000' },
    ]) {
      const error = await caught(updateDefinition(deps, actor, { name: TEST, definition: { ...definition, description: 'stored name' }, baseRevision: current.revision, issueKey }));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.message).toMatch(/admin can correct it on the Users page/);
    }
    expect(await head()).toBe(current.commit);
  });
});

describe('accounts cannot be given names or e-mails git refuses', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const admin = { role: 'admin' } as AuthUser;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  it.each([
    ['displayName', '<>'],
    ['displayName', 'Eve\nMallory'],
    ['displayName', 'Eve\u0000'],
    ['email', 'eve@example.com>'],
    ['email', 'eve@example.com\ncommitter x'],
    ['email', 'eve @example.com'],
  ] as const)('createUser and updateUser refuse %s %j with VALIDATION_FAILED naming the field', async (field, value) => {
    const created = await caught(createUser({ prisma: db.prisma }, admin, { username: `u${Math.random().toString(36).slice(2, 8)}`, role: 'editor', [field]: value }));
    expect(created.code).toBe('VALIDATION_FAILED');
    expect(created.details[0].path).toBe(`/${field}`);
    await createUser({ prisma: db.prisma }, admin, { username: 'plain', role: 'editor' }).catch(() => undefined);
    const updated = await caught(updateUser({ prisma: db.prisma }, admin, { username: 'plain', [field]: value }));
    expect(updated.code).toBe('VALIDATION_FAILED');
    expect(updated.details[0].path).toBe(`/${field}`);
    expect((await db.prisma.user.findUnique({ where: { username: 'plain' } }))!.displayName).toBe('plain');
  });

  it('start-up accounts refuse a PROCTOR_ADMIN_USER git cannot take as an author', async () => {
    const error = await caught(ensureAccounts(db.prisma, { adminUser: 'root<x>', adminPassword: 'a long password', demoMode: false }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(/PROCTOR_ADMIN_USER/);
    expect(await db.prisma.user.findUnique({ where: { username: 'root<x>' } })).toBeNull();
  });

  it('the SSO header path refuses a user name with characters git or the database cannot take', async () => {
    const request = new Request('http://h/', { headers: { 'x-remote-user': 'rex<x>', 'x-proctor-peer-address': '127.0.0.1' } });
    const error = await caught(authenticate(db.prisma, request, { trustedUserHeader: 'x-remote-user', trustedProxies: ['127.0.0.1'] }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details[0].path).toBe('x-remote-user');
  });
});

describe('a repository that already holds commits fsck rejects', () => {
  /** Writes commits as an older version (or another tool) could have, with git's checks bypassed, onto `branch`. */
  async function writeDamagedCommits(gitdir: string): Promise<{ nul: string; ident: string }> {
    const run = (args: string[], input?: string) => git(['--git-dir', gitdir, ...args], input === undefined ? {} : { input });
    const edit = async (parent: string, description: string) => {
      const text = JSON.stringify({ ...definition, description }, null, 2);
      const blob = (await run(['hash-object', '-w', '--stdin'], text)).trim();
      const index = path.join(dir, `index-${Math.random().toString(36).slice(2)}`);
      const env = { GIT_INDEX_FILE: index };
      await git(['--git-dir', gitdir, 'read-tree', parent], { env });
      await git(['--git-dir', gitdir, 'update-index', '--cacheinfo', `100644,${blob},test-definitions/${TEST}/definition.json`], { env });
      return (await git(['--git-dir', gitdir, 'write-tree'], { env })).trim();
    };
    const literally = async (text: string) => {
      const file = path.join(dir, `commit-${Math.random().toString(36).slice(2)}`);
      await fs.promises.writeFile(file, text, 'utf8');
      return (await run(['hash-object', '-t', 'commit', '--literally', '-w', file])).trim();
    };
    const parent = (await run(['rev-parse', 'trunk'])).trim();
    const nul = await literally(
      `tree ${await edit(parent, 'nul')}\nparent ${parent}\nauthor Erin Engineer <erin@example.com> 1748779200 +0000\ncommitter Proctor Studio <proctor-studio@localhost> 1748779200 +0000\n\n${issueKey}: before\u0000after\n\nProctor-Test: ${TEST}\nProctor-Change: update\nProctor-Issue: ${issueKey}\n`,
    );
    const ident = await literally(
      `tree ${await edit(nul, 'ident')}\nparent ${nul}\nauthor <> 1748779300 +0000\ncommitter Proctor Studio <proctor-studio@localhost> 1748779300 +0000\n\n${issueKey}: malformed author\n`,
    );
    await run(['update-ref', 'refs/heads/trunk', ident, parent]);
    const report = await git(['--git-dir', gitdir, 'fsck', '--strict', '--no-dangling']).then(
      () => '',
      (error: Error) => error.message,
    );
    expect(report).toMatch(new RegExp(`${nul}: nulInCommit`));
    expect(report).toMatch(new RegExp(`${ident}: missingNameBeforeEmail`));
    return { nul, ident };
  }

  it('opens, indexes, lists, reads, saves on trunk and names the commits with the repair', async () => {
    const other = await makeTempDir('proctor-damaged-');
    const found: Array<DamagedCommit & { branch: string }> = [];
    try {
      // The history before the damage is indexed (as by an earlier run); the damaged commits arrive afterwards.
      const first = await openTestStore(other, { now: () => Date.UTC(2025, 5, 1, 12, 0, 0), onDamagedCommit: (commit) => found.push(commit) });
      const bad = await writeDamagedCommits(first.gitdir);
      await first.store.sync();
      expect(found.map((c) => c.revision)).toEqual([bad.nul, bad.ident]);
      await first.close();

      // A fresh start on that data folder (the index is rebuilt from git).
      found.length = 0;
      const second = await openTestStore(other, { now: () => Date.UTC(2025, 5, 1, 12, 0, 0), onDamagedCommit: (commit) => found.push(commit) });
      try {
        expect(found.map((c) => [c.branch, c.revision, c.problems.map((p) => p.id)])).toEqual([
          ['trunk', bad.nul, ['nulInCommit']],
          ['trunk', bad.ident, ['missingNameBeforeEmail']],
        ]);
        expect(found[0].notice).toMatch(new RegExp(`Commit ${bad.nul} on trunk would fail git fsck --strict.*Repair: rewrite trunk .*docs/repairing-history.md`));
        const status = second.store.indexStatus();
        expect(status.ready).toBe(true);
        expect(status.branches.find((b) => b.branch === 'trunk')!.damaged!.map((d) => d.revision)).toEqual([bad.nul, bad.ident]);

        const listed = await second.store.listDefinitions('trunk');
        expect(listed.find((d) => d.testName === TEST)!.revision).toBe(bad.ident);
        const read = (await second.store.readDefinition(name(TEST), { branch: 'trunk' }))!;
        expect(read.definition!.description).toBe('ident');
        const history = await second.store.history(name(TEST), 'trunk', { limit: 2 });
        expect(history.entries.map((e) => e.revision)).toEqual([bad.ident, bad.nul]);
        expect(history.entries[1].message).toBe(`${issueKey}: before\uFFFDafter\n\nProctor-Test: ${TEST}\nProctor-Change: update\nProctor-Issue: ${issueKey}\n`);

        const saved = await second.store.updateTest({ testName: name(TEST), definition: { ...definition, description: 'after the damage' }, baseRevision: rev(bad.ident), issueKey: key(issueKey), comment: 'saved', author: AUTHORS.erin });
        expect(saved.previousRevision).toBe(bad.ident);
        expect((await git(['--git-dir', second.gitdir, 'rev-parse', 'trunk'])).trim()).toBe(saved.revision);
        // The new commit itself is clean: fsck complains about the two old ones only.
        const report = await fsckStrict(second.gitdir).then(
          () => '',
          (error: Error) => error.message,
        );
        expect([...report.matchAll(/in commit ([0-9a-f]{40})/g)].map((m) => m[1]).sort()).toEqual([bad.nul, bad.ident].sort());
        const promoted = await second.store.promote({ testName: name(TEST), from: 'trunk', to: 'qa', sourceRevision: rev(bad.nul), expectedTargetRevision: (await second.store.liveRevisions(name(TEST))).qa.revision, author: AUTHORS.rex, issueKey: key(issueKey) });
        expect((await git(['--git-dir', second.gitdir, 'cat-file', 'commit', promoted.revision])).includes('\u0000')).toBe(false);
      } finally {
        await second.close();
      }
    } finally {
      await removeDir(other);
    }
    // Two stores opened, seeded and indexed one after the other: generous on a shared machine.
  }, 300_000);

  it('names the damaged commits again at every start, also when the index is already past them', async () => {
    const other = await makeTempDir('proctor-damaged-restart-');
    const db = await createTestDatabase();
    const found: string[] = [];
    try {
      const first = await openTestStore(other, { prisma: db.prisma, now: () => Date.UTC(2025, 5, 1, 12, 0, 0) });
      const bad = await writeDamagedCommits(first.gitdir);
      await first.store.sync();
      await first.close(); // the store, and the database openTestStore made and did not use (ours stays open)
      // A restart on the same database: nothing new to index, the damage is still there and must still be reported.
      const second = await openTestStore(other, { prisma: db.prisma, now: () => Date.UTC(2025, 5, 1, 12, 0, 0), onDamagedCommit: (commit) => found.push(commit.revision) });
      try {
        await second.store.history(name(TEST), 'trunk', { limit: 1 });
        expect(found).toEqual([bad.nul, bad.ident]);
        expect(second.store.indexStatus().branches.find((b) => b.branch === 'trunk')!.damaged!.map((d) => d.revision)).toEqual([bad.nul, bad.ident]);
      } finally {
        await second.close();
      }
    } finally {
      await db.close();
      await removeDir(other);
    }
  }, 300_000);
});
