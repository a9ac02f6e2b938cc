/**
 * The repository layout: each environment's branch and the folder of test definitions, and the paths and refs built
 * from them. What a user typed (test names, revisions, environments) is parsed before it gets here, into the typed
 * values of lib/domain (test-name.ts, revision.ts, environment.ts); configured branch names are checked here.
 */
import { AppError } from '@/lib/errors';

import { ENVIRONMENTS, isEnvironment, type Environment } from '@/lib/domain/environment';

/** Proctor's environments (lib/domain/environment.ts); each maps to a configurable git branch. */
export { ENVIRONMENTS, isEnvironment, type Environment };

export interface BranchNames {
  trunk: string;
  qa: string;
  production: string;
}

export interface RepositoryLayout {
  branches: BranchNames;
  /** Folder holding one sub-folder per test (Proctor's `test-definitions`). */
  testDefinitionsDirectory: string;
}

export const DEFINITION_FILE = 'definition.json';
export const METADATA_FILE = 'metadata.json';

// git check-ref-format, restricted to what a branch name needs here.
const BRANCH = /^(?!\/)(?!.*\/\/)(?!.*\.\.)(?!.*@\{)(?!.*\.lock$)(?!.*\/$)(?!.*\.$)[A-Za-z0-9._\/-]+$/;

export function assertBranchNames(branches: BranchNames): BranchNames {
  for (const env of ENVIRONMENTS) {
    const name = branches[env];
    if (!BRANCH.test(name)) throw new AppError('BAD_REQUEST', `Invalid git branch name for ${env}: '${name}'`);
  }
  return branches;
}

export function branchRef(layout: RepositoryLayout, env: Environment): string {
  return `refs/heads/${layout.branches[env]}`;
}

export function remoteBranchRef(layout: RepositoryLayout, env: Environment): string {
  return `refs/remotes/origin/${layout.branches[env]}`;
}

/** `<testDefinitionsDirectory>` split into tree path segments (it may be nested, e.g. `matrices/test-definitions`). */
export function definitionsDirSegments(layout: RepositoryLayout): string[] {
  return layout.testDefinitionsDirectory.split('/').filter((s) => s !== '' && s !== '.');
}

export function definitionPath(layout: RepositoryLayout, testName: string): string {
  return [...definitionsDirSegments(layout), testName, DEFINITION_FILE].join('/');
}

export function shortRevision(revision: string | null | undefined): string {
  return revision ? revision.slice(0, 7) : '(none)';
}
