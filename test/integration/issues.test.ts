import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuiltinIssueTracker } from '@/lib/issues/builtin-tracker';
import { BUILTIN_TRANSITIONS } from '@/lib/issues/builtin-workflow';
import { buildChangeComment, linkChange } from '@/lib/issues/link-change';
import { getIssueDetail } from '@/lib/issues/issue-service';
import { seedBuiltinIssues } from '@/lib/issues/seed-builtin-issues';
import { advanceIssueAfterPromotion, checkIssueForPromotion, checkIssueForSave, validateIssueKey } from '@/lib/issues/workflow';
import { createTestDatabase, openAnotherInstance } from '@/test/support/db';
import { caught } from '@/test/support/caught';

type Db = Awaited<ReturnType<typeof createTestDatabase>>;
const viewer = { id: 'u-quinn', username: 'quinn', displayName: 'Quinn QA', email: null, role: 'viewer' as const, disabled: false };
let db: Db;
let tracker: BuiltinIssueTracker;

const SEED = [
  { key: 'PROTEST-1', summary: 'Open one', status: 'Open', reporter: 'erin' },
  { key: 'PROTEST-2', summary: 'In progress one', status: 'In Progress', reporter: 'erin' },
  { key: 'PROTEST-3', summary: 'QA ready one', status: 'QA Ready', reporter: 'priya' },
  { key: 'PROTEST-4', summary: 'Production ready one', status: 'Production Ready', reporter: 'priya' },
  { key: 'PROTEST-5', summary: 'Closed one', status: 'Closed', reporter: 'erin' },
  { key: 'PROTEST-6', summary: 'A bug, not a ProTest', status: 'In Progress', reporter: 'erin', type: 'Bug' },
];

beforeAll(async () => {
  db = await createTestDatabase();
  tracker = new BuiltinIssueTracker(db.prisma, { publicUrl: 'http://studio.test/' });
  expect(await seedBuiltinIssues(db.prisma, SEED)).toEqual(SEED.map((s) => s.key));
});
afterAll(() => db?.close());

describe('seedBuiltinIssues', () => {
  it('is idempotent and leaves existing issues alone', async () => {
    await db.prisma.issue.update({ where: { key: 'PROTEST-1' }, data: { summary: 'edited' } });
    expect(await seedBuiltinIssues(db.prisma, SEED)).toEqual([]);
    expect((await tracker.getIssue('PROTEST-1'))?.summary).toBe('edited');
  });
});

describe('built-in tracker', () => {
  it('creates issues with the next key, in Open, with a creation event', async () => {
    const issue = await tracker.createIssue({ summary: 'New button colour test', type: 'ProTest' }, 'erin');
    expect(issue).toEqual({ key: 'PROTEST-7', type: 'ProTest', status: 'Open', summary: 'New button colour test', url: 'http://studio.test/issues/PROTEST-7', assignee: null });
    const detail = await tracker.getIssueDetail('PROTEST-7');
    expect(detail?.events.map((e) => [e.from, e.to, e.actor])).toEqual([[null, 'Open', 'erin']]);
    expect(detail?.transitions).toEqual([{ id: 'start-progress', name: 'Start Progress', to: 'In Progress' }]);
  });

  it('walks the whole workflow by name and by target status, logging every event', async () => {
    const key = (await tracker.createIssue({ summary: 'Full walk', type: 'ProTest' }, 'erin')).key;
    const steps: [{ to: string } | { name: string }, string][] = [
      [{ name: 'Start Progress' }, 'In Progress'],
      [{ name: 'resolve' }, 'QA Ready'],
      [{ to: 'In QA' }, 'In QA'],
      [{ name: 'Verify' }, 'Production Ready'],
      [{ name: 'Promote to Production' }, 'In Production'],
      [{ name: 'Verify in Production' }, 'Pending Closure'],
      [{ name: 'Close' }, 'Closed'],
      [{ name: 'Reopen' }, 'In Progress'],
    ];
    for (const [request, to] of steps) {
      expect((await tracker.transition(key, request, 'rex')).to).toBe(to);
    }
    const detail = await tracker.getIssueDetail(key);
    expect(detail?.events.map((e) => e.to)).toEqual(['Open', ...steps.map(([, to]) => to)]);
    expect(detail?.events.slice(1).every((e) => e.actor === 'rex')).toBe(true);
  });

  it('refuses transitions the workflow does not allow, naming status and options', async () => {
    const error = await caught(() => tracker.transition('PROTEST-1', { to: 'In QA' }, 'erin'));
    expect(error.code).toBe('ISSUE_STATE_NOT_ALLOWED');
    expect(error.message).toBe("PROTEST-1 is in status 'Open' and cannot move to 'In QA' from there. Available: 'Start Progress' → 'In Progress'.");
    const byName = await caught(() => tracker.transition('PROTEST-5', { name: 'Resolve' }, 'erin'));
    expect(byName.message).toBe("PROTEST-5 is in status 'Closed' and cannot use 'Resolve' from there. Available: 'Reopen' → 'In Progress'.");
    expect((await caught(() => tracker.transition('PROTEST-99', { name: 'Resolve' }, 'erin'))).code).toBe('ISSUE_NOT_FOUND');
  });

  it('names the transitions as people expect', () => {
    const names = BUILTIN_TRANSITIONS.map((t) => t.name);
    expect(names).toEqual(['Start Progress', 'Resolve', 'Promote to QA', 'Verify', 'Promote to Production', 'Verify in Production', 'Close', 'Reopen']);
  });

  it('comments, searches by key prefix and summary, and filters by status', async () => {
    await tracker.comment('PROTEST-3', '  looks good  ', 'quinn');
    const detail = await tracker.getIssueDetail('PROTEST-3');
    expect(detail?.comments.map((c) => [c.author, c.body])).toEqual([['quinn', 'looks good']]);
    expect((await caught(() => tracker.comment('PROTEST-3', '   ', 'quinn'))).code).toBe('VALIDATION_FAILED');
    expect((await tracker.searchIssues('protest-3')).map((i) => i.key)).toEqual(['PROTEST-3']);
    expect((await tracker.searchIssues('READY one')).map((i) => i.key)).toEqual(['PROTEST-4', 'PROTEST-3']);
    expect((await tracker.listIssues({ status: 'Closed' })).map((i) => i.key)).toEqual(['PROTEST-5']);
    expect(await tracker.searchIssues('PROTEST', { limit: 2 })).toHaveLength(2);
  });
});

