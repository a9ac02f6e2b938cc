/** Demo/test data for the built-in tracker. Idempotent: existing issues are left exactly as they are. */
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { isIssueKey } from '@/lib/domain/issue-key';

export interface SeedIssue {
  key: string;
  summary: string;
  status: string;
  reporter: string;
  type?: string;
  description?: string;
  assignee?: string;
}

/**
 * Returns the keys that were created. `at` dates the creation events (default now): the demo's issues belong to its
 * seeded history, and dated "now" they would sit on top of the Activity page, above every change they are about.
 */
export async function seedBuiltinIssues(prisma: PrismaClient, issues: SeedIssue[], options: { at?: Date } = {}): Promise<string[]> {
  const created: string[] = [];
  for (const issue of issues) {
    if (!isIssueKey(issue.key)) throw new Error(`Seed issue key '${issue.key}' is not of the form PROJECT-123.`);
    const dash = issue.key.lastIndexOf('-');
    const projectKey = issue.key.slice(0, dash);
    const number = Number(issue.key.slice(dash + 1));
    if (await prisma.issue.findUnique({ where: { key: issue.key } })) continue;
    // ON CONFLICT DO NOTHING: another instance seeding the same database at the same moment is not an error, and its
    // issue (with its one creation event) stays as it is.
    const inserted = await prisma.$transaction(async (tx) => {
      const { count } = await tx.issue.createMany({
        data: [
          {
            key: issue.key,
            projectKey,
            number,
            type: issue.type ?? 'ProTest',
            status: issue.status,
            summary: issue.summary,
            description: issue.description ?? '',
            reporter: issue.reporter,
            assignee: issue.assignee ?? null,
            ...(options.at ? { createdAt: options.at } : {}),
          },
        ],
        skipDuplicates: true,
      });
      if (count === 0) return false;
      await tx.issueEvent.create({ data: { issueKey: issue.key, from: null, to: issue.status, actor: issue.reporter, ...(options.at ? { at: options.at } : {}) } });
      return true;
    });
    if (!inserted) continue;
    created.push(issue.key);
  }
  return created;
}
