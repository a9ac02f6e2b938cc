/**
 * The definition store on a local bare repository (no upstream), cross-checked with the native git CLI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@/lib/errors';
import { parseDefinition } from '@/lib/proctor/parse-definition';
import { serializeDefinition } from '@/lib/proctor/serialize-definition';
import { planSeedHistory, seedIssues } from '@/lib/store';
import { AUTHORS, SEED_DIR, git, makeTempDir, openTestStore, removeDir, type TestStore } from '../support/temp-repo';
import { key, name, rev } from '@/test/support/typed-values';
import { parsePromotion } from '@/lib/domain/environment';
import { parseIssueKey } from '@/lib/domain/issue-key';
import { parseRevision } from '@/lib/domain/revision';
import { parseExistingTestName, parseNewTestName } from '@/lib/domain/test-name';

/** The AppError code `fn` throws, or null. */
function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (error) {
    return error instanceof AppError ? error.code : String(error);
  }
}

let dir: string;
let t: TestStore;

async function expectAppError(promise: Promise<unknown>, code: string): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe(code);
    return error as AppError;
  }
  throw new Error(`expected ${code}, but the call succeeded`);
}

beforeAll(async () => {
  dir = await makeTempDir();
  t = await openTestStore(dir, { now: () => Date.UTC(2025, 5, 1, 12, 0, 0) });
});

afterAll(async () => {
  await t?.close();
  await removeDir(dir);
});

describe('seeded repository', () => {
  it('is an ordinary bare git repository with trunk, qa and production that passes fsck --strict', async () => {
    const branches = (await git(['--git-dir', t.gitdir, 'for-each-ref', '--format=%(refname:short)', 'refs/heads'])).trim().split('\n').sort();
    expect(branches).toEqual(['production', 'qa', 'trunk']);
    await git(['--git-dir', t.gitdir, 'fsck', '--strict', '--no-dangling']);
    expect((await git(['--git-dir', t.gitdir, 'symbolic-ref', 'HEAD'])).trim()).toBe('refs/heads/trunk');
  });

  it('has every seed test on trunk with Proctor layout, and a history by demo users with issue keys', async () => {
    const seedNames = (await git(['ls-files'], { cwd: SEED_DIR })).split('\n').filter((f) => f.endsWith('/definition.json')).map((f) => f.split('/')[1]).sort();
    const listed = (await git(['--git-dir', t.gitdir, 'ls-tree', '--name-only', 'trunk', 'test-definitions/'])).trim().split('\n').map((p) => p.split('/')[1]);
    expect(listed.sort()).toEqual(seedNames);
    for (const name of seedNames) {
      const files = (await git(['--git-dir', t.gitdir, 'ls-tree', '--name-only', `trunk:test-definitions/${name}`])).trim().split('\n');
      expect(files).toEqual(['definition.json', 'metadata.json']);
      expect(await git(['--git-dir', t.gitdir, 'show', `trunk:test-definitions/${name}/metadata.json`])).toBe('{ }');
    }
    const log = await git(['--git-dir', t.gitdir, 'log', '--format=%an <%ae>|%cn|%s', 'trunk']);
    const lines = log.trim().split('\n');
    expect(lines.length).toBeGreaterThan(seedNames.length);
    expect(new Set(lines.map((l) => l.split('|')[0])).size).toBeGreaterThan(1);
    for (const line of lines) {
      expect(line.split('|')[1]).toBe('Proctor Studio');
      expect(line.split('|')[2]).toMatch(/^PROTEST-\d+: /);
    }
  });

  it('is deterministic: seeding again gives the same commit ids', async () => {
    const other = await makeTempDir();
    try {
      const second = await openTestStore(other, { now: () => 0 });
      for (const env of ['trunk', 'qa', 'production'] as const) expect(await second.store.head(env)).toBe(await t.store.head(env));
      await second.close();
    } finally {
      await removeDir(other);
    }
  });

  it('exports the seeded issue keys matching where each test is', async () => {
    const issues = await seedIssues(SEED_DIR);
    const drift = await t.store.drift();
    const plan = planSeedHistory(drift.map((d) => d.testName));
    expect(issues).toEqual(plan.issues);
    for (const issue of issues.filter((i) => i.status === 'In Production')) {
      expect(drift.find((d) => d.testName === issue.testName)!.production.state).not.toBe('none');
    }
    for (const issue of issues.filter((i) => i.status === 'In Progress')) {
      const d = drift.find((x) => x.testName === issue.testName)!;
      expect(d.qa.state).toBe('none');
      expect(d.production.state).toBe('none');
    }
    // Some tests are current everywhere, one has a newer trunk revision than production, some are not promoted yet.
    expect(drift.some((d) => d.production.state === 'current')).toBe(true);
    expect(drift.some((d) => d.production.state === 'older')).toBe(true);
    expect(drift.some((d) => d.qa.state === 'none')).toBe(true);
  });
});