describe('built-in tracker on instances sharing one database (issue #22)', () => {
  it('20 concurrent creations over two instances all succeed, with 20 distinct consecutive keys', async () => {
    const other = await openAnotherInstance(db);
    try {
      const trackers = [tracker, new BuiltinIssueTracker(other.prisma, { publicUrl: 'http://studio.test/' })];
      const before = (await db.prisma.issue.aggregate({ where: { projectKey: 'PROTEST' }, _max: { number: true } }))._max.number ?? 0;
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => trackers[i % 2].createIssue({ type: 'ProTest', summary: `concurrent ${i}` }, 'erin')),
      );
      const failures = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
      expect(failures).toEqual([]);
      const keys = results.map((r) => (r as PromiseFulfilledResult<{ key: string }>).value.key);
      expect(new Set(keys).size).toBe(20);
      expect(keys.map((key) => Number(key.split('-')[1])).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => before + 1 + i));
      // Each has its one creation event.
      expect(await db.prisma.issueEvent.count({ where: { issueKey: { in: keys }, from: null } })).toBe(20);
    } finally {
      await other.close();
    }
  });
});

describe('workflow rules', () => {
  it('validates the key format before asking the tracker', async () => {
    const cases: [unknown, string][] = [
      ['protest-7', "'protest-7' is not an issue key: use the form PROJECT-123 in capitals, e.g. PROTEST-7."],
      ['PROTEST7', "'PROTEST7' is not an issue key: use the form PROJECT-123 in capitals, e.g. PROTEST-7."],
      ['P-1', "'P-1' is not an issue key: use the form PROJECT-123 in capitals, e.g. PROTEST-7."],
      ['', 'An issue key is required, e.g. PROTEST-7.'],
      [undefined, 'An issue key is required, e.g. PROTEST-7.'],
    ];
    for (const [key, message] of cases) {
      const error = await caught(() => checkIssueForSave({ name: 'builtin', getIssue: () => { throw new Error('tracker must not be called'); } } as never, key));
      expect([error.code, error.message]).toEqual(['ISSUE_INVALID', message]);
    }
    expect(validateIssueKey(' AB1-23 ')).toBe('AB1-23');
  });

  it('checks issues for saving', async () => {
    expect((await checkIssueForSave(tracker, 'PROTEST-2')).status).toBe('In Progress');
    const cases: [string, string, string][] = [
      ['PROTEST-404', 'ISSUE_NOT_FOUND', 'Issue PROTEST-404 does not exist in the built-in tracker. Check the key or create the issue.'],
      ['PROTEST-6', 'ISSUE_INVALID', "PROTEST-6 is a 'Bug' issue; test definition changes need an issue of type 'ProTest'."],
      ['PROTEST-5', 'ISSUE_STATE_NOT_ALLOWED', "PROTEST-5 is in status 'Closed'; saving needs an issue that is not 'Closed'. Reopen the issue or use another one."],
    ];
    for (const [key, code, message] of cases) {
      const error = await caught(() => checkIssueForSave(tracker, key));
      expect([error.code, error.message]).toEqual([code, message]);
    }
  });

  it('checks issues for promotion with messages naming current and required status', async () => {
    expect((await checkIssueForPromotion(tracker, 'PROTEST-3', 'qa')).key).toBe('PROTEST-3');
    expect((await checkIssueForPromotion(tracker, 'PROTEST-4', 'production')).key).toBe('PROTEST-4');
    const cases: [string, 'qa' | 'production', string][] = [
      ['PROTEST-2', 'qa', "PROTEST-2 is in status 'In Progress'; promoting to qa needs 'QA Ready'. Resolve the issue first."],
      ['PROTEST-3', 'production', "PROTEST-3 is in status 'QA Ready'; promoting to production needs 'Production Ready'. Verify the issue in QA first."],
    ];
    for (const [key, env, message] of cases) {
      const error = await caught(() => checkIssueForPromotion(tracker, key, env));
      expect([error.code, error.message]).toEqual(['ISSUE_STATE_NOT_ALLOWED', message]);
    }
    expect((await caught(() => checkIssueForPromotion(tracker, 'PROTEST-6', 'qa'))).code).toBe('ISSUE_INVALID');
  });

  it('advances the issue after a promotion, once', async () => {
    expect(await advanceIssueAfterPromotion(tracker, 'PROTEST-3', 'qa', 'rex')).toEqual({ key: 'PROTEST-3', from: 'QA Ready', to: 'In QA', transition: 'Promote to QA' });
    expect(await advanceIssueAfterPromotion(tracker, 'PROTEST-3', 'qa', 'rex')).toBeNull();
    expect((await advanceIssueAfterPromotion(tracker, 'PROTEST-4', 'production', 'rex'))?.to).toBe('In Production');
    expect((await caught(() => advanceIssueAfterPromotion(tracker, 'PROTEST-1', 'production', 'rex'))).code).toBe('ISSUE_STATE_NOT_ALLOWED');
  });
});

