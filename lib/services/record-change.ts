import type { Environment } from '@/lib/domain/environment';
import { asAppFailure } from '@/lib/db/unavailable';
import { buildChangeComment } from '@/lib/issues/link-change';
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
  try {
    await deps.issueLinks.record(change);
  } catch (error) {
    // The change is in git; its link to the issue is also found through the history index, which catches up from git.
    warnings.push(`The change was saved, but its link to ${change.issueKey} could not be recorded now: ${(asAppFailure(error) as Error).message}`);
    deps.logger?.warn('issue link record failed', { issueKey: change.issueKey, error: (error as Error).message });
  }
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
