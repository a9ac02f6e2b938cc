/**
 * The tests list service (listTests) on a real store seeded from proctor-data: search, filters, sorting, pagination
 * and last changes, with expectations derived from the store's own listings/drift and from the native git CLI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDefinition } from '@/lib/proctor/model';
import { listTests, type ListTestsQuery } from '@/lib/services/list-tests';
import type { TestDrift } from '@/lib/store';
import { createTestDatabase } from '../support/db';
import { AUTHORS, SEED_DIR, git, makeTempDir, openTestStore, removeDir, type TestStore } from '../support/temp-repo';
import { key, name, rev } from '@/test/support/typed-values';

let dir: string;
let t: TestStore;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let seedNames: string[];
let trunk: Map<string, TestDefinition>;
let drift: TestDrift[];
/** The store's clock: git keeps whole seconds, so each write in this file moves it on by a minute. */
let clock = Date.UTC(2030, 0, 1, 9, 0, 0);
const tick = () => (clock += 60_000);

const deps = () => ({ store: t.store, prisma: db.prisma });
const VIEWER = { username: 'val', displayName: 'Val', email: null, role: 'viewer' as const };
/** Every matching name, in list order (one page large enough for the whole seed). */
const names = async (query: ListTestsQuery = {}) => (await listTests(deps(), VIEWER, { pageSize: 200, ...query })).tests.map((row) => row.name);

async function trunkDefinitions(): Promise<Map<string, TestDefinition>> {
  const listed = await t.store.listDefinitions('trunk');
  return new Map(listed.map((entry) => [entry.testName, entry.definition!]));
}

beforeAll(async () => {
  dir = await makeTempDir('proctor-list-');
  db = await createTestDatabase();
  t = await openTestStore(dir, { prisma: db.prisma, now: () => clock });
  seedNames = (await git(['ls-files'], { cwd: SEED_DIR }))
    .split('\n')
    .filter((file) => file.endsWith('/definition.json'))
    .map((file) => file.split('/')[1])
    .sort();
  trunk = await trunkDefinitions();
  drift = await t.store.drift();
});

afterAll(async () => {
  await t?.close();
  await db?.close();
  await removeDir(dir);
});

