/**
 * The issue use cases and the read use cases on createTestServices(): every use case takes the actor, so the role
 * check holds even when a route or page in front of it forgets one.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { commentOnIssue, createIssue, getIssueDetail, listIssueTransitions, transitionIssue } from '@/lib/issues/issue-service';
import { checkBucket } from '@/lib/services/check-bucket';
import { issueExists, testExists } from '@/lib/services/find-test-or-issue';
import { listDrift } from '@/lib/services/list-drift';
import { readForEdit } from '@/lib/services/read-for-editor';
import { readEnvironmentMatrix } from '@/lib/services/read-matrix';
import { diffTest, getTest, getTestHistory, getTestView } from '@/lib/services/read-tests';
import { createDefinition } from '@/lib/services/save-definition';
import { ANONYMOUS } from '@/lib/services/service-deps';
import { syncRepository } from '@/lib/services/sync-repository';
import { caught } from '@/test/support/caught';
import { createTestServices, type TestServices } from '@/test/support/test-services';
import { erin, rex, runningDefinition, val } from '@/test/support/use-case-fixtures';

let services: TestServices;
beforeEach(() => {
  services = createTestServices();
});

describe('issue workflow use cases', () => {
  it('moves an issue along its workflow for an editor, keyed case-insensitively', async () => {
    const { key } = services.tracker.add({ status: 'In Progress' });
    expect(await transitionIssue(services, erin, { key: key.toLowerCase(), name: 'Resolve' })).toMatchObject({ key, from: 'In Progress', to: 'QA Ready' });
    expect(services.tracker.transitions).toEqual([expect.objectContaining({ key, actor: 'erin' })]);
  });

  it('refuses a viewer (FORBIDDEN) and a transition the status does not offer (ISSUE_STATE_NOT_ALLOWED)', async () => {
    const { key } = services.tracker.add({ status: 'Open' });
    expect((await caught(transitionIssue(services, val, { key, to: 'In Progress' }))).code).toBe('FORBIDDEN');
    const error = await caught(transitionIssue(services, erin, { key, to: 'Closed' }));
    expect(error.code).toBe('ISSUE_STATE_NOT_ALLOWED');
    // "In Production" is never a hand transition (issue #16): refused before the tracker is asked, naming the promotion.
    const promoted = await caught(transitionIssue(services, erin, { key, to: 'In Production' }));
    expect(promoted.code).toBe('TRANSITION_NEEDS_PROMOTION');
    expect(services.tracker.issues.get(key)!.status).toBe('Open');
  });

  it('asks which status when neither `to` nor `name` is given', async () => {
    const { key } = services.tracker.add();
    expect((await caught(transitionIssue(services, erin, { key }))).code).toBe('VALIDATION_FAILED');
  });

  it('lets viewers read transitions but only editors comment and create', async () => {
    const { key } = services.tracker.add({ status: 'Open' });
    expect((await listIssueTransitions(services, val, { key })).map((t) => t.name)).toEqual(['Start Progress']);
    expect((await caught(commentOnIssue(services, val, { key, body: 'hi' }))).code).toBe('FORBIDDEN');
    await commentOnIssue(services, rex, { key, body: 'looks good' });
    expect(services.tracker.comments).toEqual([{ key, body: 'looks good', actor: 'rex' }]);
    expect((await caught(createIssue(services, val, { summary: 'x', type: 'ProTest' }))).code).toBe('FORBIDDEN');
    expect((await createIssue(services, erin, { summary: 'New colour', type: 'ProTest' })).summary).toBe('New colour');
  });

  it('refuses anonymous readers of an issue (UNAUTHENTICATED)', async () => {
    const { key } = services.tracker.add();
    expect((await caught(getIssueDetail(services, ANONYMOUS, { key }))).code).toBe('UNAUTHENTICATED');
    expect((await caught(listIssueTransitions(services, ANONYMOUS, { key }))).code).toBe('UNAUTHENTICATED');
  });
});

describe('read use cases', () => {
  const NAME = 'checkout_colour';
  let revision: string;
  beforeEach(async () => {
    const key = services.tracker.add({ status: 'In Progress' }).key;
    revision = (await createDefinition(services, erin, { name: NAME, definition: runningDefinition(NAME), issueKey: key })).revision;
  });

  it('need a signed-in reader: ANONYMOUS is refused by each', async () => {
    const reads = [
      () => getTest(services, ANONYMOUS, { name: NAME }),
      () => getTestView(services, ANONYMOUS, { name: NAME }),
      () => getTestHistory(services, ANONYMOUS, { name: NAME }),
      () => diffTest(services, ANONYMOUS, { name: NAME }),
      () => checkBucket(services, ANONYMOUS, { name: NAME, identifier: 'u1' }),
      () => listDrift(services, ANONYMOUS),
    ];
    for (const read of reads) expect((await caught(read)).code).toBe('UNAUTHENTICATED');
  });

  it('read a test, its three environments and its history', async () => {
    expect(await getTest(services, val, { name: NAME })).toMatchObject({ testName: NAME, env: 'trunk', revision });
    const view = await getTestView(services, val, { name: NAME });
    expect(view.envs.qa).toBeNull();
    expect(view.live.trunk.revision).toBe(revision);
    expect((await getTestHistory(services, val, { name: NAME })).entries.map((e) => e.revision)).toEqual([revision]);
    expect((await caught(getTest(services, val, { name: NAME, env: 'staging' }))).code).toBe('NOT_FOUND');
  });

  it('open the editor for editors only, with the revision the save will be checked against', async () => {
    expect((await caught(readForEdit(services, val, { name: NAME }))).code).toBe('FORBIDDEN');
    expect(await readForEdit(services, erin, { name: NAME })).toMatchObject({ baseRevision: revision, liveInProduction: false });
  });

  it('sync the repository for editors only', async () => {
    expect((await caught(syncRepository(services, val))).code).toBe('FORBIDDEN');
    expect((await syncRepository(services, erin)).heads.trunk).toBe(revision);
  });

  it('answer whether a page’s test or issue exists, also for anonymous callers (the 404 check)', async () => {
    expect(await testExists(services, ANONYMOUS, { name: NAME, branches: ['trunk'] })).toBe(true);
    expect(await testExists(services, ANONYMOUS, { name: NAME, branches: ['qa', 'production'] })).toBe(false);
    expect(await testExists(services, ANONYMOUS, { name: '../x', branches: ['trunk'] })).toBe(false);
    expect(await issueExists(services, ANONYMOUS, { key: 'protest-1' })).toBe(true);
    expect(await issueExists(services, ANONYMOUS, { key: 'PROTEST-404' })).toBe(false);
  });

  it('serve an environment’s matrix to anyone, NOT_READY while there is none', async () => {
    expect((await readEnvironmentMatrix(services, ANONYMOUS, { env: 'trunk' })).artifact.tests[NAME]).toBeDefined();
    expect((await caught(readEnvironmentMatrix(services, ANONYMOUS, { env: 'qa' }))).code).toBe('NOT_READY');
  });
});
