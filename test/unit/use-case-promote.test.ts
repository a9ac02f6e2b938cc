/**
 * Promotion and auto-promotion on createTestServices(): the issue workflow (status required before, moved on after),
 * the role, the allowed pairs, the optimistic lock on the target, Proctor's auto-promotion rules, and what happens when
 * something fails after the commit landed.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { promoteDefinition } from '@/lib/services/promote-definition';
import { createDefinition, updateDefinition } from '@/lib/services/save-definition';
import { forecastAutoPromotion } from '@/lib/services/validate-submission';
import { caught } from '@/test/support/caught';
import { createTestServices, type TestServices } from '@/test/support/test-services';
import { name } from '@/test/support/typed-values';
import { erin, inactiveDefinition, rex, runningDefinition, withMoreGreen, withMoreGreenNoDrift } from '@/test/support/use-case-fixtures';

let services: TestServices;
const NAME = 'checkout_colour';
/** The name as the store takes it (parsed once, like a use case does). */
const TEST = name(NAME);

beforeEach(() => {
  services = createTestServices();
});

async function createOnTrunk(definition = runningDefinition(NAME)) {
  const key = services.tracker.add({ status: 'In Progress' }).key;
  const saved = await createDefinition(services, erin, { name: NAME, definition, issueKey: key });
  return { key, revision: saved.revision };
}

const status = (key: string) => services.tracker.issues.get(key)!.status;

describe('promoteDefinition', () => {
  it('refuses trunk→qa while the issue is not QA Ready, and writes nothing to qa', async () => {
    const { key } = await createOnTrunk();
    const error = await caught(promoteDefinition(services, rex, { name: NAME, from: 'trunk', to: 'qa', issueKey: key }));
    expect(error.code).toBe('ISSUE_STATE_NOT_ALLOWED');
    expect(error.message).toContain("needs 'QA Ready'");
    expect(await services.store.head('qa')).toBeNull();
  });

  it('copies the trunk revision to qa with version = that revision, links it and moves the issue to In QA', async () => {
    const { key, revision } = await createOnTrunk();
    services.tracker.issues.get(key)!.status = 'QA Ready';
    const result = await promoteDefinition(services, rex, { name: NAME, from: 'trunk', to: 'qa', issueKey: key });
    expect(result).toMatchObject({ outcome: 'success', from: 'trunk', to: 'qa', sourceRevision: revision, previousRevision: null, issue: { key, from: 'QA Ready', to: 'In QA' } });
    expect((await services.store.readDefinition(TEST, { branch: 'qa' }))?.definition?.version).toBe(revision);
    expect(status(key)).toBe('In QA');
    expect(services.recordedLinks).toContainEqual({ issueKey: key, testName: NAME, revision: result.revision, env: 'qa', kind: 'promotion' });
  });

  it('needs the releaser role: an editor is refused before the issue is looked at', async () => {
    const { key } = await createOnTrunk();
    services.tracker.issues.get(key)!.status = 'QA Ready';
    const error = await caught(promoteDefinition(services, erin, { name: NAME, from: 'trunk', to: 'qa', issueKey: key }));
    expect(error.code).toBe('FORBIDDEN');
    expect(status(key)).toBe('QA Ready');
    expect(await services.store.head('qa')).toBeNull();
  });

  it.each([
    ['qa', 'trunk'],
    ['production', 'qa'],
    ['trunk', 'trunk'],
  ])('refuses %s→%s with Proctor’s message (PROMOTION_NOT_ALLOWED)', async (from, to) => {
    const { key } = await createOnTrunk();
    const error = await caught(promoteDefinition(services, rex, { name: NAME, from, to, issueKey: key }));
    expect(error.code).toBe('PROMOTION_NOT_ALLOWED');
    expect(error.message).toContain(`Invalid combination of source and destination: source=${from} dest=${to}`);
  });

  it('hands the store the target revision the caller saw: qa moved since is STALE_REVISION', async () => {
    const { key, revision } = await createOnTrunk();
    services.tracker.issues.get(key)!.status = 'QA Ready';
    const first = await promoteDefinition(services, rex, { name: NAME, from: 'trunk', to: 'qa', issueKey: key, targetRevision: null });
    const edited = await updateDefinition(services, erin, { name: NAME, definition: { ...runningDefinition(NAME), description: 'v2' }, baseRevision: revision, issueKey: key });
    services.tracker.issues.get(key)!.status = 'QA Ready';
    const error = await caught(promoteDefinition(services, rex, { name: NAME, from: 'trunk', to: 'qa', revision: edited.revision, targetRevision: null, issueKey: key }));
    expect(error.code).toBe('STALE_REVISION');
    expect(error.data).toMatchObject({ expected: null, actual: first.revision });
  });

  it('keeps the promotion when moving the issue on fails, and says how to retry (partial-success)', async () => {
    const { key } = await createOnTrunk();
    services.tracker.issues.get(key)!.status = 'QA Ready';
    services.tracker.failing.set('transition', new Error('JIRA is restarting'));
    const result = await promoteDefinition(services, rex, { name: NAME, from: 'trunk', to: 'qa', issueKey: key });
    expect(result.outcome).toBe('partial-success');
    expect(result.issue.transitionError).toContain(`Promoted ${NAME} to qa, but moving ${key} on failed: JIRA is restarting`);
    expect((await services.store.readDefinition(TEST, { branch: 'qa' }))?.revision).toBe(result.revision);
  });
});

