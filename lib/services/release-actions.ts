/**
 * A releaser's ways back (issue #16): roll an environment back to a revision that was live there before, and the
 * emergency stop — 100% inactive on trunk, qa and production in one action (Proctor's 100%-inactive rule makes such a
 * change safe to promote at once). Both are allowed whatever the issue's status, need a reason, and leave a trail in
 * the audit log (the route), the history (the commit subject says what happened) and on the issue.
 */
import { recordAudit } from '@/lib/audit/record-audit';
import type { Environment, PromotionTarget } from '@/lib/domain/environment';
import { parseIssueKey, type IssueKey } from '@/lib/domain/issue-key';
import { parseRevision, type Revision } from '@/lib/domain/revision';
import { parseExistingTestName, type TestName } from '@/lib/domain/test-name';
import { AppError } from '@/lib/errors';
import type { TestDefinition } from '@/lib/proctor/model';
import { recordChange } from './record-change';
import { authorOf, requireReader, type Actor, type Reader, type ServiceDeps } from './service-deps';
import { requireReason } from './verify-issue';

export interface RollbackTarget {
  revision: string;
  liveFrom: Date;
  liveUntil: Date | null;
  author: string;
  message: string;
  issueKey: string | null;
  sourceRevision: string | null;
}

export interface ReleaseActionResult {
  testName: string;
  commits: { env: Environment; revision: string; previousRevision: string | null }[];
  issueKey: string | null;
  notices: string[];
}

function parseTarget(env: unknown): PromotionTarget {
  if (env === 'qa' || env === 'production') return env;
  throw new AppError('VALIDATION_FAILED', "Rollback is for qa or production; trunk is reverted instead (Revert on the history).", { details: [{ path: '/env', message: 'must be qa or production' }] });
}

/** Revisions that were live in `env` before (not the live one), newest first. */
export async function rollbackTargets(deps: ServiceDeps, reader: Reader, input: { name: unknown; env: unknown }): Promise<{ env: PromotionTarget; current: string | null; targets: RollbackTarget[] }> {
  requireReader(reader);
  const testName = parseExistingTestName(input.name);
  const env = parseTarget(input.env);
  const { entries } = await deps.store.history(testName, env, { limit: 200 });
  const live = (await deps.store.liveRevisions(testName))[env].revision;
  const targets: RollbackTarget[] = [];
  entries.forEach((entry, index) => {
    if (entry.changeKind === 'delete' || entry.revision === live) return;
    targets.push({
      revision: entry.revision,
      liveFrom: entry.committedAt,
      liveUntil: index > 0 ? entries[index - 1].committedAt : null,
      author: entry.authorName,
      message: entry.message.split('\n')[0],
      issueKey: entry.issueKey,
      sourceRevision: entry.sourceRevision,
    });
  });
  return { env, current: live, targets };
}

function issueKeyOf(deps: ServiceDeps, raw: unknown, fallback: string | null | undefined, what: string): IssueKey {
  if (raw !== undefined && raw !== null && raw !== '') return parseIssueKey(raw, deps.rules?.issueKeys);
  if (fallback) return parseIssueKey(fallback, deps.rules?.issueKeys);
  throw new AppError('VALIDATION_FAILED', `${what} is recorded on an issue: name one with issueKey (no issue could be found on the revision's commit).`, { details: [{ path: '/issueKey', message: 'is required' }] });
}

async function trail(deps: ServiceDeps, actor: Actor, issueKey: IssueKey, testName: TestName, commits: ReleaseActionResult['commits'], comment: string, notices: string[]) {
  for (const commit of commits) {
    notices.push(...(await recordChange(deps, actor, { issueKey, testName, revision: commit.revision, env: commit.env, kind: commit.env === 'trunk' ? 'commit' : 'promotion' })));
  }
  try {
    await deps.tracker.comment(issueKey, comment, actor.username);
  } catch (error) {
    notices.push(`Commenting on ${issueKey} failed: ${(error as Error).message}`);
  }
}

