/**
 * Auto-promotion after a trunk save (FACTS §6.5): an allocation-only change to a test that is live goes straight to qa
 * and production, and a brand-new test that is 100% inactive may follow it; the issue workflow is skipped for these.
 * Any refusal or failure leaves the trunk commit in place and is reported as a partial success.
 */
import { recordAudit } from '@/lib/audit/record-audit';
import { isAllInactive } from '@/lib/domain/test-status';
import { definitionDrift } from '@/lib/proctor/allocation-drift';
import { explainAllocationOnlyChange } from '@/lib/proctor/is-allocation-only-change';
import type { TestDefinition } from '@/lib/proctor/model';
import { assertCompatibleWithConsumers } from './check-consumers';
import { recordChange } from './record-change';
import { authorOf, type Actor, type ServiceDeps } from './service-deps';
import type { IssueKey } from '@/lib/domain/issue-key';
import type { Revision } from '@/lib/domain/revision';
import type { TestName } from '@/lib/domain/test-name';

export const AUTO_PROMOTE_PARTIAL_MESSAGE = 'Test Creation/Edit succeeded. However, the test was not promoted automatically to QA/Production.';

export interface AutoPromotionPlan {
  eligible: boolean;
  /** Proctor's reason when not eligible. */
  reason?: string;
  /** Largest share of users (0..1) the change would move between active buckets, against trunk, qa or production. */
  movedBetweenActiveBuckets?: number;
  /** Set when the refusal is ours rather than Proctor's: AUTO_PROMOTION_MOVES_USERS. */
  refusal?: { code: 'AUTO_PROMOTION_MOVES_USERS'; message: string } | null;
}

/** Below this a share is rounding noise (lengths are doubles). */
const DRIFT_EPSILON = 1e-9;

function percentOf(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

/** The refusal for a change that moves users between active buckets (issue #16): such a change goes through QA. */
export function movesUsersRefusal(share: number): { code: 'AUTO_PROMOTION_MOVES_USERS'; message: string } {
  return {
    code: 'AUTO_PROMOTION_MOVES_USERS',
    message: `Auto-promotion is only for changes that move no user between active buckets: ${percentOf(share)} of users would switch between active buckets; promote through QA instead (save without auto-promotion), or grow buckets only into inactive space.`,
  };
}

export interface AutoPromotionResult extends AutoPromotionPlan {
  status: 'promoted' | 'refused' | 'failed';
  promotions: { env: 'qa' | 'production'; revision: string }[];
  message?: string;
  warnings: string[];
}

/**
 * Whether saving `next` over `previous` (null = a new test) may be auto-promoted, judged against what qa and production
 * hold now. Used before the save (to tell the user in advance) and again after it.
 */
export async function planAutoPromotion(deps: ServiceDeps, testName: TestName, previous: TestDefinition | null, next: TestDefinition): Promise<AutoPromotionPlan> {
  if (previous === null) {
    return isAllInactive(next)
      ? { eligible: true }
      : { eligible: false, reason: 'auto-promote is prevented because there is no existing test definition and the test is not 100% inactive.' };
  }
  if (explainAllocationOnlyChange(previous, next) !== null) {
    return { eligible: false, reason: "auto-promote is prevented because it isn't an allocation-only change." };
  }
  let moved = definitionDrift(previous, next).movedBetweenActiveBuckets;
  for (const env of ['qa', 'production'] as const) {
    const live = await deps.store.readDefinition(testName, { branch: env });
    if (!live?.definition) return { eligible: false, reason: `${env === 'qa' ? 'QA' : 'PRODUCTION'} revision is unknown` };
    if (explainAllocationOnlyChange(live.definition, next) !== null) {
      return { eligible: false, reason: `Not auto-promote to ${env === 'qa' ? 'QA' : 'PRODUCTION'} because it isn't an allocation-only change.` };
    }
    moved = Math.max(moved, definitionDrift(live.definition, next).movedBetweenActiveBuckets);
  }
  if (moved > DRIFT_EPSILON) {
    const refusal = movesUsersRefusal(moved);
    return { eligible: false, reason: refusal.message, movedBetweenActiveBuckets: moved, refusal };
  }
  return { eligible: true, movedBetweenActiveBuckets: 0 };
}

/** Promotes the trunk revision just saved to qa, then production. Never throws: the trunk commit stands regardless. */
export async function autoPromote(
  deps: ServiceDeps,
  actor: Actor,
  input: { testName: TestName; trunkRevision: Revision; issueKey: IssueKey; previous: TestDefinition | null; next: TestDefinition },
): Promise<AutoPromotionResult> {
  const promotions: AutoPromotionResult['promotions'] = [];
  const warnings: string[] = [];
  let plan: AutoPromotionPlan;
  try {
    plan = await planAutoPromotion(deps, input.testName, input.previous, input.next);
  } catch (error) {
    return { eligible: false, status: 'failed', reason: (error as Error).message, promotions, message: AUTO_PROMOTE_PARTIAL_MESSAGE, warnings };
  }
  if (!plan.eligible) return { ...plan, status: 'refused', promotions, message: AUTO_PROMOTE_PARTIAL_MESSAGE, warnings };
  try {
    // Applications running in qa or production must be able to load it, as for a manual promotion (MatrixChecker).
    await assertCompatibleWithConsumers(deps, { envs: ['qa', 'production'], testName: input.testName, definition: input.next, action: 'promote' });
    for (const env of ['qa', 'production'] as const) {
      const live = await deps.store.liveRevisions(input.testName);
      const promoted = await deps.store.promote({
        testName: input.testName,
        from: 'trunk',
        to: env,
        sourceRevision: input.trunkRevision,
        expectedTargetRevision: live[env].revision,
        author: authorOf(actor),
        issueKey: input.issueKey,
        comment: 'Automatic promotion of an allocation-only change',
      });
      promotions.push({ env, revision: promoted.revision });
      // An auto-promotion is a promotion: the audit log shows one per environment, like a releaser's.
      await recordAudit(deps.prisma, {
        actor: actor.username,
        actorKind: 'user',
        action: 'test.promote',
        target: `test:${input.testName}`,
        outcome: 'success',
        message: `Automatic promotion of ${input.testName} r${input.trunkRevision.slice(0, 7)} to ${env}`,
        details: { from: 'trunk', to: env, automatic: true, sourceRevision: input.trunkRevision, revision: promoted.revision, issueKey: input.issueKey },
      }, deps.logger);
      warnings.push(...(await recordChange(deps, actor, { issueKey: input.issueKey, testName: input.testName, revision: promoted.revision, env, kind: 'promotion' })));
    }
    return { eligible: true, status: 'promoted', promotions, warnings };
  } catch (error) {
    deps.logger?.warn('auto-promotion failed', { testName: input.testName, error: (error as Error).message });
    return { eligible: true, status: 'failed', reason: (error as Error).message, promotions, message: AUTO_PROMOTE_PARTIAL_MESSAGE, warnings };
  }
}
