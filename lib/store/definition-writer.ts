/**
 * The one write path of the store: "update branch B if the test there is still at revision H, with this typed change".
 * Under the in-process write lock, each attempt: fetch (upstream), bring the index to the head, check the test's
 * last-change revision against the expected one (optimistic lock), build the tree, commit, publish (ref
 * compare-and-swap under git's `<ref>.lock`, or a push the server refuses unless it fast-forwards). If publishing loses
 * a race, the next attempt starts over on the new head — and fails as stale if the test itself changed.
 */
import { AppError } from '@/lib/errors';
import type { Revision } from '@/lib/domain/revision';
import type { BranchSync } from './branch-sync';
import { planChange, type DefinitionChange, type NextFiles } from './definition-changes';
import { branchRef, DEFINITION_FILE, METADATA_FILE, shortRevision, type Environment } from './paths';
import { readTestFiles } from './read';
import type { Signature } from './repository';
import { gitRevision, type ChangeMeta, type StoreCore, type WriteResult } from './store-types';
import { UnsettledPushes } from './unsettled-pushes';

export interface WriteRequest {
  branch: Environment;
  /** The test's last-change revision on `branch` the caller saw; null when it saw no test there (create, first promotion). */
  expected: Revision | null;
  change: DefinitionChange;
  meta: ChangeMeta;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function staleError(testName: string, expected: string | null, actual: string | null): AppError {
  return new AppError(
    'STALE_REVISION',
    `Test '${testName}' was updated since revision ${shortRevision(expected)}; it is now at ${shortRevision(actual)}. Reload and re-apply your change.`,
    { data: { testName, expected, actual } },
  );
}

/** The files a change leaves equal the ones there (null: the test is absent). */
function sameFiles(next: NextFiles | null, current: { text: string; metadataText: string | null } | null): boolean {
  if (next === null || current === null) return next === null && current === null;
  return next.definitionText === current.text && next.metadataText === (current.metadataText ?? next.metadataText);
}

export class DefinitionWriter {
  private readonly unsettled: UnsettledPushes;

  constructor(
    private readonly core: StoreCore,
    private readonly branches: BranchSync,
  ) {
    this.unsettled = new UnsettledPushes(core.options.prisma);
  }