describe('listTests on the seeded repository', () => {
  it('lists every seed test by name with total and matching counts', async () => {
    const result = await listTests(deps(), VIEWER, { pageSize: 200 });
    expect(result.total).toBe(seedNames.length);
    expect(result.matching).toBe(seedNames.length);
    expect(result.tests.map((row) => row.name)).toEqual(seedNames);
    for (const env of ['trunk', 'qa', 'production'] as const) expect(result.heads[env]).toBe(await t.store.head(env));
    // Rows carry no search text.
    expect(result.tests[0]).not.toHaveProperty('searchText');
  });

  it('search: each term must match, in the name, description, rules, bucket names, tags, salt or test type', async () => {
    const sample = trunk.get(seedNames[0])!;
    // One term per searchable field, each from a definition in the seed; the expectation is the seed tests whose
    // definition contains the term in that field (or in any other searchable field).
    const fieldsOf = (name: string, d: TestDefinition) =>
      [name, d.description ?? '', d.rule ?? '', d.testType ?? '', d.salt ?? '', ...d.metaTags, ...d.buckets.flatMap((b) => [b.name, b.description ?? '']), ...d.allocations.map((a) => a.rule ?? '')]
        .join('\n')
        .toLowerCase();
    const expectFor = (terms: string[]) => seedNames.filter((name) => terms.every((term) => fieldsOf(name, trunk.get(name)!).includes(term.toLowerCase())));

    const withRule = seedNames.find((name) => trunk.get(name)!.allocations.some((a) => a.rule));
    const withTag = seedNames.find((name) => trunk.get(name)!.metaTags.length > 0);
    expect(withRule, 'the seed has an allocation rule').toBeDefined();
    expect(withTag, 'the seed has a meta tag').toBeDefined();
    const ruleText = trunk.get(withRule!)!.allocations.find((a) => a.rule)!.rule!;
    const cases: Array<{ field: string; term: string; holder: string }> = [
      { field: 'name', term: seedNames[1].toUpperCase(), holder: seedNames[1] },
      { field: 'description', term: sample.description!.split(/\s+/).find((word) => word.length > 4)!, holder: seedNames[0] },
      { field: 'salt', term: sample.salt!, holder: seedNames[0] },
      { field: 'test type', term: sample.testType!, holder: seedNames[0] },
      { field: 'bucket name', term: sample.buckets[sample.buckets.length - 1].name, holder: seedNames[0] },
      { field: 'allocation rule', term: ruleText.split(/\s+/).find((word) => /[a-z]{3}/i.test(word))!.replace(/[^A-Za-z0-9_.]/g, ''), holder: withRule! },
      { field: 'tag', term: trunk.get(withTag!)!.metaTags[0], holder: withTag! },
    ];
    for (const { field, term, holder } of cases) {
      const found = await names({ q: term });
      expect(found, `${field} "${term}"`).toContain(holder);
      expect(found, `${field} "${term}"`).toEqual(expectFor([term]));
    }
    // Several terms: all must match (AND), whatever the spacing.
    const [a, b] = [cases[0].term, cases[1].term];
    expect(await names({ q: `  ${a}   ${b} ` })).toEqual(expectFor([a, b]));
    const nameOnly = await names({ q: `${seedNames[1]} no-such-word-anywhere` });
    expect(nameOnly).toEqual([]);
    const result = await listTests(deps(), VIEWER, { q: 'no-such-word-anywhere' });
    expect({ total: result.total, matching: result.matching, pages: result.pages, page: result.page, tests: result.tests }).toEqual({
      total: seedNames.length,
      matching: 0,
      pages: 1,
      page: 1,
      tests: [],
    });
  });

  it('filters by test type (case-insensitive) and by meta tag', async () => {
    const types = [...new Set([...trunk.values()].map((d) => d.testType!))];
    for (const type of types) {
      const expected = seedNames.filter((name) => trunk.get(name)!.testType === type);
      expect(await names({ type })).toEqual(expected);
      expect(await names({ type: type.toLowerCase() })).toEqual(expected);
    }
    expect(await names({ type: 'NO_SUCH_TYPE' })).toEqual([]);
    const tags = [...new Set([...trunk.values()].flatMap((d) => d.metaTags))];
    expect(tags.length).toBeGreaterThan(0);
    for (const tag of tags) expect(await names({ tag })).toEqual(seedNames.filter((name) => trunk.get(name)!.metaTags.includes(tag)));
  });

  it('filters by presence in an environment, and by absence with "!"', async () => {
    for (const env of ['qa', 'production'] as const) {
      const present = (await t.store.listDefinitions(env)).map((entry) => entry.testName).sort();
      expect(present.length).toBeGreaterThan(0);
      expect(present.length).toBeLessThan(seedNames.length);
      expect(await names({ env })).toEqual(present);
      expect(await names({ env: `!${env}` })).toEqual(seedNames.filter((name) => !present.includes(name)));
    }
    expect(await names({ env: 'trunk' })).toEqual(seedNames);
    expect(await names({ env: '!trunk' })).toEqual([]);
  });

  it('filters by drift: trunk ahead of qa / production / either, or all in sync', async () => {
    // "Behind": the test is on trunk and the environment does not hold the current trunk revision (older or absent).
    const behind = (entry: TestDrift, env: 'qa' | 'production') => entry.trunkRevision !== null && entry[env].state !== 'current';
    const select = (predicate: (entry: TestDrift) => boolean) => drift.filter(predicate).map((entry) => entry.testName);
    const expected = {
      'in-sync': select((e) => !behind(e, 'qa') && !behind(e, 'production')),
      'qa-behind': select((e) => behind(e, 'qa')),
      'production-behind': select((e) => behind(e, 'production')),
      'any-behind': select((e) => behind(e, 'qa') || behind(e, 'production')),
    } as const;
    // The seed has tests in each situation: promoted everywhere and current, edited after promotion (older), only in
    // qa, only on trunk.
    expect(drift.some((e) => e.qa.state === 'older' && e.production.state === 'older')).toBe(true);
    expect(drift.some((e) => e.qa.state === 'current' && e.production.state === 'none')).toBe(true);
    expect(drift.some((e) => e.qa.state === 'none' && e.production.state === 'none')).toBe(true);
    for (const [state, list] of Object.entries(expected)) {
      expect(list.length, state).toBeGreaterThan(0);
      expect(list.length, state).toBeLessThan(seedNames.length);
      expect(await names({ drift: state as keyof typeof expected }), state).toEqual(list);
    }
    expect(new Set([...expected['in-sync'], ...expected['any-behind']]).size).toBe(seedNames.length);
    // Rows report the same states as the store.
    const rows = (await listTests(deps(), VIEWER, { pageSize: 200 })).tests;
    for (const row of rows) {
      const entry = drift.find((e) => e.testName === row.name)!;
      expect(row.drift).toEqual({ qa: entry.qa.state, production: entry.production.state });
    }
  });

  it('filters by the one test status: inactive, running, rolled out (lib/domain/test-status.ts)', async () => {
    const template = trunk.get(seedNames[0])!;
    const inactive = template.buckets.find((bucket) => bucket.value === -1)!;
    const [control, other] = template.buckets.filter((bucket) => bucket.value !== -1);
    const everyone = (bucketValue: number) => template.allocations.map((a) => ({ ...a, ranges: [{ bucketValue, length: 1 }] }));
    const cases = {
      list_all_inactive: everyone(inactive.value),
      list_all_in_control: everyone(control.value),
      list_mostly_one_bucket: template.allocations.map((a) => ({ ...a, ranges: [{ bucketValue: control.value, length: 0.95 }, { bucketValue: other.value, length: 0.05 }] })),
    };
    for (const [testName, allocations] of Object.entries(cases)) {
      tick();
      await t.store.createTest({ testName: name(testName), author: AUTHORS.erin, issueKey: key('PROTEST-900'), definition: { ...template, description: testName, allocations } });
    }
    const inactiveNames = await names({ status: 'inactive' });
    const running = await names({ status: 'running' });
    const rolledOut = await names({ status: 'rolled-out' });
    expect(inactiveNames).toContain('list_all_inactive');
    // 100% control: users get an active bucket but nobody is compared. The old list called this "inactive", the
    // editor "running" and auto-promotion "not all inactive"; now all three say rolled out.
    expect(rolledOut).toContain('list_all_in_control');
    expect(running).toContain('list_mostly_one_bucket');
    expect(running).not.toContain('list_all_in_control');
    const all = await names();
    expect([...inactiveNames, ...running, ...rolledOut].sort()).toEqual([...all].sort());
    const row = (await listTests(deps(), VIEWER, { q: 'list_all_in_control' })).tests[0];
    expect(row.status).toBe('rolled-out');
  });

  it('pages: page size, page count, clamping out-of-range pages', async () => {
    const all = await names();
    const total = all.length;
    const pageSize = 3;
    const pages = Math.ceil(total / pageSize);
    expect(pages).toBeGreaterThan(2);
    const seen: string[] = [];
    for (let page = 1; page <= pages; page++) {
      const result = await listTests(deps(), VIEWER, { page, pageSize });
      expect({ page: result.page, pageSize: result.pageSize, pages: result.pages, matching: result.matching, total: result.total }).toEqual({ page, pageSize, pages, matching: total, total });
      expect(result.tests.length).toBe(page < pages ? pageSize : total - pageSize * (pages - 1));
      seen.push(...result.tests.map((row) => row.name));
    }
    expect(seen).toEqual(all);
    const beyond = await listTests(deps(), VIEWER, { page: pages + 5, pageSize });
    expect(beyond.page).toBe(pages);
    expect(beyond.tests.map((row) => row.name)).toEqual(all.slice((pages - 1) * pageSize));
    const before = await listTests(deps(), VIEWER, { page: -2, pageSize });
    expect(before.page).toBe(1);
    expect(before.tests.map((row) => row.name)).toEqual(all.slice(0, pageSize));
    // Page size bounds: at least 1, at most 200; a filter changes the page count.
    expect((await listTests(deps(), VIEWER, { pageSize: 0 })).pageSize).toBe(1);
    expect((await listTests(deps(), VIEWER, { pageSize: 10_000 })).pageSize).toBe(200);
    const filtered = await listTests(deps(), VIEWER, { env: 'production', pageSize: 1 });
    expect(filtered.pages).toBe(filtered.matching);
    expect(filtered.matching).toBe((await t.store.listDefinitions('production')).length);
  });

  it('last change of each test is the newest trunk commit touching it, as native git sees it', async () => {
    const rows = (await listTests(deps(), VIEWER, { pageSize: 200 })).tests;
    for (const row of rows) {
      const [revision, author, email, at, subject] = (
        await git(['--git-dir', t.gitdir, 'log', '-1', '--format=%H%x00%an%x00%ae%x00%aI%x00%s', 'trunk', '--', `test-definitions/${row.name}`])
      )
        .trim()
        .split('\0');
      expect(row.lastChange, row.name).not.toBeNull();
      expect(row.lastChange!.revision, row.name).toBe(revision);
      expect(row.lastChange!.author).toBe(author);
      expect(row.lastChange!.authorEmail).toBe(email);
      expect(Date.parse(row.lastChange!.at)).toBe(Date.parse(at));
      expect(row.lastChange!.issueKey).toBe(/^([A-Z][A-Z0-9_]*-\d+):/.exec(subject)![1]);
      expect(row.lastChange!.message).toBe(subject);
      expect(row.lastChange!.message).not.toContain('\n');
      expect(row.envs.trunk!.revision).toBe(revision);
    }
    // The seed has several authors.
    expect(new Set(rows.map((row) => row.lastChange!.author)).size).toBeGreaterThan(1);
  });

  it('rebuilds rows after a save: new description searchable, last change updated, first when sorted by updated', async () => {
    const byName = await names({ sort: 'name' });
    const target = byName.filter((name) => !name.startsWith('list_')).pop()!;
    const before = (await listTests(deps(), VIEWER, { q: target, pageSize: 200 })).tests.find((row) => row.name === target)!;
    expect((await names({ sort: 'updated' }))[0]).not.toBe(target);
    expect(await names({ q: 'zebracorn' })).toEqual([]);

    const current = await t.store.readDefinition(name(target), { branch: 'trunk' });
    tick();
    const saved = await t.store.updateTest({
      testName: name(target),
      author: AUTHORS.priya,
      issueKey: key('PROTEST-901'),
      comment: 'Zebracorn copy\nsecond line stays out of the list',
      baseRevision: current!.revision,
      definition: { ...current!.definition!, description: 'Now about zebracorn' },
    });

    const after = await listTests(deps(), VIEWER, { q: 'zebracorn', pageSize: 200 });
    expect(after.heads.trunk).toBe(await t.store.head('trunk'));
    expect(after.heads.trunk).not.toBe(before.lastChange!.revision);
    expect(after.tests.map((row) => row.name)).toEqual([target]);
    const row = after.tests[0];
    expect(row.description).toBe('Now about zebracorn');
    expect(row.envs.trunk!.revision).toBe(saved.revision);
    expect(row.lastChange!.at).toBe(new Date(clock).toISOString());
    expect(row.lastChange).toMatchObject({ revision: saved.revision, author: AUTHORS.priya.name, authorEmail: AUTHORS.priya.email, issueKey: key('PROTEST-901') });
    const subject = (await git(['--git-dir', t.gitdir, 'log', '-1', '--format=%s', 'trunk', '--', `test-definitions/${target}`])).trim();
    expect(row.lastChange!.message).toBe(subject);
    expect(subject).toBe('PROTEST-901: Zebracorn copy second line stays out of the list');

    const updated = await names({ sort: 'updated' });
    expect(updated[0]).toBe(target);
    expect([...updated].sort()).toEqual(await names({ sort: 'name' }));
    expect(await names({ sort: 'name' })).toEqual(byName);
  });
});
