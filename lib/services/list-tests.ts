/**
 * The tests list: one row per test with its three environments, drift and last change, searched, filtered, sorted and
 * paginated on the server. Rows are computed once per combination of branch heads and reused until a branch moves,
 * so a page of 5,000 tests is a filter over memory, not a walk over git.
 */
import { testStatus, type TestStatus } from '@/lib/domain/test-status';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { TestDefinition } from '@/lib/proctor/model';
import { ENVIRONMENTS, type Environment } from '@/lib/store';
import type { DriftState } from '@/lib/store';
import { requireReader, type DefinitionStorePort, type Reader, type ServiceDeps } from './service-deps';

export interface EnvironmentSummary {
  revision: string | null;
  /** For qa/production: the trunk revision it was promoted from. */
  sourceTrunkRevision: string | null;
  allocations: { rule: string | null; ranges: { bucketValue: number; bucketName: string; length: number }[] }[];
  parseError?: string;
}

export interface TestRow {
  name: string;
  description: string | null;
  testType: string | null;
  metaTags: string[];
  silent: boolean;
  /** The one notion of a running test (lib/domain/test-status.ts), of the newest environment holding the test. */
  status: TestStatus;
  envs: Record<Environment, EnvironmentSummary | null>;
  drift: { qa: DriftState; production: DriftState };
  lastChange: { revision: string; author: string; authorEmail: string; at: string; issueKey: string | null; message: string } | null;
  /** Lower-cased text the search matches against. */
  searchText: string;
}

export interface ListTestsQuery {
  q?: string;
  type?: string;
  tag?: string;
  /** Present in this environment; prefix with "!" for absent (e.g. "!production"). */
  env?: string;
  drift?: 'in-sync' | 'qa-behind' | 'production-behind' | 'any-behind';
  status?: TestStatus;
  sort?: 'name' | 'updated';
  page?: number;
  pageSize?: number;
}

export interface ListTestsResult {
  tests: Omit<TestRow, 'searchText'>[];
  total: number;
  matching: number;
  page: number;
  pageSize: number;
  pages: number;
  heads: Record<Environment, string | null>;
}

function summarize(definition: TestDefinition | null, revision: string | null, parseError?: string): EnvironmentSummary {
  const names = new Map((definition?.buckets ?? []).map((bucket) => [bucket.value, bucket.name]));
  return {
    revision,
    sourceTrunkRevision: definition?.version && definition.version !== '-1' ? definition.version : null,
    allocations: (definition?.allocations ?? []).map((allocation) => ({
      rule: allocation.rule,
      ranges: allocation.ranges.map((range) => ({ bucketValue: range.bucketValue, bucketName: names.get(range.bucketValue) ?? String(range.bucketValue), length: range.length })),
    })),
    ...(parseError ? { parseError } : {}),
  };
}

function searchTextOf(name: string, d: TestDefinition | null): string {
  if (!d) return name.toLowerCase();
  const parts = [name, d.description ?? '', d.rule ?? '', d.testType ?? '', d.salt ?? '', ...d.metaTags];
  for (const bucket of d.buckets) parts.push(bucket.name, bucket.description ?? '');
  for (const allocation of d.allocations) parts.push(allocation.rule ?? '');
  return parts.join('\n').toLowerCase();
}

interface LastChangeRow {
  testName: string;
  revision: string;
  authorName: string;
  authorEmail: string;
  authoredAt: Date;
  issueKey: string | null;
  message: string;
}

/**
 * The newest history entry of each listed test: one probe of the (branch, testName, seq desc) index per name.
 * (DISTINCT ON over the whole branch read and sorted every entry of it, ~50,000 rows, spilling to disk.)
 * Only the message's first line travels.
 */
async function lastChanges(prisma: PrismaClient, branch: Environment, names: string[]): Promise<Map<string, LastChangeRow>> {
  const rows = await prisma.$queryRaw<LastChangeRow[]>`
    SELECT h."testName", h."revision", h."authorName", h."authorEmail", h."authoredAt", h."issueKey", h."message"
    FROM unnest(${names}::text[]) AS n("name") CROSS JOIN LATERAL (
      SELECT e."testName", e."revision", e."authorName", e."authorEmail", e."authoredAt", e."issueKey", split_part(e."message", E'\n', 1) AS "message"
      FROM "HistoryEntry" e WHERE e."branch" = ${branch} AND e."testName" = n."name" ORDER BY e."seq" DESC LIMIT 1
    ) h`;
  return new Map(rows.map((row) => [row.testName, row]));
}

function firstLine(message: string): string {
  return message.split('\n', 1)[0];
}

const cache = new Map<string, Promise<TestRow[]>>();