describe('change links', () => {
  it('records each change once and shows it on the issue', async () => {
    const link = { issueKey: 'PROTEST-2', testName: 'example_tst', revision: 'a'.repeat(40), env: 'trunk', kind: 'commit' as const };
    await linkChange(db.prisma, link);
    await linkChange(db.prisma, link);
    expect((await tracker.getIssueDetail('PROTEST-2'))?.links).toEqual([expect.objectContaining({ testName: 'example_tst', revision: 'a'.repeat(40), env: 'trunk', kind: 'commit' })]);
  });

  it('also lists commits that name the issue in the git history (made outside Proctor Studio), once each', async () => {
    const at = new Date('2025-01-06T10:00:00Z');
    const entry = { testName: 'example_tst', authorName: 'Priya Patel', authorEmail: 'priya@example.com', authoredAt: at, committedAt: at, message: 'PROTEST-2: by hand', issueKey: 'PROTEST-2' };
    await db.prisma.historyEntry.createMany({
      data: [
        { ...entry, branch: 'trunk', revision: 'a'.repeat(40), changeKind: 'update', seq: 1 }, // the same change the app recorded
        { ...entry, branch: 'qa', revision: 'b'.repeat(40), changeKind: 'promote', sourceRevision: 'a'.repeat(40), seq: 1 },
      ],
    });
    const detail = await getIssueDetail({ prisma: db.prisma, tracker }, viewer, { key: 'PROTEST-2' });
    expect(detail.links).toHaveLength(2);
    expect(detail.links).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ testName: 'example_tst', revision: 'a'.repeat(40), env: 'trunk', kind: 'commit' }),
        expect.objectContaining({ testName: 'example_tst', revision: 'b'.repeat(40), env: 'qa', kind: 'promotion' }),
      ]),
    );
  });

  it('builds the comment text with revision, environment and link', () => {
    expect(buildChangeComment({ issueKey: 'PROTEST-2', testName: 'my test', revision: '0123456789abcdef0123', env: 'qa', kind: 'promotion', actor: 'rex', publicUrl: 'http://studio.test/' })).toBe(
      "rex promoted test definition 'my test' to qa as revision 0123456789ab.\nhttp://studio.test/tests/my%20test?revision=0123456789abcdef0123",
    );
  });
});