describe('auto-promotion after a save', () => {
  it('sends a new 100%-inactive test on to qa and production, skipping the issue workflow', async () => {
    const key = services.tracker.add({ status: 'In Progress' }).key;
    const saved = await createDefinition(services, erin, { name: NAME, definition: inactiveDefinition(NAME), issueKey: key, autoPromote: true });
    expect(saved.outcome).toBe('success');
    expect(saved.autoPromotion).toMatchObject({ status: 'promoted', promotions: [{ env: 'qa' }, { env: 'production' }] });
    for (const env of ['qa', 'production'] as const) expect((await services.store.readDefinition(TEST, { branch: env }))?.definition?.version).toBe(saved.revision);
    expect(status(key)).toBe('In Progress');
  });

  it('refuses a new test that is not 100% inactive with Proctor’s reason, leaving the trunk commit (partial-success)', async () => {
    const key = services.tracker.add({ status: 'In Progress' }).key;
    const saved = await createDefinition(services, erin, { name: NAME, definition: runningDefinition(NAME), issueKey: key, autoPromote: true });
    expect(saved.outcome).toBe('partial-success');
    expect(saved.autoPromotion).toMatchObject({ status: 'refused', reason: expect.stringContaining('not 100% inactive') });
    expect(await services.store.head('qa')).toBeNull();
    expect(await services.store.readDefinition(TEST, { branch: 'trunk' })).not.toBeNull();
  });

  it('promotes an allocation-only change of a live test, and refuses any other change', async () => {
    const { key, revision } = await createOnTrunk();
    // Live in qa and production (put there by the store directly: a production promotion needs QA's verification,
    // which lives in the database these use-case tests do not have; release-safety.test.ts covers that path).
    for (const [from, to] of [['trunk', 'qa'], ['qa', 'production']] as const) {
      const live = await services.store.liveRevisions(TEST);
      await services.store.promote({ testName: TEST, from, to, sourceRevision: live[from].revision!, expectedTargetRevision: live[to].revision, author: { name: 'Rex', email: 'rex@example.com' }, issueKey: key as never });
    }
    const allocationOnly = await updateDefinition(services, erin, { name: NAME, definition: withMoreGreenNoDrift(runningDefinition(NAME)), baseRevision: revision, issueKey: key, autoPromote: true });
    expect(allocationOnly.autoPromotion?.status).toBe('promoted');
    expect((await services.store.readDefinition(TEST, { branch: 'production' }))?.definition?.version).toBe(allocationOnly.revision);

    const ruled = await updateDefinition(services, erin, {
      name: NAME,
      definition: { ...withMoreGreenNoDrift(runningDefinition(NAME)), rule: "lang == 'en'" },
      baseRevision: allocationOnly.revision,
      issueKey: key,
      autoPromote: true,
    });
    expect(ruled.outcome).toBe('partial-success');
    expect(ruled.autoPromotion).toMatchObject({ status: 'refused', reason: "auto-promote is prevented because it isn't an allocation-only change." });
  });

  it('reports a failure of the promotions themselves without undoing the trunk commit', async () => {
    services.consumerGroups.push({
      application: 'shop-web',
      version: '1.2.0',
      environment: 'qa',
      specification: { tests: { [NAME]: { buckets: { nonsense: 7 }, fallbackValue: -1 } } } as never,
      instances: 1,
      lastSeenAt: new Date(),
    });
    const key = services.tracker.add({ status: 'In Progress' }).key;
    const saved = await createDefinition(services, erin, { name: NAME, definition: inactiveDefinition(NAME), issueKey: key, autoPromote: true });
    expect(saved.outcome).toBe('partial-success');
    expect(saved.autoPromotion?.status).toBe('failed');
    expect(await services.store.head('qa')).toBeNull();
    expect((await services.store.readDefinition(TEST, { branch: 'trunk' }))?.revision).toBe(saved.revision);
  });

  it('refuses auto-promotion of a change that moves users between active buckets, naming the share, before anything is committed', async () => {
    const { key, revision } = await createOnTrunk();
    for (const [from, to] of [['trunk', 'qa'], ['qa', 'production']] as const) {
      const live = await services.store.liveRevisions(TEST);
      await services.store.promote({ testName: TEST, from, to, sourceRevision: live[from].revision!, expectedTargetRevision: live[to].revision, author: { name: 'Rex', email: 'rex@example.com' }, issueKey: key as never });
    }
    const heads = { trunk: await services.store.head('trunk'), qa: await services.store.head('qa'), production: await services.store.head('production') };
    // US: control's upper 10% of users becomes green (withMoreGreen moves ranges, not just inactive space).
    const forecast = await forecastAutoPromotion(services, erin, { name: NAME, definition: withMoreGreen(runningDefinition(NAME)) });
    expect(forecast).toMatchObject({ eligible: false, refusal: { code: 'AUTO_PROMOTION_MOVES_USERS' } });
    expect(forecast.movedBetweenActiveBuckets).toBeCloseTo(0.1, 9);
    const error = await caught(updateDefinition(services, erin, { name: NAME, definition: withMoreGreen(runningDefinition(NAME)), baseRevision: revision, issueKey: key, autoPromote: true }));
    expect(error.code).toBe('AUTO_PROMOTION_MOVES_USERS');
    expect(error.message).toContain('10% of users would switch between active buckets; promote through QA instead');
    expect({ trunk: await services.store.head('trunk'), qa: await services.store.head('qa'), production: await services.store.head('production') }).toEqual(heads);
    // Without auto-promotion the same change is an ordinary save.
    const saved = await updateDefinition(services, erin, { name: NAME, definition: withMoreGreen(runningDefinition(NAME)), baseRevision: revision, issueKey: key });
    expect(saved.outcome).toBe('success');
  });

  it('forecasts the same answer before saving', async () => {
    expect(await forecastAutoPromotion(services, erin, { name: NAME, definition: inactiveDefinition(NAME) })).toEqual({ eligible: true });
    expect(await forecastAutoPromotion(services, erin, { name: NAME, definition: runningDefinition(NAME) })).toMatchObject({ eligible: false });
  });
});
