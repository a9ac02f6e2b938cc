/** The tracker the app uses. Only the built-in one exists so far; the JIRA adapter will be chosen here from config. */
import type { AppConfig } from '@/lib/config';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { BuiltinIssueTracker, DEFAULT_PROJECT_KEY } from './builtin-tracker';
import type { IssueTracker } from './issue-tracker';

export function createIssueTracker(
  prisma: PrismaClient,
  config: Pick<AppConfig, 'publicUrl'> & { issueProjectKey?: string },
): IssueTracker {
  return new BuiltinIssueTracker(prisma, { publicUrl: config.publicUrl, projectKey: config.issueProjectKey ?? DEFAULT_PROJECT_KEY });
}