/** Puts a revision that was live in `env` before back there, as a new commit "Rollback of <test> in <env> to <rev7>: <reason>". */
export async function rollbackDefinition(
  deps: ServiceDeps,
  reader: Reader,
  input: { name: unknown; env: unknown; revision: unknown; reason: unknown; issueKey?: unknown },
): Promise<ReleaseActionResult> {
  const testName = parseExistingTestName(input.name);
  const env = parseTarget(input.env);
  const revision = parseRevision(input.revision, 'revision');
  const actor = requireReader(reader, 'releaser');
  const reason = requireReason(input.reason, 'A rollback');
  const { targets, current } = await rollbackTargets(deps, actor, { name: testName, env });
  const target = targets.find((t) => t.revision === revision);
  if (!target) {
    const why = revision === current ? `it is the revision live in ${env} now` : `it was never live in ${env}`;
    throw new AppError('VALIDATION_FAILED', `Cannot roll ${testName} in ${env} back to r${revision.slice(0, 7)}: ${why}. Pick one of the revisions that were live there before (GET /api/v1/tests/${testName}/rollback-targets?env=${env}).`, {
      details: [{ path: '/revision', message: `must be a revision that was live in ${env} before` }],
    });
  }
  const issueKey = issueKeyOf(deps, input.issueKey, target.issueKey, 'A rollback');
  const subject = `Rollback of ${testName} in ${env} to ${revision.slice(0, 7)}: ${reason}`;
  const written = await deps.store.promote({ testName, from: env, to: env, sourceRevision: revision, expectedTargetRevision: current as Revision | null, author: authorOf(actor), issueKey, comment: reason, subject });
  const commits = [{ env, revision: written.revision, previousRevision: written.previousRevision }];
  const notices: string[] = [];
  await trail(deps, actor, issueKey, testName, commits, `${actor.username} rolled ${testName} back in ${env} to r${revision.slice(0, 7)} (now r${written.revision.slice(0, 7)}). Reason: ${reason}`, notices);
  return { testName, commits, issueKey, notices };
}

/** Every allocation 100% to the inactive bucket (-1, named inactive), adding that bucket when the test has none. */
export function stoppedDefinition(definition: TestDefinition): TestDefinition {
  const inactive = definition.buckets.find((b) => b.value === -1);
  const buckets = inactive ? definition.buckets : [{ name: 'inactive', value: -1, description: 'Emergency stop', payload: undefined }, ...definition.buckets];
  return { ...definition, buckets: buckets as TestDefinition['buckets'], allocations: definition.allocations.map((a) => ({ ...a, ranges: [{ bucketValue: -1, length: 1 }] })) };
}

/** Emergency stop: 100% inactive on trunk, then promoted to qa and production, whatever the issue's status. */
export async function stopTest(deps: ServiceDeps, reader: Reader, input: { name: unknown; reason: unknown; issueKey?: unknown }): Promise<ReleaseActionResult> {
  const testName = parseExistingTestName(input.name);
  const actor = requireReader(reader, 'releaser');
  const reason = requireReason(input.reason, 'An emergency stop');
  const trunk = await deps.store.readDefinition(testName, { branch: 'trunk' });
  if (!trunk?.definition) throw new AppError('NOT_FOUND', `Test ${testName} does not exist in TRUNK; there is nothing to stop.`, { data: { testName } });
  const lastEntry = (await deps.store.history(testName, 'trunk', { limit: 1 })).entries[0];
  const issueKey = issueKeyOf(deps, input.issueKey, lastEntry?.issueKey, 'An emergency stop');
  const author = authorOf(actor);
  const inactive = stoppedDefinition(trunk.definition);
  const bucket = inactive.buckets.find((b) => b.value === -1)!;
  if (!/^(inactive|disabled)$/i.test(bucket.name)) {
    throw new AppError('VALIDATION_FAILED', `${testName}'s bucket -1 is named '${bucket.name}', so 100% of it is not Proctor's "inactive". Rename bucket -1 to 'inactive' first, then stop the test.`);
  }
  const commits: ReleaseActionResult['commits'] = [];
  const stop = `Emergency stop of ${testName}: ${reason}`;
  let trunkRevision = trunk.revision;
  const alreadyStopped = JSON.stringify(trunk.definition.allocations) === JSON.stringify(inactive.allocations) && trunk.definition.buckets.length === inactive.buckets.length;
  if (!alreadyStopped) {
    const written = await deps.store.updateTest({ testName, definition: inactive, baseRevision: trunk.revision, issueKey, comment: stop, author });
    commits.push({ env: 'trunk', ...written });
    trunkRevision = written.revision;
  }
  const live = await deps.store.liveRevisions(testName);
  for (const env of ['qa', 'production'] as const) {
    try {
      const promoted = await deps.store.promote({ testName, from: 'trunk', to: env, sourceRevision: trunkRevision, expectedTargetRevision: live[env].revision, author, issueKey, comment: reason, subject: `Emergency stop of ${testName} in ${env}: ${reason}` });
      commits.push({ env, revision: promoted.revision, previousRevision: promoted.previousRevision });
    } catch (error) {
      if ((error as AppError).code !== 'NO_CHANGES') throw error;
    }
  }
  const notices: string[] = [];
  for (const commit of commits) {
    if (commit.env === 'trunk') continue;
    await recordAudit(deps.prisma, { actor: actor.username, actorKind: 'user', action: 'test.promote', target: `test:${testName}`, outcome: 'success', message: `Emergency stop of ${testName} in ${commit.env}`, details: { from: 'trunk', to: commit.env, stop: true, revision: commit.revision, issueKey } }, deps.logger);
  }
  await trail(deps, actor, issueKey, testName, commits, `${actor.username} stopped ${testName}: 100% inactive in ${commits.map((c) => c.env).join(', ') || 'every environment (already)'}. Reason: ${reason}`, notices);
  return { testName, commits, issueKey, notices };
}