describe('reads', () => {
  it('lists definitions with the revision that last changed them, agreeing with git log', async () => {
    for (const env of ['trunk', 'qa', 'production'] as const) {
      const listed = await t.store.listDefinitions(env);
      for (const entry of listed) {
        const last = (await git(['--git-dir', t.gitdir, 'log', '-1', '--format=%H', env, '--', `test-definitions/${entry.testName}/definition.json`])).trim();
        expect(entry.revision).toBe(last);
        expect(entry.text).toBe(await git(['--git-dir', t.gitdir, 'show', `${env}:test-definitions/${entry.testName}/definition.json`]));
        expect(entry.definition).toEqual(parseDefinition(entry.text));
      }
    }
  });

  it('reads one definition at a branch and at a revision; absent tests are null', async () => {
    const [first] = await t.store.listDefinitions('trunk');
    const atBranch = await t.store.readDefinition(name(first.testName), { branch: 'trunk' });
    expect(atBranch).toMatchObject({ testName: first.testName, branch: 'trunk', revision: first.revision, text: first.text });
    expect(atBranch!.commit).toBe(await t.store.head('trunk'));
    const atRevision = await t.store.readDefinition(name(first.testName), { revision: first.revision! });
    expect(atRevision).toMatchObject({ revision: first.revision, commit: first.revision, text: first.text });
    expect(await t.store.readDefinition(name('no_such_test'), { branch: 'trunk' })).toBeNull();
    expect(await t.store.readMetadata(name(first.testName), { branch: 'trunk' })).toEqual({});
    await expectAppError(t.store.readDefinition(name(first.testName), { revision: rev('f'.repeat(40)) }), 'NOT_FOUND');
    // A traversal-shaped name or a revision expression never reaches the store: the parsers at the use case's edge
    // (lib/domain) refuse them, and the store's methods take only the parsed values.
    expect(codeOf(() => parseExistingTestName('../etc'))).toBe('BAD_REQUEST');
    expect(codeOf(() => parseRevision('HEAD~1'))).toBe('BAD_REQUEST');
  });

  it('answers history from the index, newest first, like git log -- path', async () => {
    for (const entry of await t.store.listDefinitions('trunk')) {
      const { entries, total } = await t.store.history(name(entry.testName), 'trunk', { limit: 100 });
      const native = (await git(['--git-dir', t.gitdir, 'log', '--format=%H', 'trunk', '--', `test-definitions/${entry.testName}/definition.json`])).trim().split('\n');
      expect(entries.map((e) => e.revision)).toEqual(native);
      expect(total).toBe(native.length);
      expect(entries[entries.length - 1].changeKind).toBe('create');
      expect(entries.every((e) => /^PROTEST-\d+$/.test(e.issueKey ?? ''))).toBe(true);
    }
    const [first] = await t.store.listDefinitions('trunk');
    const page = await t.store.history(name(first.testName), 'trunk', { limit: 1, offset: 1 });
    expect(page.entries).toHaveLength(Math.min(1, page.total - 1));
  });

  it('indexes each commit with its author, dates, message and parents exactly as git has them', async () => {
    for (const env of ['trunk', 'qa', 'production'] as const) {
      const rows = await t.prisma.historyEntry.findMany({ where: { branch: env }, orderBy: { seq: 'asc' } });
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        const [an, ae, at, ct, parents, ...body] = (await git(['--git-dir', t.gitdir, 'show', '-s', '--format=%an%n%ae%n%at%n%ct%n%P%n%B', row.revision])).split('\n');
        expect({ ...row, authoredAt: row.authoredAt.getTime(), committedAt: row.committedAt.getTime(), message: row.message.trimEnd() }).toMatchObject({
          authorName: an,
          authorEmail: ae,
          authoredAt: Number(at) * 1000,
          committedAt: Number(ct) * 1000,
          parentRevision: parents.split(' ')[0] || null,
          message: body.join('\n').trimEnd(),
        });
      }
      const commits = await t.prisma.indexedCommit.findMany({ where: { branch: env }, orderBy: { seq: 'asc' } });
      const native = (await git(['--git-dir', t.gitdir, 'log', '--first-parent', '--reverse', '--format=%H %P', env])).trim().split('\n').map((line) => line.trim());
      expect(commits.map((c) => [c.revision, ...c.parents].join(' '))).toEqual(native);
    }
  });

  it('knows which trunk revision is live in qa and production', async () => {
    const drift = await t.store.drift();
    const promoted = drift.find((d) => d.production.state !== 'none')!;
    const live = await t.store.liveRevisions(name(promoted.testName));
    expect(live.production.sourceTrunkRevision).toBe(promoted.production.sourceTrunkRevision);
    const prodDef = await t.store.readDefinition(name(promoted.testName), { branch: 'production' });
    expect(prodDef!.definition!.version).toBe(live.production.sourceTrunkRevision);
    expect(live.production.revision).toBe(prodDef!.revision);
    // The version is a trunk commit that holds the same definition apart from `version`.
    const atTrunk = await t.store.readDefinition(name(promoted.testName), { revision: rev(live.production.sourceTrunkRevision!) });
    expect(serializeDefinition({ ...atTrunk!.definition!, version: live.production.sourceTrunkRevision ?? null })).toBe(prodDef!.text);
  });
});

