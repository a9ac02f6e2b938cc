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
import { planChange, type DefinitionChange } from './definition-changes';
import { DEFINITION_FILE, METADATA_FILE, shortRevision, type Environment } from './paths';
import { readTestFiles } from './read';
import type { Signature } from './repository';
import { gitRevision, type ChangeMeta, type StoreCore, type WriteResult } from './store-types';

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

export class DefinitionWriter {
  constructor(
    private readonly core: StoreCore,
    private readonly branches: BranchSync,
  ) {}

  async apply(request: WriteRequest): Promise<WriteResult> {
    if (this.branches.closed) throw new AppError('NOT_READY', 'The definition store is closed.');
    const { core } = this;
    const { branch: env, meta } = request;
    const testName = meta.testName;
    const plan = planChange(core, env, request.change, meta);
    const maxAttempts = core.options.maxWriteAttempts ?? 12;
    return core.writeMutex.run(() =>
      core.gate.shared(async () => {
        for (let attempt = 1; attempt <= maxAttempts; attempt++) {
          const head = await this.branches.headForWrite(env, plan.alsoFetch);
          await core.index.ensure(env, head, { wait: true });
          const message = await plan.message();
          const change = core.index.lastChangesOf(env).get(testName);
          const actual = change && !change.deleted ? change.revision : null;
          // A revert may bring back a deleted test: it is checked against the delete commit.
          const compared = plan.kind === 'revert' && change?.deleted ? change.revision : actual;
          if (plan.kind === 'create') {
            if (actual !== null) {
              throw new AppError('ALREADY_EXISTS', `Current tests exists with name : '${testName}'`, { data: { testName, revision: actual } });
            }
          } else if (compared !== request.expected) {
            if (compared === null && plan.kind !== 'promote' && !change) {
              throw new AppError('NOT_FOUND', `Test ${testName} does not exist in ${env}.`, { data: { testName } });
            }
            throw staleError(testName, request.expected, compared);
          }

          const rootTree = head ? (await core.repo.readCommit(head)).tree : null;
          const current = head && actual ? await readTestFiles(core.repo, head, core.dirSegments, testName) : null;
          const next = await plan.build(current ? { text: current.text, metadataText: current.metadataText } : null);
          if (next === null && !current) throw new AppError('NOT_FOUND', `Unable to delete non-existent test ${testName}`);
          if (next && current && next.definitionText === current.text && next.metadataText === (current.metadataText ?? next.metadataText)) {
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

          if (await this.branches.publish(env, head, commit)) {
            // The commit is saved from here on: a history index that cannot be updated now (the database is
            // restarting) must not turn it into a failed save. The next read or write catches the index up from git.
            await core.index.ensure(env, commit, { wait: true }).catch((error: unknown) => core.reportError(error, `indexing ${env} after saving ${commit}`));
            return { revision: gitRevision(commit), previousRevision: compared === null ? null : gitRevision(compared) };
          }
          // Lost the race: someone moved the branch. Back off a little (jitter) and rebuild on the new head.
          await sleep(Math.floor(Math.random() * 10 * attempt));
        }
        throw new AppError(
          this.branches.hasRemote ? 'UPSTREAM_REJECTED' : 'INTERNAL',
          `Could not save ${testName}: ${env} kept moving during ${maxAttempts} attempts. Try again.`,
        );
      }),
    );
  }
}
