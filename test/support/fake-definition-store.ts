/**
 * An in-memory DefinitionStorePort for use-case tests: the store's contract (what the real DefinitionStore promises
 * its callers, checked against it in test/integration/definition-store-port-contract.test.ts) without git or a
 * database. Each write is one "commit" with a 40-hex id; each branch keeps its snapshots so reads by revision work.
 *
 * The contract kept here: a write names the revision its caller saw (expected) and is refused with STALE_REVISION
 * when the test has changed since; create refuses an existing test (ALREADY_EXISTS); an edit keeps the stored
 * `version`; a promotion copies the whole definition with `version` = the trunk revision it came from; a write that
 * changes nothing is NO_CHANGES.
 */
import { createHash } from 'node:crypto';
import { isPromotion } from '@/lib/domain/environment';
import { AppError } from '@/lib/errors';
import { diffDefinitions } from '@/lib/proctor/diff-definitions';
import type { TestDefinition } from '@/lib/proctor/model';
import { parseDefinition } from '@/lib/proctor/parse-definition';
import { serializeDefinition } from '@/lib/proctor/serialize-definition';
import { unifiedDiff } from '@/lib/proctor/unified-diff';
import type { DefinitionStorePort } from '@/lib/services/ports';
import { ENVIRONMENTS, type Author, type DefinitionStore, type Environment, type RevisionSelector } from '@/lib/store';
import { computeDrift } from '@/lib/domain/drift';
import type { Revision } from '@/lib/domain/revision';
import type { TestName } from '@/lib/domain/test-name';
import { versionOnPromote } from '@/lib/proctor/definition-version';
import type { HistoryEntryRecord } from '@/lib/store/history-index';

/** The real store is one: the port is what the use cases may use of it. */
const _realStoreFitsThePort: DefinitionStorePort = null as unknown as DefinitionStore;
void _realStoreFitsThePort;

interface StoredTest {
  /** Last-change revision: the commit that last changed the test on this branch. */
  revision: Revision;
  text: string;
  deleted: boolean;
}

type Snapshot = Map<TestName, StoredTest>;
type Port = DefinitionStorePort;

export interface FakeWrite {
  kind: 'create' | 'update' | 'delete' | 'revert' | 'promote';
  branch: Environment;
  testName: string;
  revision: Revision;
  author: Author;
  issueKey: string;
  comment?: string;
}

function parsed(text: string): { definition: TestDefinition | null; parseError?: string } {
  try {
    return { definition: parseDefinition(text) };
  } catch (error) {
    return { definition: null, parseError: (error as Error).message };
  }
}

const short = (revision: string | null) => (revision ? revision.slice(0, 7) : 'none');

export class FakeDefinitionStore implements Port {
  /** Every write in order, for assertions about what a use case committed. */
  readonly writes: FakeWrite[] = [];
  /** When set, the next write fails with this error before committing (a store that cannot write). */
  failNextWrite: Error | null = null;
  private readonly heads = new Map<Environment, Revision | null>(ENVIRONMENTS.map((env) => [env, null]));
  private readonly commits = new Map<Revision, { branch: Environment; snapshot: Snapshot; entry: HistoryEntryRecord }>();
  private readonly log = new Map<Environment, HistoryEntryRecord[]>(ENVIRONMENTS.map((env) => [env, []]));
  private counter = 0;
  private readonly clock: () => number;

  constructor(options: { now?: () => number } = {}) {
    this.clock = options.now ?? (() => Date.UTC(2030, 0, 1));
  }

  private snapshot(branch: Environment): Snapshot {
    const head = this.heads.get(branch) ?? null;
    return head ? this.commits.get(head)!.snapshot : new Map();
  }

  private current(branch: Environment, testName: TestName): StoredTest | null {
    const entry = this.snapshot(branch).get(testName);
    return entry && !entry.deleted ? entry : null;
  }

  private commit(args: { branch: Environment; testName: TestName; text: string | null; kind: FakeWrite['kind']; author: Author; issueKey: string; comment?: string; sourceRevision?: Revision; sourceBranch?: Environment }): Revision {
    if (this.failNextWrite) {
      const error = this.failNextWrite;
      this.failNextWrite = null;
      throw error;
    }
    const revision = createHash('sha1').update(`fake-commit-${++this.counter}`).digest('hex') as Revision;
    const parent = this.heads.get(args.branch) ?? null;
    const snapshot: Snapshot = new Map(this.snapshot(args.branch));
    snapshot.set(args.testName, { revision, text: args.text ?? '', deleted: args.text === null });
    const at = new Date(this.clock() + this.counter * 1000);
    const entry: HistoryEntryRecord = {
      branch: args.branch,
      testName: args.testName,
      revision,
      parentRevision: parent,
      authorName: args.author.name,
      authorEmail: args.author.email,
      authoredAt: at,
      committedAt: at,
      message: `${args.issueKey}: ${args.kind} ${args.testName}${args.comment ? ` (${args.comment})` : ''}`,
      issueKey: args.issueKey,
      changeKind: args.kind,
      sourceRevision: args.sourceRevision ?? null,
      sourceBranch: args.sourceBranch ?? null,
      seq: this.counter,
    };
    this.commits.set(revision, { branch: args.branch, snapshot, entry });
    this.log.get(args.branch)!.unshift(entry);
    this.heads.set(args.branch, revision);
    this.writes.push({ kind: args.kind, branch: args.branch, testName: args.testName, revision, author: args.author, issueKey: args.issueKey, comment: args.comment });
    return revision;
  }

