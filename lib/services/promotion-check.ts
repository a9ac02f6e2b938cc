/**
 * What a promotion will copy and whether production gets what QA verified (issue #16): the source revision defaults to
 * the QA-verified one for production (latest on the source branch for qa), and a source whose content differs from the
 * verified blob is NOT_VERIFIED unless a releaser overrides with a reason. Used by the promotion and its preview alike.
 */
import type { Environment, PromotionTarget } from '@/lib/domain/environment';
import { parseRevision, type Revision } from '@/lib/domain/revision';
import type { TestName } from '@/lib/domain/test-name';
import { AppError } from '@/lib/errors';
import { versionOnPromote } from '@/lib/proctor/definition-version';
import { serializeDefinition } from '@/lib/proctor/serialize-definition';
import type { DefinitionRead } from '@/lib/store';
import { blobOfText, currentVerification, type Verification, type VerifiedTest } from './release-gate';
import type { ServiceDeps } from './service-deps';

export interface PromotionSource {
  sourceRevision: Revision | null;
  source: DefinitionRead | null;
  /** Production only: what QA verified for this test under the issue. */
  verification: Verification | null;
  verified: VerifiedTest | null;
  /** The verified revision expressed on the source branch (qa: itself; trunk: the trunk revision qa came from). */
  verifiedRevision: string | null;
  /** Production only: whether the source is exactly the verified content. */
  matchesVerified: boolean;
}

const short = (revision: string | null | undefined) => (revision ? revision.slice(0, 7) : 'none');

/** The blob the source would be compared by: qa's text as it is; a trunk revision as promotion writes it. */
function sourceBlob(from: Environment, revision: string, read: DefinitionRead): string | null {
  if (from !== 'trunk') return blobOfText(read.text);
  if (!read.definition) return null;
  return blobOfText(serializeDefinition({ ...read.definition, version: versionOnPromote('trunk', revision, read.definition) }));
}

export async function resolvePromotionSource(
  deps: ServiceDeps,
  input: { testName: TestName; from: Environment; to: PromotionTarget; revision: Revision | null; issueKey: string | null; live: Record<Environment, { revision: Revision | null }> },
): Promise<PromotionSource> {
  const { testName, from, to } = input;
  let verification: Verification | null = null;
  let verified: VerifiedTest | null = null;
  let verifiedRevision: string | null = null;
  if (to === 'production' && input.issueKey) {
    verification = await currentVerification(deps, input.issueKey);
    verified = verification?.tests.find((t) => t.testName === testName) ?? null;
    if (verified) {
      if (from === 'qa') verifiedRevision = verified.revision;
      else {
        const onQa = await deps.store.readDefinition(testName, { revision: parseRevision(verified.revision, 'revision') });
        verifiedRevision = onQa?.definition?.version ?? null;
      }
    }
  }
  const sourceRevision = input.revision ?? (verifiedRevision && /^[0-9a-f]{40}$/.test(verifiedRevision) ? (verifiedRevision as Revision) : input.live[from].revision);
  const source = sourceRevision ? await deps.store.readDefinition(testName, { revision: sourceRevision }) : null;
  const blob = source && sourceRevision ? sourceBlob(from, sourceRevision, source) : null;
  return { sourceRevision, source, verification, verified, verifiedRevision, matchesVerified: !!verified && blob === verified.blob };
}

/** The NOT_VERIFIED refusal of a production promotion, naming both revisions and the fix; null when none applies. */
export function notVerifiedRefusal(plan: PromotionSource, input: { testName: string; from: Environment; to: PromotionTarget; issueKey: string }): AppError | null {
  if (input.to !== 'production' || plan.matchesVerified) return null;
  const what = `${input.testName} r${short(plan.sourceRevision)} from ${input.from}`;
  const verified = plan.verified
    ? `QA verified r${short(plan.verified.revision)} in qa${plan.verifiedRevision && input.from === 'trunk' ? ` (trunk r${short(plan.verifiedRevision)})` : ''}, which is different`
    : `QA has not verified ${input.testName} in qa under ${input.issueKey}`;
  return new AppError(
    'NOT_VERIFIED',
    `Production gets only what QA verified in qa: ${what} was not verified (${verified}). Promote the verified revision, or, as a releaser, promote anyway with override: {reason} (recorded in the audit log and on ${input.issueKey}).`,
    { data: { testName: input.testName, sourceRevision: plan.sourceRevision, verifiedRevision: plan.verifiedRevision, verifiedQaRevision: plan.verified?.revision ?? null, issueKey: input.issueKey } },
  );
}
