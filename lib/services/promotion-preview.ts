/**
 * The promote dialog's pre-check (issue #16): which revision would be promoted (production: the QA-verified one by
 * default), the drift between what the target holds and what it would get, the full semantic change list, and the
 * refusal the promotion itself would give (issue status, NOT_VERIFIED, consumers, …) — Promote stays disabled while
 * there is one. It asks the same checks as promoteDefinition; it writes nothing.
 */
import { parsePromotion, type PromotionTarget } from '@/lib/domain/environment';
import { parseIssueKey } from '@/lib/domain/issue-key';
import { parseOptionalRevision } from '@/lib/domain/revision';
import { parseExistingTestName } from '@/lib/domain/test-name';
import { isAppError } from '@/lib/errors';
import { checkIssueForPromotion } from '@/lib/issues/workflow';
import { definitionDrift, type DefinitionDrift } from '@/lib/proctor/allocation-drift';
import { diffDefinitions, type DefinitionChange } from '@/lib/proctor/diff-definitions';
import { validateDefinition } from '@/lib/proctor/validate-definition';
import { assertCompatibleWithConsumers } from './check-consumers';
import { notVerifiedRefusal, resolvePromotionSource } from './promotion-check';
import { separationRefusal } from './release-gate';
import { requireReader, type Reader, type ServiceDeps } from './service-deps';

export interface PromotionPreview {
  from: 'trunk' | 'qa';
  to: PromotionTarget;
  sourceRevision: string | null;
  verifiedRevision: string | null;
  targetRevision: string | null;
  drift: DefinitionDrift | null;
  changes: DefinitionChange[];
  refusal: { code: string; message: string } | null;
  issueKey: string | null;
}

export async function previewPromotion(
  deps: ServiceDeps,
  reader: Reader,
  input: { name: unknown; from: unknown; to: unknown; revision?: unknown; issueKey?: unknown },
): Promise<PromotionPreview> {
  requireReader(reader);
  const testName = parseExistingTestName(input.name);
  const { from, to } = parsePromotion(input.from, input.to);
  const revision = parseOptionalRevision(input.revision || undefined, 'revision');
  const live = await deps.store.liveRevisions(testName);
  // The issue named on the source revision's commit prefills the dialog when none was given.
  let issueKey: string | null = input.issueKey ? parseIssueKey(input.issueKey, deps.rules?.issueKeys) : null;
  const sourceForKey = revision ?? live[from].revision;
  if (!issueKey && sourceForKey) {
    const { entries } = await deps.store.history(testName, from, { limit: 200 });
    issueKey = entries.find((e) => e.revision === sourceForKey)?.issueKey ?? null;
  }
  const plan = await resolvePromotionSource(deps, { testName, from, to, revision, issueKey, live });
  const target = await deps.store.readDefinition(testName, { branch: to });
  const sourceDefinition = plan.source?.definition ?? null;
  const preview: PromotionPreview = {
    from,
    to,
    sourceRevision: plan.sourceRevision,
    verifiedRevision: plan.verifiedRevision,
    targetRevision: live[to].revision,
    drift: sourceDefinition && target?.definition ? definitionDrift(target.definition, sourceDefinition) : null,
    changes: diffDefinitions(target?.definition ?? null, sourceDefinition),
    refusal: null,
    issueKey,
  };
  preview.refusal = await firstRefusal(async () => {
    if (!plan.sourceRevision || !sourceDefinition) {
      return { code: 'NOT_FOUND', message: `Test ${testName} has no revision ${plan.sourceRevision ? plan.sourceRevision.slice(0, 7) : ''} in ${from} to promote. Pick a revision from its history.` };
    }
    const error = validateDefinition(testName, sourceDefinition).find((issue) => issue.severity === 'error');
    if (error) return { code: 'VALIDATION_FAILED', message: `Revision ${plan.sourceRevision.slice(0, 7)} of ${testName} is not valid and cannot be promoted: ${error.message}` };
    if (plan.sourceRevision === live[to].revision) return { code: 'NO_CHANGES', message: `Test ${testName} on ${to} already holds this definition. Pick another revision.` };
    if (!issueKey) return { code: 'VALIDATION_FAILED', message: 'A promotion is made under an issue: enter the ProTest issue key.' };
    await checkIssueForPromotion(deps.tracker, issueKey, to, deps.rules);
    if (to === 'production') {
      if (plan.verification?.source === 'tracker' && !plan.verification.waivedSeparation) {
        const refusal = await separationRefusal(deps, issueKey, { username: plan.verification.by });
        if (refusal) return refusal;
      }
      const notVerified = notVerifiedRefusal(plan, { testName, from, to, issueKey });
      if (notVerified) return { code: notVerified.code, message: notVerified.message };
    }
    await assertCompatibleWithConsumers(deps, { envs: [to], testName, definition: sourceDefinition, action: 'promote' });
    return null;
  });
  return preview;
}

async function firstRefusal(check: () => Promise<{ code: string; message: string } | null>): Promise<{ code: string; message: string } | null> {
  try {
    return await check();
  } catch (error) {
    if (isAppError(error)) return { code: error.code, message: error.message };
    throw error;
  }
}
