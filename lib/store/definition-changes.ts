/**
 * The changes a definition writer can make, as typed values, and what each means for the commit: its message and
 * the files it leaves in the test's folder given the files there now. Create, update, delete and revert go to trunk;
 * a promotion copies the whole definition at a source revision to qa or production (FACTS §6.4).
 */
import { AppError } from '@/lib/errors';
import type { Revision } from '@/lib/domain/revision';
import type { TestDefinition } from '@/lib/proctor/model';
import { versionOnPromote } from '@/lib/proctor/definition-version';
import { serializeDefinition, serializeJson } from '@/lib/proctor/serialize-definition';
import { buildCommitMessage, buildPromotionMessage, type ChangeKind } from './commit-message';
import { branchRef, shortRevision, type Environment } from './paths';
import { parseOrError, readTestFiles } from './read';
import type { ChangeMeta, StoreCore } from './store-types';

export type DefinitionChange =
  /** A new test; its definition is written as given (the use case sets its version). */
  | { kind: 'create'; definition: TestDefinition }
  /** An edit; the definition is written as given (the use case kept the version, lib/proctor/definition-version.ts). */
  | { kind: 'update'; definition: TestDefinition }
  | { kind: 'delete' }
  /** The files as they were at `toRevision` (read by the caller), restored as a new commit. */
  | { kind: 'revert'; toRevision: Revision; target: TestFiles }
  /** The whole definition at `sourceRevision` on `from`, with version = the trunk revision it came from. */
  | { kind: 'promote'; from: Environment; sourceRevision: Revision };

export interface TestFiles {
  text: string;
  metadataText: string | null;
}

/** The written files of a test (null = the test's folder is removed). */
export interface NextFiles {
  definitionText: string;
  metadataText: string;
}

/** How the writer carries out one change: read once per attempt (`message`), then `build` on the current files. */
export interface ChangePlan {
  kind: ChangeKind;
  /** Branches fetched with the target (a promotion reads its source). */
  alsoFetch: Environment[];
  message(): Promise<string>;
  build(current: TestFiles | null): Promise<NextFiles | null>;
}

const EMPTY_METADATA = serializeJson({});

/** The message of a trunk change: `<ISSUE-KEY>: <comment>` and trailers; the comment defaults to Proctor's wording. */
function trunkMessage(kind: ChangeKind, meta: ChangeMeta, defaultComment: string, sourceRevision?: string): string {
  return buildCommitMessage({ kind, testName: meta.testName, issueKey: meta.issueKey, comment: meta.comment?.trim() || defaultComment, sourceRevision });
}

export function planChange(core: StoreCore, target: Environment, change: DefinitionChange, meta: ChangeMeta): ChangePlan {
  const name = meta.testName;
  const plain = (kind: ChangeKind, message: string, build: ChangePlan['build']): ChangePlan => ({ kind, alsoFetch: [], message: async () => message, build });
  switch (change.kind) {
    case 'create': {
      const text = serializeDefinition(change.definition);
      return plain('create', trunkMessage('create', meta, `Creating A/B test ${name}`), async () => ({ definitionText: text, metadataText: EMPTY_METADATA }));
    }
    case 'update': {
      const text = serializeDefinition(change.definition);
      return plain('update', trunkMessage('update', meta, `Updating A/B test ${name}`), async (current) => ({
        definitionText: text,
        metadataText: current?.metadataText ?? EMPTY_METADATA,
      }));
    }
    case 'delete':
      return plain('delete', trunkMessage('delete', meta, `Deleting A/B test ${name}`), async () => null);
    case 'revert': {
      const message = trunkMessage('revert', meta, `Reverting ${name} to r${shortRevision(change.toRevision)}`, change.toRevision);
      return plain('revert', message, async (current) => ({
        definitionText: change.target.text,
        metadataText: change.target.metadataText ?? current?.metadataText ?? EMPTY_METADATA,
      }));
    }
    case 'promote':
      return planPromotion(core, target, change, meta);
  }
}

function planPromotion(core: StoreCore, to: Environment, change: Extract<DefinitionChange, { kind: 'promote' }>, meta: ChangeMeta): ChangePlan {
  const { from, sourceRevision } = change;
  const name = meta.testName;
  let source: TestFiles | null = null;
  return {
    kind: 'promote',
    alsoFetch: [from],
    message: async () => {
      const head = await core.repo.readRef(branchRef(core.layout, from));
      await core.index.ensure(from, head, { wait: true });
      const entry = await core.index.entry(from, name, sourceRevision);
      if (!entry || entry.changeKind === 'delete') {
        throw new AppError('NOT_FOUND', `Could not find history for ${name} at revision ${shortRevision(sourceRevision)} on ${from}.`, {
          data: { testName: name, revision: sourceRevision, branch: from },
        });
      }
      const files = await readTestFiles(core.repo, sourceRevision, core.dirSegments, name);
      if (!files) throw new AppError('NOT_FOUND', `Test ${name} does not exist at revision ${shortRevision(sourceRevision)}.`);
      source = { text: files.text, metadataText: files.metadataText };
      const message = buildPromotionMessage(
        { kind: 'promote', testName: name, issueKey: meta.issueKey, comment: meta.comment ?? '', sourceRevision, sourceBranch: from, targetBranch: to },
        entry.message,
      );
      return meta.subject ? oneLineSubject(meta.subject) + message.slice(message.indexOf('\n')) : message;
    },
    build: async () => {
      const { definition, parseError } = parseOrError(source!.text);
      if (!definition) throw new AppError('VALIDATION_FAILED', `Test ${name} at ${shortRevision(sourceRevision)} cannot be read: ${parseError}`);
      const version = versionOnPromote(from, sourceRevision, definition);
      return { definitionText: serializeDefinition({ ...definition, version }), metadataText: source!.metadataText ?? EMPTY_METADATA };
    },
  };
}

/** A caller's subject line: one line, as git shows it. */
function oneLineSubject(subject: string): string {
  return subject.replace(/\s+/g, ' ').trim();
}
