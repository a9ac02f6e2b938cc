/**
 * The save use cases (create, update, delete, revert) on createTestServices(): in-memory store and tracker, so each
 * case says what the use case itself decides — the order of its checks, which revision it hands the store, what it
 * tells the issue, and what a failure after the commit does.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { statusForCode } from '@/lib/http/error-response';
import { createDefinition, deleteDefinition, revertDefinition, updateDefinition } from '@/lib/services/save-definition';
import { ANONYMOUS } from '@/lib/services/service-deps';
import { caught } from '@/test/support/caught';
import { createTestServices, type TestServices } from '@/test/support/test-services';
import { name } from '@/test/support/typed-values';
import { erin, runningDefinition, val } from '@/test/support/use-case-fixtures';

let services: TestServices;
let issueKey: string;
const NAME = 'checkout_colour';
/** The name as the store takes it (parsed once, like a use case does). */
const TEST = name(NAME);

beforeEach(() => {
  services = createTestServices();
  issueKey = services.tracker.add({ status: 'In Progress' }).key;
});

const create = (overrides: Record<string, unknown> = {}) => createDefinition(services, erin, { name: NAME, definition: runningDefinition(NAME), issueKey, ...overrides });

describe('createDefinition', () => {
  it('commits the definition to trunk as the actor, with version -1, and tells the issue', async () => {
    const saved = await create({ comment: 'first try' });
    expect(saved).toMatchObject({ testName: NAME, outcome: 'success', previousRevision: null, notices: [] });
    expect(services.store.writes).toEqual([
      expect.objectContaining({ kind: 'create', branch: 'trunk', testName: NAME, revision: saved.revision, issueKey, comment: 'first try', author: { name: 'Erin Editor', email: 'erin@example.com' } }),
    ]);
    expect((await services.store.readDefinition(TEST, { branch: 'trunk' }))?.definition?.version).toBe('-1');
    expect(services.recordedLinks).toEqual([{ issueKey, testName: NAME, revision: saved.revision, env: 'trunk', kind: 'commit' }]);
    expect(services.tracker.comments).toEqual([expect.objectContaining({ key: issueKey, actor: 'erin', body: expect.stringContaining(`committed test definition '${NAME}' to trunk`) })]);
  });

  it('refuses a viewer (403) and an anonymous caller (401) before anything is written', async () => {
    const forbidden = await caught(createDefinition(services, val, { name: NAME, definition: runningDefinition(NAME), issueKey }));
    expect(forbidden.code).toBe('FORBIDDEN');
    expect(statusForCode(forbidden.code)).toBe(403);
    const anonymous = await caught(createDefinition(services, ANONYMOUS, { name: NAME, definition: runningDefinition(NAME), issueKey }));
    expect(anonymous.code).toBe('UNAUTHENTICATED');
    expect(services.store.writes).toEqual([]);
    expect(services.tracker.comments).toEqual([]);
  });

  it('checks the issue key before the name and the role: a malformed key is the first thing said', async () => {
    const error = await caught(createDefinition(services, val, { name: '../etc', definition: runningDefinition(NAME), issueKey: 'not a key' }));
    expect(error.code).toBe('ISSUE_INVALID');
    expect(error.details[0].path).toBe('/issueKey');
  });

  it.each([
    ['an unknown issue', (): string => 'PROTEST-999', 'ISSUE_NOT_FOUND'],
    ['an issue of another type', (): string => services.tracker.add({ type: 'Bug', status: 'In Progress' }).key, 'ISSUE_INVALID'],
    ['a closed issue', (): string => services.tracker.add({ status: 'Closed' }).key, 'ISSUE_STATE_NOT_ALLOWED'],
  ] as const)('refuses %s and writes nothing', async (_label, key, code) => {
    const error = await caught(create({ issueKey: key() }));
    expect(error.code).toBe(code);
    expect(services.store.writes).toEqual([]);
  });

  it('refuses an invalid definition with every problem, before the tracker or the store is asked', async () => {
    const definition = runningDefinition(NAME);
    definition.allocations[0].ranges[0].length = 0.9; // the US allocation now sums to 1.5
    services.tracker.failing.set('getIssue', new Error('the tracker must not be asked'));
    const error = await caught(create({ definition }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.length).toBeGreaterThan(0);
    expect(services.store.writes).toEqual([]);
  });

  it('keeps the commit when telling the issue fails afterwards, and says so', async () => {
    services.tracker.failing.set('comment', new Error('tracker down'));
    const saved = await create();
    expect(saved.outcome).toBe('success');
    expect(saved.notices).toEqual([`The change was saved, but commenting on ${issueKey} failed: tracker down`]);
    expect(services.store.writes).toHaveLength(1);
  });
});

describe('updateDefinition', () => {
  it('hands the store the revision the editor loaded: an edit made since is STALE_REVISION (409), never overwritten', async () => {
    const created = await create();
    const mine = { ...runningDefinition(NAME), description: 'mine' };
    const theirs = await updateDefinition(services, erin, { name: NAME, definition: { ...runningDefinition(NAME), description: 'theirs' }, baseRevision: created.revision, issueKey });
    const error = await caught(updateDefinition(services, erin, { name: NAME, definition: mine, baseRevision: created.revision, issueKey }));
    expect(error.code).toBe('STALE_REVISION');
    expect(statusForCode(error.code)).toBe(409);
    expect(error.data).toMatchObject({ expected: created.revision, actual: theirs.revision });
    expect((await services.store.readDefinition(TEST, { branch: 'trunk' }))?.definition?.description).toBe('theirs');
  });

  it('refuses a revision that is not a full 40-hex commit id before reading anything', async () => {
    await create();
    const error = await caught(updateDefinition(services, erin, { name: NAME, definition: runningDefinition(NAME), baseRevision: 'HEAD~1', issueKey }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.details[0].path).toBe('/baseRevision');
  });

  it('says NOT_FOUND for a test that is not on trunk', async () => {
    const error = await caught(updateDefinition(services, erin, { name: 'nowhere_tst', definition: runningDefinition('nowhere_tst'), baseRevision: 'a'.repeat(40), issueKey }));
    expect(error.code).toBe('NOT_FOUND');
  });
});

describe('deleteDefinition', () => {
  it('refuses while an application in production requires the test, naming it (INCOMPATIBLE_WITH_CONSUMERS)', async () => {
    const created = await create();
    services.consumerGroups.push({
      application: 'shop-web',
      version: '1.2.0',
      environment: 'production',
      specification: { tests: { [NAME]: { buckets: {}, fallbackValue: -1 } } } as never,
      instances: 2,
      lastSeenAt: new Date(),
    });
    const error = await caught(deleteDefinition(services, erin, { name: NAME, baseRevision: created.revision, issueKey }));
    expect(error.code).toBe('INCOMPATIBLE_WITH_CONSUMERS');
    expect(error.message).toContain('shop-web 1.2.0');
    expect(services.store.writes.map((w) => w.kind)).toEqual(['create']);
  });

  it('deletes from trunk with the loaded revision', async () => {
    const created = await create();
    const deleted = await deleteDefinition(services, erin, { name: NAME, baseRevision: created.revision, issueKey });
    expect(deleted.previousRevision).toBe(created.revision);
    expect(await services.store.readDefinition(TEST, { branch: 'trunk' })).toBeNull();
  });
});

describe('revertDefinition', () => {
  it('restores the definition of an older revision as a new commit', async () => {
    const created = await create();
    const edited = await updateDefinition(services, erin, { name: NAME, definition: { ...runningDefinition(NAME), description: 'edited' }, baseRevision: created.revision, issueKey });
    const reverted = await revertDefinition(services, erin, { name: NAME, toRevision: created.revision, baseRevision: edited.revision, issueKey });
    expect(reverted.previousRevision).toBe(edited.revision);
    const now = await services.store.readDefinition(TEST, { branch: 'trunk' });
    expect(now?.revision).toBe(reverted.revision);
    expect(now?.definition?.description).toBe(runningDefinition(NAME).description);
  });

  it('refuses a revision where the test does not exist', async () => {
    const created = await create();
    const error = await caught(revertDefinition(services, erin, { name: 'other_tst', toRevision: created.revision, baseRevision: created.revision, issueKey }));
    expect(error.code).toBe('NOT_FOUND');
  });
});