  /** The store's optimistic lock: the test's last-change revision must still be the one the caller saw. */
  private expect(branch: Environment, testName: TestName, expected: Revision | null, options: { revert?: boolean; promote?: boolean } = {}): Revision | null {
    const entry = this.snapshot(branch).get(testName);
    const actual = entry && !entry.deleted ? entry.revision : null;
    const compared = options.revert && entry?.deleted ? entry.revision : actual;
    if (compared !== expected) {
      if (compared === null && !options.promote && !entry) throw new AppError('NOT_FOUND', `Test ${testName} does not exist in ${branch}.`, { data: { testName } });
      throw new AppError('STALE_REVISION', `Test '${testName}' was updated since revision ${short(expected)}; it is now at ${short(compared)}. Reload and re-apply your change.`, {
        data: { testName, expected, actual: compared },
      });
    }
    return compared;
  }

  private textAt(commit: Revision, testName: TestName): string | null {
    const found = this.commits.get(commit)?.snapshot.get(testName);
    return found && !found.deleted ? found.text : null;
  }

  /** The last-change revision of a test as of `commit`. */
  private revisionAt(commit: Revision, testName: TestName): Revision | null {
    const found = this.commits.get(commit)?.snapshot.get(testName);
    return found && !found.deleted ? found.revision : null;
  }

  // ─── reads ───────────────────────────────────────────────────────────────────────────────────────────────────────

  async readDefinition(testName: TestName, selector: RevisionSelector): ReturnType<Port['readDefinition']> {
    if ('branch' in selector) {
      const head = this.heads.get(selector.branch) ?? null;
      const entry = this.current(selector.branch, testName);
      if (!head || !entry) return null;
      return { testName, branch: selector.branch, revision: entry.revision, commit: head, text: entry.text, ...parsed(entry.text) };
    }
    if (!this.commits.has(selector.revision)) throw new AppError('NOT_FOUND', `Revision ${short(selector.revision)} does not exist.`);
    const text = this.textAt(selector.revision, testName);
    if (text === null) return null;
    return { testName, revision: this.revisionAt(selector.revision, testName)!, commit: selector.revision, text, ...parsed(text) };
  }

