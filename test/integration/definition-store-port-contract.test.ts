/**
 * The fake store of the use-case tests (test/support/fake-definition-store.ts) keeps the real DefinitionStore's
 * contract: one scenario of writes and reads runs on both, and what a caller can observe — results, error codes,
 * which revision is compared, the `version` rules — must be the same. Revisions are compared by the order they appear.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '@/lib/errors';
import type { DefinitionStorePort } from '@/lib/services/ports';
import { FakeDefinitionStore } from '@/test/support/fake-definition-store';
import { makeTempDir, openTestStore, removeDir, type TestStore } from '@/test/support/temp-repo';
import { runningDefinition } from '@/test/support/use-case-fixtures';
import { readDefinition } from '@/lib/proctor/parse-definition';
import type { JsonValue } from '@/lib/proctor/model';
import { key, name, rev } from '@/test/support/typed-values';

const author = { name: 'Erin Editor', email: 'erin@example.com' };
const A = name('contract_a_tst');
const definition = (description: string) => ({ ...readDefinition(runningDefinition(A) as JsonValue), description });

/** Runs the scenario; every step's outcome goes into the transcript, with revisions replaced by r1, r2, … */
async function transcript(store: DefinitionStorePort): Promise<unknown[]> {
  const labels = new Map<string, string>();
  const label = (value: unknown): unknown => {
    if (typeof value === 'string' && /^[0-9a-f]{40}$/.test(value)) {
      if (!labels.has(value)) labels.set(value, `r${labels.size + 1}`);
      return labels.get(value);
    }
    if (Array.isArray(value)) return value.map(label);
    if (value && typeof value === 'object' && !(value instanceof Date)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, label(v)]));
    return value;
  };
  const out: unknown[] = [];
  const step = async (name: string, run: () => Promise<unknown>) => {
    try {
      out.push([name, label(await run())]);
    } catch (error) {
      if (!isAppError(error)) throw error;
      out.push([name, error.code, label(error.data)]);
    }
  };
  const change = { author, issueKey: key('PROTEST-1') };
  const revisionOf = async (branch: 'trunk' | 'qa' | 'production') => (await store.readDefinition(A, { branch }))?.revision ?? null;
  const versionOf = async (branch: 'trunk' | 'qa' | 'production') => (await store.readDefinition(A, { branch }))?.definition?.version ?? null;

  await step('create', () => store.createTest({ ...change, testName: A, definition: definition('one') }));
  const r1 = (await revisionOf('trunk'))!;
  await step('create again', () => store.createTest({ ...change, testName: A, definition: definition('one') }));
  await step('update', () => store.updateTest({ ...change, testName: A, definition: { ...definition('two'), version: '999' }, baseRevision: r1 }));
  const r2 = (await revisionOf('trunk'))!;
  // The store writes an edit as given; the save use case keeps the stored version (lib/proctor/definition-version.ts).
  await step('version written as given', () => versionOf('trunk'));
  await step('update from a stale base', () => store.updateTest({ ...change, testName: A, definition: definition('three'), baseRevision: r1 }));
  await step('update without changes', () => store.updateTest({ ...change, testName: A, definition: definition('two'), baseRevision: r2 }));
  await step('promote to qa', () => store.promote({ ...change, testName: A, from: 'trunk', to: 'qa', sourceRevision: r2, expectedTargetRevision: null }));
  const q1 = (await revisionOf('qa'))!;
  await step('qa version', () => versionOf('qa'));
  await step('promote to qa again, stale target', () => store.promote({ ...change, testName: A, from: 'trunk', to: 'qa', sourceRevision: r2, expectedTargetRevision: null }));
  await step('promote to qa again, same definition', () => store.promote({ ...change, testName: A, from: 'trunk', to: 'qa', sourceRevision: r2, expectedTargetRevision: q1 }));
  await step('promote qa to production', () => store.promote({ ...change, testName: A, from: 'qa', to: 'production', sourceRevision: q1, expectedTargetRevision: null }));
  await step('production version', () => versionOf('production'));
  await step('live revisions', () => store.liveRevisions(A));
  await step('drift', async () => (await store.drift()).filter((entry) => entry.testName === A));
  await step('delete from a stale base', () => store.deleteTest({ ...change, testName: A, baseRevision: r1 }));
  await step('delete', () => store.deleteTest({ ...change, testName: A, baseRevision: r2 }));
  const deleted = rev((await store.history(A, 'trunk', { limit: 1 })).entries[0].revision);
  await step('read deleted', () => store.readDefinition(A, { branch: 'trunk' }));
  await step('revert to the first revision', () => store.revertTest({ ...change, testName: A, toRevision: r1, baseRevision: deleted }));
  await step('reverted description', async () => (await store.readDefinition(A, { branch: 'trunk' }))?.definition?.description);
  await step('read by revision', async () => (await store.readDefinition(A, { revision: r2 }))?.definition?.description);
  await step('history', async () => {
    const { entries, total } = await store.history(A, 'trunk');
    return { total, entries: entries.map((e) => [e.revision, e.changeKind, e.issueKey]) };
  });
  await step('update a test that does not exist', () => store.updateTest({ ...change, testName: name('contract_b_tst'), definition: definition('b'), baseRevision: r1 }));
  await step('listing', async () => (await store.listDefinitions('qa')).filter((d) => d.testName === A).map((d) => [d.testName, d.revision]));
  return out;
}

let dir: string;
let real: TestStore;
beforeAll(async () => {
  dir = await makeTempDir('proctor-port-contract-');
  real = await openTestStore(dir);
}, 120_000);
afterAll(async () => {
  await real?.close();
  if (dir) await removeDir(dir);
});

describe('FakeDefinitionStore keeps the DefinitionStore contract', () => {
  it('answers the same scenario the same way', async () => {
    const expected = await transcript(real.store);
    const actual = await transcript(new FakeDefinitionStore());
    expect(actual).toEqual(expected);
  }, 120_000);
});
