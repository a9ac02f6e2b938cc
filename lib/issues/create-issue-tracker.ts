/** The tracker the app uses: JIRA when PROCTOR_JIRA_URL is configured (docs/jira.md), otherwise the built-in one. */
import type { AppConfig } from '@/lib/config';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { BuiltinIssueTracker, DEFAULT_PROJECT_KEY } from './builtin-tracker';
import type { IssueTracker } from './issue-tracker';
import { JiraIssueTracker } from './jira/jira-issue-tracker';

export function createIssueTracker(
  prisma: PrismaClient,
  config: Pick<AppConfig, 'publicUrl'> & { issueProjectKey?: string; jira?: AppConfig['jira'] },
): IssueTracker {
  if (config.jira) return new JiraIssueTracker(config.jira);
  return new BuiltinIssueTracker(prisma, { publicUrl: config.publicUrl, projectKey: config.issueProjectKey ?? DEFAULT_PROJECT_KEY });
}