describe('writes on trunk', () => {
  const author = AUTHORS.erin;

  it('creates, updates, reverts and deletes a test, each as one commit with trailers, checked with git', async () => {
    const [template] = await t.store.listDefinitions('trunk');
    const definition = { ...template.definition!, description: 'A brand new test' };
    const created = await t.store.createTest({ testName: name('brand_new_test'), definition, author, issueKey: key('PROTEST-100'), comment: 'Add brand new test' });
    expect(created.previousRevision).toBeNull();
    const show = await git(['--git-dir', t.gitdir, 'show', '-s', '--format=%an|%ae|%cn|%ce|%B', created.revision]);
    const [an, ae, cn, ce, body] = show.split('|');
    expect([an, ae, cn, ce]).toEqual(['Erin Engineer', 'erin@example.com', 'Proctor Studio', 'proctor-studio@localhost']);
    expect(body.trim()).toBe('PROTEST-100: Add brand new test\n\nProctor-Test: brand_new_test\nProctor-Change: create\nProctor-Issue: PROTEST-100');
    const stored = await git(['--git-dir', t.gitdir, 'show', 'trunk:test-definitions/brand_new_test/definition.json']);
    expect(stored).toBe(serializeDefinition({ ...definition, version: '-1' }));
    expect((await git(['--git-dir', t.gitdir, 'rev-parse', 'trunk'])).trim()).toBe(created.revision);

    await expectAppError(
      t.store.createTest({ testName: name('brand_new_test'), definition, author, issueKey: key('PROTEST-100') } as never),
      'ALREADY_EXISTS',
    );
    // Refused before the store (lib/domain parsers): a new test's name under Proctor's rule, and the issue key.
    expect(codeOf(() => parseNewTestName('9bad'))).toBe('BAD_REQUEST');
    expect(codeOf(() => parseIssueKey('not a key'))).toBe('ISSUE_INVALID');

    const updated = await t.store.updateTest({
      testName: name('brand_new_test'),
      definition: { ...definition, description: 'Changed' },
      baseRevision: created.revision,
      author: AUTHORS.priya,
      issueKey: key('PROTEST-100'),
    });
    expect(updated.previousRevision).toBe(created.revision);
    expect((await git(['--git-dir', t.gitdir, 'log', '-1', '--format=%s', 'trunk'])).trim()).toBe('PROTEST-100: Updating A/B test brand_new_test');

    const stale = await expectAppError(
      t.store.updateTest({ testName: name('brand_new_test'), definition: { ...definition, description: 'Lost' }, baseRevision: created.revision, author, issueKey: key('PROTEST-100') }),
      'STALE_REVISION',
    );
    expect(stale.data).toMatchObject({ expected: created.revision, actual: updated.revision });
    expect(stale.message).toContain(created.revision.slice(0, 7));
    expect(stale.message).toContain(updated.revision.slice(0, 7));

    await expectAppError(
      t.store.updateTest({ testName: name('brand_new_test'), definition: { ...definition, description: 'Changed' }, baseRevision: updated.revision, author, issueKey: key('PROTEST-100') }),
      'NO_CHANGES',
    );

    const reverted = await t.store.revertTest({ testName: name('brand_new_test'), baseRevision: updated.revision, toRevision: created.revision, author, issueKey: key('PROTEST-101') });
    expect(await git(['--git-dir', t.gitdir, 'show', 'trunk:test-definitions/brand_new_test/definition.json'])).toBe(stored);
    expect(await git(['--git-dir', t.gitdir, 'log', '-1', '--format=%B', 'trunk'])).toContain(`Proctor-Source-Revision: ${created.revision}`);

    const deleted = await t.store.deleteTest({ testName: name('brand_new_test'), baseRevision: reverted.revision, author, issueKey: key('PROTEST-102') });
    await expect(git(['--git-dir', t.gitdir, 'cat-file', '-e', 'trunk:test-definitions/brand_new_test'])).rejects.toThrow();
    expect(await t.store.readDefinition(name('brand_new_test'), { branch: 'trunk' })).toBeNull();
    expect((await t.store.listDefinitions('trunk')).some((d) => d.testName === 'brand_new_test')).toBe(false);

    const history = await t.store.history(name('brand_new_test'), 'trunk');
    expect(history.entries.map((e) => [e.revision, e.changeKind, e.authorEmail])).toEqual([
      [deleted.revision, 'delete', 'erin@example.com'],
      [reverted.revision, 'revert', 'erin@example.com'],
      [updated.revision, 'update', 'priya@example.com'],
      [created.revision, 'create', 'erin@example.com'],
    ]);
    expect(history.entries[1].sourceRevision).toBe(created.revision);
    await expectAppError(t.store.deleteTest({ testName: name('brand_new_test'), baseRevision: deleted.revision, author, issueKey: key('PROTEST-102') }), 'STALE_REVISION');

    // A deleted test can be brought back by reverting to a revision where it existed.
    const restored = await t.store.revertTest({ testName: name('brand_new_test'), baseRevision: deleted.revision, toRevision: updated.revision, author, issueKey: key('PROTEST-103') });
    expect((await t.store.readDefinition(name('brand_new_test'), { branch: 'trunk' }))!.revision).toBe(restored.revision);
    await git(['--git-dir', t.gitdir, 'fsck', '--strict', '--no-dangling']);
  });
});

