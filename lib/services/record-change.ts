import type { Environment } from '@/lib/domain/environment';
import { buildChangeComment, linkChange } from '@/lib/issues/link-change';
import type { ServiceDeps, Actor } from './service-deps';

function testPageUrl(publicUrl: string, testName: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/tests/${encodeURIComponent(testName)}`;
}

export interface ChangeRecord {
  issueKey: string;
  testName: string;
  revision: string;
  env: Environment;
  kind: 'commit' | 'promotion';
}

/**
 * After a commit has landed: link it to its issue and comment on the issue. The commit is already published, so a
 * tracker failure here is reported as a warning on the result, never as a failed save.
 */
export async function recordChange(deps: ServiceDeps, actor: Actor, change: ChangeRecord): Promise<string[]> {
  const warnings: string[] = [];
  await linkChange(deps.prisma, change);
  try {
    await deps.tracker.comment(change.issueKey, buildChangeComment({ ...change, actor: actor.username, publicUrl: deps.config.publicUrl }), actor.username);
  } catch (error) {
    warnings.push(`The change was saved, but commenting on ${change.issueKey} failed: ${(error as Error).message}`);
    deps.logger?.warn('issue comment failed', { issueKey: change.issueKey, error: (error as Error).message });
  }
  if (deps.tracker.linkTestPage) {
    try {
      await deps.tracker.linkTestPage(change.issueKey, change.testName, testPageUrl(deps.config.publicUrl, change.testName));
    } catch (error) {
      warnings.push(`The change was saved, but linking ${change.issueKey} to the test page failed: ${(error as Error).message}`);
      deps.logger?.warn('issue link failed', { issueKey: change.issueKey, error: (error as Error).message });
    }
  }
  return warnings;
}