  async apply(request: WriteRequest): Promise<WriteResult> {
    if (this.branches.closed) throw new AppError('NOT_READY', 'The definition store is closed.');
    const { core } = this;
    const { branch: env, meta } = request;
    const testName = meta.testName;
    const plan = planChange(core, env, request.change, meta);
    const maxAttempts = core.options.maxWriteAttempts ?? 12;
    // Instances sharing the upstream take turns per branch (lib/db/turns.ts): with the turn held, nobody of ours moves
    // the branch between this attempt's fetch and its push, so only a writer from outside can make an attempt lose.
    const turns = this.branches.hasRemote ? core.options.writeTurns : undefined;
    const inTurn = <T>(work: () => Promise<T>) => (turns ? turns.take(`write ${branchRef(core.layout, env)}`, work) : work());
    return core.writeMutex.run(() =>
      core.gate.shared(() =>
        inTurn(async () => {
          for (let attempt = 1; attempt <= maxAttempts; attempt++) {
            const head = await this.branches.headForWrite(env, plan.alsoFetch);
            await core.index.ensure(env, head, { wait: true });
            const message = await plan.message();
            const change = core.index.lastChangesOf(env).get(testName);
            const actual = change && !change.deleted ? change.revision : null;
            // A revert may bring back a deleted test: it is checked against the delete commit.
            const compared = plan.kind === 'revert' && change?.deleted ? change.revision : actual;
            const current = head && actual ? await readTestFiles(core.repo, head, core.dirSegments, testName) : null;
            const built = () => plan.build(current ? { text: current.text, metadataText: current.metadataText } : null);
            // The test's last change may be this author's own unanswered push of this very change, landed after all.
            const ownRetry = async (previous: string | null) => {
              const retried = change ? await this.unsettled.find(change.revision, env, testName, meta.author.email).catch(() => null) : null;
              if (!retried || retried.previousRevision !== previous || !sameFiles(await built(), current)) return null;
              await this.unsettled.forget(retried.commit).catch((error: unknown) => core.reportError(error, `settling the push of ${retried.commit}`));
              return { revision: gitRevision(retried.commit), previousRevision: retried.previousRevision === null ? null : gitRevision(retried.previousRevision) };
            };
            if (plan.kind === 'create') {
              if (actual !== null) {
                const retried = await ownRetry(null);
                if (retried) return retried;
                throw new AppError('ALREADY_EXISTS', `Current tests exists with name : '${testName}'`, { data: { testName, revision: actual } });
              }
            } else if (compared !== request.expected) {
              const retried = await ownRetry(request.expected);
              if (retried) return retried;
              if (compared === null && plan.kind !== 'promote' && !change) {
                throw new AppError('NOT_FOUND', `Test ${testName} does not exist in ${env}.`, { data: { testName } });
              }
              throw staleError(testName, request.expected, compared);
            }

            const rootTree = head ? (await core.repo.readCommit(head)).tree : null;
            const next = await built();
            if (next === null && !current) throw new AppError('NOT_FOUND', `Unable to delete non-existent test ${testName}`);
            if (next && current && sameFiles(next, current)) {
              // A retry that read the target after its own unanswered push landed (it names that commit as its base).
              const retried = change && compared === change.revision ? await this.unsettled.find(change.revision, env, testName, meta.author.email).catch(() => null) : null;
              if (retried) {
                const settled = await ownRetry(retried.previousRevision);
                if (settled) return settled;
              }
              throw new AppError(
                'NO_CHANGES',
                plan.kind === 'promote' ? `Test ${testName} on ${env} already holds this definition.` : `Attempting to save test definition without changes for test ${testName}`,
                { data: { testName } },
              );
            }
            const tree = await core.repo.replaceSubtree(rootTree, [...core.dirSegments, testName], async (entries) => {
              if (next === null) return null;
              const [definitionBlob, metadataBlob] = await Promise.all([core.repo.writeBlobText(next.definitionText), core.repo.writeBlobText(next.metadataText)]);
              const rest = entries.filter((e) => e.path !== DEFINITION_FILE && e.path !== METADATA_FILE);
              return [
                ...rest,
                { mode: '100644', path: DEFINITION_FILE, oid: definitionBlob, type: 'blob' },
                { mode: '100644', path: METADATA_FILE, oid: metadataBlob, type: 'blob' },
              ];
            });
            const seconds = Math.floor(core.now() / 1000);
            const author: Signature = { name: meta.author.name, email: meta.author.email, timestamp: seconds, timezoneOffset: 0 };
            const committer: Signature = { ...core.options.committer, timestamp: seconds, timezoneOffset: 0 };
            const commit = await core.repo.writeCommit({ tree, parents: head ? [head] : [], message, author, committer });

            let published: boolean;
            try {
              published = await this.branches.publish(env, head, commit);
            } catch (error) {
              // Sent but unanswered (whether the look at the upstream found it absent or could not be made): it may land
              // yet, so a retry of this change must be able to recognise it (unsettled-pushes.ts).
              if (error instanceof AppError && error.data?.commit === commit) {
                await this.unsettled
                  .remember({ commit, branch: env, testName, previousRevision: compared, authorEmail: meta.author.email })
                  .catch((recordError: unknown) => core.reportError(recordError, `recording the unanswered push of ${commit}`));
              }
              throw error;
            }
            if (published) {
              // The commit is saved from here on: a history index that cannot be updated now (the database is
              // restarting) must not turn it into a failed save. The next read or write catches the index up from git.
              await core.index.ensure(env, commit, { wait: true }).catch((error: unknown) => core.reportError(error, `indexing ${env} after saving ${commit}`));
              return { revision: gitRevision(commit), previousRevision: compared === null ? null : gitRevision(compared) };
            }
            // Lost the race: another process, or a writer outside our database's turns, moved the branch. Back off
            // exponentially with full jitter (up to 1 s) and rebuild on the new head.
            await sleep(Math.floor(Math.random() * Math.min(1000, 10 * 2 ** attempt)));
          }
          throw new AppError(
            this.branches.hasRemote ? 'UPSTREAM_REJECTED' : 'INTERNAL',
            `Could not save ${testName}: ${env} kept moving during ${maxAttempts} attempt${maxAttempts === 1 ? '' : 's'}. Try again.`,
          );
        }),
      ),
    );
  }
}