describe('promotion', () => {
  it('copies the whole file at a source revision with version = trunk revision and Proctor\'s message', async () => {
    const drift = await t.store.drift();
    const candidate = drift.find((d) => d.qa.state === 'none' && d.trunkRevision)!;
    const trunkRevision = candidate.trunkRevision!;
    const qaHeadBefore = await t.store.head('qa');
    const promoted = await t.store.promote({
      testName: name(candidate.testName),
      from: 'trunk',
      to: 'qa',
      sourceRevision: rev(trunkRevision),
      expectedTargetRevision: null,
      author: AUTHORS.rex,
      issueKey: key('PROTEST-4'),
    });
    const parents = (await git(['--git-dir', t.gitdir, 'show', '-s', '--format=%P', promoted.revision])).trim();
    expect(parents).toBe(qaHeadBefore); // one parent: not a merge, on top of qa
    const message = await git(['--git-dir', t.gitdir, 'show', '-s', '--format=%B', promoted.revision]);
    expect(message.split('\n')[0]).toBe(`Promoting ${candidate.testName} (trunk r${trunkRevision}) to qa`);
    expect(message.split('\n')[2]).toMatch(/^PROTEST-4: /);
    const qaText = await git(['--git-dir', t.gitdir, 'show', `qa:test-definitions/${candidate.testName}/definition.json`]);
    const trunkText = await git(['--git-dir', t.gitdir, 'show', `${trunkRevision}:test-definitions/${candidate.testName}/definition.json`]);
    expect(qaText).toBe(serializeDefinition({ ...parseDefinition(trunkText), version: trunkRevision }));
    // Only that test changed on qa.
    const changed = (await git(['--git-dir', t.gitdir, 'diff', '--name-only', qaHeadBefore!, promoted.revision])).trim().split('\n');
    expect(changed).toEqual([`test-definitions/${candidate.testName}/definition.json`, `test-definitions/${candidate.testName}/metadata.json`]);

    const live = await t.store.liveRevisions(name(candidate.testName));
    expect(live.qa).toEqual({ revision: promoted.revision, sourceTrunkRevision: trunkRevision });
    const history = await t.store.history(name(candidate.testName), 'qa');
    expect(history.entries[0]).toMatchObject({ revision: promoted.revision, changeKind: 'promote', sourceRevision: trunkRevision, sourceBranch: 'trunk', issueKey: key('PROTEST-4') });

    // Optimistic lock on the target, the allowed pairs, and the source must be a revision of the test.
    await expectAppError(
      t.store.promote({ testName: name(candidate.testName), from: 'trunk', to: 'qa', sourceRevision: rev(trunkRevision), expectedTargetRevision: null, author: AUTHORS.rex, issueKey: key('PROTEST-4') }),
      'STALE_REVISION',
    );
    await expectAppError(
      t.store.promote({ testName: name(candidate.testName), from: 'trunk', to: 'qa', sourceRevision: rev(trunkRevision), expectedTargetRevision: promoted.revision, author: AUTHORS.rex, issueKey: key('PROTEST-4') }),
      'NO_CHANGES',
    );
    // qa → trunk is refused before the store (lib/domain parsePromotion); the store's promote() only type-checks allowed pairs.
    expect(codeOf(() => parsePromotion('qa', 'trunk'))).toBe('PROMOTION_NOT_ALLOWED');
    await expectAppError(
      t.store.promote({ testName: name(candidate.testName), from: 'trunk', to: 'production', sourceRevision: qaHeadBefore!, expectedTargetRevision: null, author: AUTHORS.rex, issueKey: key('PROTEST-4') }),
      'NOT_FOUND',
    );

    // qa → production keeps the trunk revision as version.
    const toProd = await t.store.promote({ testName: name(candidate.testName), from: 'qa', to: 'production', sourceRevision: promoted.revision, expectedTargetRevision: null, author: AUTHORS.rex, issueKey: key('PROTEST-4') });
    const prodMessage = await git(['--git-dir', t.gitdir, 'show', '-s', '--format=%s', toProd.revision]);
    expect(prodMessage.trim()).toBe(`Promoting ${candidate.testName} (qa r${promoted.revision}) to production`);
    expect(await git(['--git-dir', t.gitdir, 'show', `production:test-definitions/${candidate.testName}/definition.json`])).toBe(qaText);
    const after = (await t.store.drift()).find((d) => d.testName === candidate.testName)!;
    expect(after.qa.state).toBe('current');
    expect(after.production.state).toBe('current');
    await git(['--git-dir', t.gitdir, 'fsck', '--strict', '--no-dangling']);
  });
});

