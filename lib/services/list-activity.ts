/**
 * Recent changes across all tests and environments (the Activity page): commits, promotions and reverts from the
 * history index, newest first, paged by offset. Reads only the database index, so it stays fast with many tests.
 */
import { ENVIRONMENTS, type Environment } from '@/lib/store';
import { requireReader, type Reader, type ServiceDeps } from './service-deps';

export interface ActivityEntry {
  env: Environment;
  testName: string;
  revision: string;
  authorName: string;
  authoredAt: Date;
  committedAt: Date;
  message: string;
  issueKey: string | null;
  changeKind: string;
  sourceRevision: string | null;
  sourceBranch: string | null;
}

export interface ListActivityQuery {
  env?: string;
  /** Exact test name. */
  test?: string;
  /** Exact author name or e-mail local part. */
  author?: string;
  limit?: number;
  offset?: number;
}

export async function listActivity(
  deps: Pick<ServiceDeps, 'prisma'>,
  reader: Reader,
  query: ListActivityQuery = {},
): Promise<{ entries: ActivityEntry[]; total: number; limit: number; offset: number }> {
  requireReader(reader);
  const { prisma } = deps;
  const limit = Math.max(1, Math.min(200, Math.floor(query.limit ?? 50)));
  const offset = Math.max(0, Math.floor(query.offset ?? 0));
  const env = (ENVIRONMENTS as readonly string[]).includes(query.env ?? '') ? query.env : undefined;
  const where = {
    ...(env ? { branch: env } : {}),
    ...(query.test ? { testName: query.test } : {}),
    ...(query.author ? { OR: [{ authorName: query.author }, { authorEmail: { startsWith: `${query.author}@` } }] } : {}),
  };
  const [rows, total] = await Promise.all([
    prisma.historyEntry.findMany({ where, orderBy: [{ committedAt: 'desc' }, { id: 'desc' }], skip: offset, take: limit }),
    prisma.historyEntry.count({ where }),
  ]);
  return {
    entries: rows.map((row) => ({
      env: row.branch as Environment,
      testName: row.testName,
      revision: row.revision,
      authorName: row.authorName,
      authoredAt: row.authoredAt,
      committedAt: row.committedAt,
      message: row.message.split('\n', 1)[0],
      issueKey: row.issueKey,
      changeKind: row.changeKind,
      sourceRevision: row.sourceRevision,
      sourceBranch: row.sourceBranch,
    })),
    total,
    limit,
    offset,
  };
}