  async listDefinitions(branch: Environment): ReturnType<Port['listDefinitions']> {
    return [...this.snapshot(branch)]
      .filter(([, entry]) => !entry.deleted)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([testName, entry]) => ({ testName, revision: entry.revision, text: entry.text, ...parsed(entry.text) }));
  }

  async liveRevisions(testName: TestName): ReturnType<Port['liveRevisions']> {
    const live = (env: Environment) => this.current(env, testName);
    const promoted = (env: Environment) => {
      const entry = live(env);
      return { revision: entry?.revision ?? null, sourceTrunkRevision: entry ? (parsed(entry.text).definition?.version ?? null) : null };
    };
    return { trunk: { revision: live('trunk')?.revision ?? null }, qa: promoted('qa'), production: promoted('production') };
  }

  async history(testName: TestName, branch: Environment, page: { limit?: number; offset?: number } = {}): ReturnType<Port['history']> {
    const entries = this.log.get(branch)!.filter((entry) => entry.testName === testName);
    const offset = page.offset ?? 0;
    return { entries: entries.slice(offset, offset + (page.limit ?? 32)), total: entries.length };
  }

  async diff(testName: TestName, from: RevisionSelector, to: RevisionSelector): ReturnType<Port['diff']> {
    const side = async (selector: RevisionSelector) => {
      const read = await this.readDefinition(testName, selector);
      const label = 'branch' in selector ? selector.branch : `r${short(selector.revision)}`;
      return { label, commit: read?.commit ?? null, revision: read?.revision ?? null, text: read?.text ?? null, definition: read?.definition ?? null };
    };
    const [before, after] = await Promise.all([side(from), side(to)]);
    if (before.text === null && after.text === null) throw new AppError('NOT_FOUND', `Test ${testName} does not exist in either ${before.label} or ${after.label}.`);
    return { testName, before, after, changes: diffDefinitions(before.definition, after.definition), unified: unifiedDiff(before.text ?? '', after.text ?? '', { aLabel: before.label, bLabel: after.label }) };
  }

  async drift(): ReturnType<Port['drift']> {
    const entries = async (env: Environment) => (await this.listDefinitions(env)).map((d) => ({ testName: d.testName, revision: d.revision, version: d.definition?.version ?? null }));
    return computeDrift(await entries('trunk'), await entries('qa'), await entries('production'));
  }

  async head(env: Environment): Promise<Revision | null> {
    return this.heads.get(env) ?? null;
  }

  indexStatus(): ReturnType<Port['indexStatus']> {
    return { ready: true, branches: [], lastSync: null };
  }

  async sync(): ReturnType<Port['sync']> {
    return { heads: { trunk: this.heads.get('trunk') ?? null, qa: this.heads.get('qa') ?? null, production: this.heads.get('production') ?? null } };
  }

  // ─── writes ──────────────────────────────────────────────────────────────────────────────────────────────────────

  private refuseNoChange(branch: Environment, testName: TestName, text: string, promote = false): void {
    if (this.current(branch, testName)?.text === text) {
      throw new AppError('NO_CHANGES', promote ? `Test ${testName} on ${branch} already holds this definition.` : `Attempting to save test definition without changes for test ${testName}`, {
        data: { testName },
      });
    }
  }

  async createTest(input: Parameters<Port['createTest']>[0]): ReturnType<Port['createTest']> {
    const existing = this.current('trunk', input.testName);
    if (existing) throw new AppError('ALREADY_EXISTS', `Current tests exists with name : '${input.testName}'`, { data: { testName: input.testName, revision: existing.revision } });
    // Written as given: the save use case sets the version (lib/proctor/definition-version.ts).
    const text = serializeDefinition(input.definition);
    const revision = this.commit({ branch: 'trunk', testName: input.testName, text, kind: 'create', author: input.author, issueKey: input.issueKey, comment: input.comment });
    return { revision, previousRevision: null };
  }

  async updateTest(input: Parameters<Port['updateTest']>[0]): ReturnType<Port['updateTest']> {
    const previousRevision = this.expect('trunk', input.testName, input.baseRevision);
    // Written as given: the save use case kept the stored version (lib/proctor/definition-version.ts).
    const text = serializeDefinition(input.definition);
    this.refuseNoChange('trunk', input.testName, text);
    const revision = this.commit({ branch: 'trunk', testName: input.testName, text, kind: 'update', author: input.author, issueKey: input.issueKey, comment: input.comment });
    return { revision, previousRevision };
  }

  async deleteTest(input: Parameters<Port['deleteTest']>[0]): ReturnType<Port['deleteTest']> {
    const previousRevision = this.expect('trunk', input.testName, input.baseRevision);
    const revision = this.commit({ branch: 'trunk', testName: input.testName, text: null, kind: 'delete', author: input.author, issueKey: input.issueKey, comment: input.comment });
    return { revision, previousRevision };
  }

  async revertTest(input: Parameters<Port['revertTest']>[0]): ReturnType<Port['revertTest']> {
    const target = this.commits.has(input.toRevision) ? this.textAt(input.toRevision, input.testName) : null;
    if (target === null) throw new AppError('NOT_FOUND', `Test ${input.testName} does not exist at revision ${short(input.toRevision)}.`);
    const previousRevision = this.expect('trunk', input.testName, input.baseRevision, { revert: true });
    this.refuseNoChange('trunk', input.testName, target);
    const revision = this.commit({ branch: 'trunk', testName: input.testName, text: target, kind: 'revert', author: input.author, issueKey: input.issueKey, comment: input.comment });
    return { revision, previousRevision };
  }

  async promote(input: Parameters<Port['promote']>[0]): ReturnType<Port['promote']> {
    if (!isPromotion(input.from, input.to)) {
      throw new AppError('PROMOTION_NOT_ALLOWED', `Invalid combination of source and destination: source=${input.from} dest=${input.to}`, { data: { from: input.from, to: input.to } });
    }
    const previousRevision = this.expect(input.to, input.testName, input.expectedTargetRevision, { promote: true });
    const source = this.commits.get(input.sourceRevision);
    const text = source && source.branch === input.from ? this.textAt(input.sourceRevision, input.testName) : null;
    if (text === null) throw new AppError('NOT_FOUND', `Could not find history for ${input.testName} at revision ${short(input.sourceRevision)} on ${input.from}.`);
    const definition = parsed(text).definition;
    if (!definition) throw new AppError('VALIDATION_FAILED', `Test ${input.testName} at ${short(input.sourceRevision)} cannot be read.`);
    const version = versionOnPromote(input.from, input.sourceRevision, definition);
    const promoted = serializeDefinition({ ...definition, version });
    this.refuseNoChange(input.to, input.testName, promoted, true);
    const revision = this.commit({
      branch: input.to,
      testName: input.testName,
      text: promoted,
      kind: 'promote',
      author: input.author,
      issueKey: input.issueKey,
      comment: input.comment,
      sourceRevision: input.sourceRevision,
      sourceBranch: input.from,
    });
    return { revision, sourceRevision: input.sourceRevision, previousRevision };
  }
}
