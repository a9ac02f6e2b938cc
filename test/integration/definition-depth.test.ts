/**
 * Deep definitions through the real services and a real store on a temporary bare repository (issue #14, finding 3):
 * saves past the nesting limit are refused and leave the branches alone; one at the limit is saved, read back, listed
 * and built into the matrix; one committed past the limit with native git (outside the app) is reported invalid, and a
 * fresh process still serves the branch's last good matrix instead of none.
 */
import { serviceDepsOf } from '@/lib/services/service-adapters';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BuiltinIssueTracker } from '@/lib/issues/builtin-tracker';
import { seedBuiltinIssues } from '@/lib/issues/seed-builtin-issues';
import { MAX_DEFINITION_DEPTH } from '@/lib/proctor/json-depth';
import { createDefinition, updateDefinition } from '@/lib/services/save-definition';
import type { Actor, ServiceDeps } from '@/lib/services/service-deps';
import { caught } from '@/test/support/caught';
import { createTestDatabase } from '@/test/support/db';
import { SEED_DIR, git, makeTempDir, openTestStore, removeDir, type TestStore } from '@/test/support/temp-repo';
import { key, name, rev } from '@/test/support/typed-values';

const erin: Actor = { username: 'erin', displayName: 'Erin Engineer', email: 'erin@example.com', role: 'editor' };
const TEXT = fs.readFileSync(path.join(SEED_DIR, 'test-definitions', 'checkout_button_color', 'definition.json'), 'utf8');
const LIMIT = MAX_DEFINITION_DEPTH;

/** The seed definition with `arrays` nested arrays (built without recursion) as constant "deep" (level 3 onwards). */
function deepDefinition(arrays: number): Record<string, unknown> {
  let value: unknown = 1;
  for (let i = 0; i < arrays; i++) value = [value];
  return { ...(JSON.parse(TEXT) as Record<string, unknown>), constants: { deep: value } };
}
const deepText = (arrays: number) => TEXT.replace('"constants" : { }', `"constants" : { "deep" : ${'['.repeat(arrays)}1${']'.repeat(arrays)} }`);
/** Arrays that take the constant exactly to the limit. */
const AT_LIMIT = LIMIT - 2;

let dir: string;
let t: TestStore;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let deps: ServiceDeps;

const head = async (branch: string) => (await git(['--git-dir', t.gitdir, 'rev-parse', branch])).trim();
const heads = async () => ({ trunk: await head('trunk'), qa: await head('qa'), production: await head('production') });

beforeAll(async () => {
  dir = await makeTempDir('proctor-depth-');
  t = await openTestStore(dir);
  db = await createTestDatabase();
  await seedBuiltinIssues(db.prisma, [{ key: 'PROTEST-1', summary: 'Deep constants', status: 'In Progress', reporter: 'erin' }]);
  deps = serviceDepsOf({ store: t.store, tracker: new BuiltinIssueTracker(db.prisma, { publicUrl: 'http://studio.test' }), prisma: db.prisma, config: { publicUrl: 'http://studio.test' } });
}, 600_000);
afterAll(async () => {
  await t?.close();
  await db?.close();
  if (dir) await removeDir(dir);
});