describe('diff', () => {
  it('diffs two environments of a test semantically and as a unified JSON diff', async () => {
    const older = (await t.store.drift()).find((d) => d.production.state === 'older' && d.trunkRevision)!;
    const diff = await t.store.diff(name(older.testName), { branch: 'production' }, { branch: 'trunk' });
    expect(diff.before.text).not.toBeNull();
    expect(diff.changes.length).toBeGreaterThan(0);
    expect(diff.unified).toContain(`--- ${diff.before.label}`);
    expect(diff.unified).toMatch(/^[-+] {2}"version"/m);
    const same = await t.store.diff(name(older.testName), { branch: 'trunk' }, { revision: rev(older.trunkRevision!) });
    expect(same.changes).toEqual([]);
  });
});

describe('native git working on the same repository', () => {
  it('picks up a commit made with git commit-tree/update-ref into history', async () => {
    const head = (await git(['--git-dir', t.gitdir, 'rev-parse', 'trunk'])).trim();
    const [first] = await t.store.listDefinitions('trunk');
    const changed = serializeDefinition({ ...first.definition!, description: 'Edited with native git' });
    const blob = (await git(['--git-dir', t.gitdir, 'hash-object', '-w', '--stdin'], { input: changed })).trim();
    const index = `${dir}/native-index`;
    const env = { GIT_INDEX_FILE: index };
    await git(['--git-dir', t.gitdir, 'read-tree', head], { env });
    await git(['--git-dir', t.gitdir, 'update-index', '--cacheinfo', `100644,${blob},test-definitions/${first.testName}/definition.json`], { env });
    const tree = (await git(['--git-dir', t.gitdir, 'write-tree'], { env })).trim();
    const commit = (await git(['--git-dir', t.gitdir, 'commit-tree', tree, '-p', head, '-m', 'PROTEST-9: edited outside Proctor Studio'])).trim();
    await git(['--git-dir', t.gitdir, 'update-ref', 'refs/heads/trunk', commit, head]);
    await t.store.sync();
    const { entries } = await t.store.history(name(first.testName), 'trunk', { limit: 1 });
    expect(entries[0]).toMatchObject({ revision: commit, authorName: 'Native Nora', issueKey: key('PROTEST-9'), changeKind: 'update' });
    expect((await t.store.readDefinition(name(first.testName), { branch: 'trunk' }))!.definition!.description).toBe('Edited with native git');
  });

  it('rebuilds a branch index when its history was rewritten', async () => {
    const before = (await git(['--git-dir', t.gitdir, 'rev-parse', 'trunk~1'])).trim();
    await git(['--git-dir', t.gitdir, 'update-ref', 'refs/heads/trunk', before]);
    await t.store.sync();
    for (const entry of await t.store.listDefinitions('trunk')) {
      const last = (await git(['--git-dir', t.gitdir, 'log', '-1', '--format=%H', 'trunk', '--', `test-definitions/${entry.testName}/definition.json`])).trim();
      expect(entry.revision).toBe(last);
    }
    const status = t.store.indexStatus();
    expect(status.ready).toBe(true);
    const trunkCount = Number((await git(['--git-dir', t.gitdir, 'rev-list', '--count', '--first-parent', 'trunk'])).trim());
    expect(status.branches.find((b) => b.branch === 'trunk')!.indexedCommits).toBe(trunkCount);
  });

  it('runs git gc under the write lock and keeps reading', async () => {
    await Promise.all([t.store.gc(), t.store.listDefinitions('qa'), t.store.history(name('checkout_button_color'), 'trunk')]);
    const loose = await git(['--git-dir', t.gitdir, 'count-objects', '-v']);
    expect(loose).toMatch(/^prune-packable: 0$/m);
    expect(loose).toMatch(/^packs: [1-9]/m);
    expect((await t.store.listDefinitions('trunk')).length).toBeGreaterThan(0);
    await git(['--git-dir', t.gitdir, 'fsck', '--strict', '--no-dangling']);
  });
});