async function buildRows(store: DefinitionStorePort, prisma: PrismaClient): Promise<TestRow[]> {
  const [listings, drift] = await Promise.all([Promise.all(ENVIRONMENTS.map((env) => store.listDefinitions(env))), store.drift()]);
  const byEnv = ENVIRONMENTS.map((_, i) => new Map(listings[i].map((listed) => [listed.testName, listed])));
  const driftByName = new Map(drift.map((entry) => [entry.testName, entry]));
  const names = [...new Set(listings.flatMap((list) => list.map((listed) => listed.testName)))].sort();
  const changes = await lastChanges(prisma, 'trunk', names);
  return names.map((name) => {
    const envs = {} as Record<Environment, EnvironmentSummary | null>;
    ENVIRONMENTS.forEach((env, i) => {
      const listed = byEnv[i].get(name);
      envs[env] = listed ? summarize(listed.definition, listed.revision, listed.parseError) : null;
    });
    const newest = byEnv[0].get(name)?.definition ?? byEnv[1].get(name)?.definition ?? byEnv[2].get(name)?.definition ?? null;
    const change = changes.get(name);
    const driftEntry = driftByName.get(name);
    return {
      name,
      description: newest?.description ?? null,
      testType: newest?.testType ?? null,
      metaTags: newest?.metaTags ?? [],
      silent: newest?.silent ?? false,
      status: newest ? testStatus(newest) : 'inactive',
      envs,
      drift: { qa: driftEntry?.qa.state ?? 'none', production: driftEntry?.production.state ?? 'none' },
      lastChange: change
        ? { revision: change.revision, author: change.authorName, authorEmail: change.authorEmail, at: new Date(change.authoredAt).toISOString(), issueKey: change.issueKey, message: firstLine(change.message) }
        : null,
      searchText: searchTextOf(name, newest),
    };
  });
}

/** All rows for the current heads (cached per heads). */
async function testRows(store: DefinitionStorePort, prisma: PrismaClient): Promise<{ rows: TestRow[]; heads: Record<Environment, string | null> }> {
  const heads = {} as Record<Environment, string | null>;
  for (const env of ENVIRONMENTS) heads[env] = await store.head(env);
  const key = ENVIRONMENTS.map((env) => heads[env] ?? '-').join(':');
  let rows = cache.get(key);
  if (!rows) {
    cache.clear();
    rows = buildRows(store, prisma);
    rows.catch(() => cache.delete(key));
    cache.set(key, rows);
  }
  return { rows: await rows, heads };
}

function matches(row: TestRow, query: ListTestsQuery, terms: string[]): boolean {
  if (terms.some((term) => !row.searchText.includes(term))) return false;
  if (query.type && row.testType?.toUpperCase() !== query.type.toUpperCase()) return false;
  if (query.tag && !row.metaTags.includes(query.tag)) return false;
  if (query.env) {
    const absent = query.env.startsWith('!');
    const env = query.env.replace(/^!/, '') as Environment;
    if (ENVIRONMENTS.includes(env) && (row.envs[env] === null) !== absent) return false;
  }
  if (query.status && row.status !== query.status) return false;
  if (query.drift) {
    const behind = (state: DriftState) => state !== 'current';
    const qaBehind = row.envs.trunk !== null && behind(row.drift.qa);
    const prodBehind = row.envs.trunk !== null && behind(row.drift.production);
    if (query.drift === 'in-sync' && (qaBehind || prodBehind)) return false;
    if (query.drift === 'qa-behind' && !qaBehind) return false;
    if (query.drift === 'production-behind' && !prodBehind) return false;
    if (query.drift === 'any-behind' && !qaBehind && !prodBehind) return false;
  }
  return true;
}

export async function listTests(deps: Pick<ServiceDeps, 'store' | 'prisma'>, reader: Reader, query: ListTestsQuery = {}): Promise<ListTestsResult> {
  requireReader(reader);
  const { rows, heads } = await testRows(deps.store, deps.prisma);
  const terms = (query.q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  let found = rows.filter((row) => matches(row, query, terms));
  if (query.sort === 'updated') {
    found = [...found].sort((a, b) => (b.lastChange?.at ?? '').localeCompare(a.lastChange?.at ?? '') || a.name.localeCompare(b.name));
  }
  const pageSize = Math.max(1, Math.min(200, Math.floor(query.pageSize ?? 50)));
  const pages = Math.max(1, Math.ceil(found.length / pageSize));
  const page = Math.max(1, Math.min(pages, Math.floor(query.page ?? 1)));
  const tests = found.slice((page - 1) * pageSize, page * pageSize).map(({ searchText: _searchText, ...row }) => row);
  return { tests, total: rows.length, matching: found.length, page, pageSize, pages, heads };
}

/** The choices of the list's filters: every test type and meta tag in use. */
export async function listTestFacets(deps: Pick<ServiceDeps, 'store' | 'prisma'>, reader: Reader): Promise<{ types: string[]; tags: string[] }> {
  requireReader(reader);
  const { rows } = await testRows(deps.store, deps.prisma);
  return {
    types: [...new Set(rows.map((row) => row.testType).filter((type): type is string => !!type))].sort(),
    tags: [...new Set(rows.flatMap((row) => row.metaTags))].sort(),
  };
}