describe('saving deep definitions', () => {
  it.each([600, 1_100])('refuses %i levels in constants, naming the limit and the place; no branch moves', async (arrays) => {
    const before = await heads();
    for (const definition of [deepDefinition(arrays), deepText(arrays)]) {
      const error = await caught(createDefinition(deps, erin, { name: 'too_deep', definition, issueKey: key('PROTEST-1') }));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.message).toContain(`Nesting is deeper than ${LIMIT} levels`);
      expect(error.details[0].path).toBe('/constants/deep' + '/0'.repeat(LIMIT - 2));
      const update = await caught(updateDefinition(deps, erin, { name: 'checkout_button_color', definition, baseRevision: before.trunk, issueKey: key('PROTEST-1') }));
      expect(update.code).toBe('VALIDATION_FAILED');
    }
    expect(await heads()).toEqual(before);
  });

  it('saves one at the limit, reads it back, lists it and builds it into the trunk matrix', async () => {
    const saved = await createDefinition(deps, erin, { name: 'deep_at_limit', definition: deepDefinition(AT_LIMIT), issueKey: key('PROTEST-1') });
    expect(saved.outcome).toBe('success');
    const read = await t.store.readDefinition(name('deep_at_limit'), { branch: 'trunk' });
    expect(read?.parseError).toBeUndefined();
    expect(read?.definition?.constants).toEqual(deepDefinition(AT_LIMIT).constants);
    const listed = (await t.store.listDefinitions('trunk')).find((entry) => entry.testName === 'deep_at_limit');
    expect(listed?.definition?.constants).toEqual(deepDefinition(AT_LIMIT).constants);
    const { getEnvironmentMatrix } = await import('@/lib/distribution/matrix-cache');
    const matrix = await getEnvironmentMatrix(t.store, 'trunk');
    expect(matrix.failure).toBeNull();
    expect(matrix.current?.revision).toBe(await head('trunk'));
    expect(matrix.current?.artifact.tests.deep_at_limit.constants).toEqual(deepDefinition(AT_LIMIT).constants);
  });
});

describe('a definition past the limit committed outside the app', () => {
  it('is reported invalid; the last good trunk matrix is served, also by a fresh process', async () => {
    const good = await head('trunk');
    // Committed with native git in a clone, and pushed: the app never sees the save.
    const work = path.join(dir, 'work');
    await git(['clone', '-q', '--branch', 'trunk', t.gitdir, work]);
    fs.mkdirSync(path.join(work, 'test-definitions', 'deep_outside'));
    fs.writeFileSync(path.join(work, 'test-definitions', 'deep_outside', 'definition.json'), deepText(600));
    await git(['add', '.'], { cwd: work });
    await git(['commit', '-q', '-m', 'deep definition committed by hand'], { cwd: work });
    await git(['push', '-q', 'origin', 'trunk'], { cwd: work });
    const bad = await head('trunk');
    expect(bad).not.toBe(good);

    const listed = (await t.store.listDefinitions('trunk')).find((entry) => entry.testName === 'deep_outside');
    expect(listed?.definition).toBeNull();
    expect(listed?.parseError).toContain(`Invalid test definition at /constants/deep${'/0'.repeat(LIMIT - 2)}`);

    // This process keeps the matrix it built before the bad commit.
    const { getEnvironmentMatrix } = await import('@/lib/distribution/matrix-cache');
    const running = await getEnvironmentMatrix(t.store, 'trunk');
    expect(running.current?.revision).toBe(good);
    expect(running.failure).toMatchObject({ revision: bad, details: [{ path: 'deep_outside', message: expect.stringContaining(`deeper than ${LIMIT} levels`) }] });

    // A fresh process (new module state, new store on the same repository) finds the same last good matrix in history.
    vi.resetModules();
    const fresh = await import('@/lib/distribution/matrix-cache');
    const restarted = await openTestStore(dir);
    try {
      const state = await fresh.getEnvironmentMatrix(restarted.store, 'trunk');
      expect(state.current?.revision).toBe(good);
      expect(Object.keys(state.current!.artifact.tests)).toEqual(Object.keys(running.current!.artifact.tests));
      expect(state.failure?.revision).toBe(bad);
      expect(state.failure?.message).toContain('deep_outside');
      const served = await fresh.requireEnvironmentMatrix(restarted.store, 'trunk');
      expect(served.revision).toBe(good);
      // The other environments are not affected at all.
      expect((await fresh.getEnvironmentMatrix(restarted.store, 'qa')).failure).toBeNull();
    } finally {
      await restarted.close();
    }
  }, 600_000);
});
