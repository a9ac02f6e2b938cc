/**
 * Names and paths that reach git are checked here first: test names (Proctor's rule), revisions (40-hex) and
 * environments, so nothing a user typed ever becomes a path segment or ref name unchecked.
 */
import { AppError } from '@/lib/errors';
import { validateTestName } from '@/lib/proctor/validate-test-name';

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

const REVISION = /^[0-9a-f]{40}$/;
// git check-ref-format, restricted to what a branch name needs here.
const BRANCH = /^(?!\/)(?!.*\/\/)(?!.*\.\.)(?!.*@\{)(?!.*\.lock$)(?!.*\/$)(?!.*\.$)[A-Za-z0-9._\/-]+$/;

/** Proctor's test-name rule (FACTS §2.4); also keeps the name safe as a single path segment. */
export function testNameError(name: string): string | null {
  if (typeof name !== 'string') return `Test Name must be alpha-numeric underscore and not start/end with a number, found: '${String(name)}'`;
  return validateTestName(name);
}

export function assertTestName(name: string): string {
  const error = testNameError(name);
  if (error) throw new AppError('BAD_REQUEST', error, { details: [{ path: 'testName', message: error }] });
  return name;
}

export function isRevision(value: unknown): value is string {
  return typeof value === 'string' && REVISION.test(value);
}

export function assertRevision(value: string, field = 'revision'): string {
  if (!isRevision(value)) {
    throw new AppError('BAD_REQUEST', `'${String(value)}' is not a revision (a 40-character commit id).`, {
      details: [{ path: field, message: 'Expected a 40-character hexadecimal commit id.' }],
    });
  }
  return value;
}

export function assertEnvironment(value: string): Environment {
  if (!isEnvironment(value)) {
    throw new AppError(
      'BAD_REQUEST',
      `Branch ${value} is not a correct branch name. It must be one of (trunk, qa, production).`,
    );
  }
  return value;
}

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

// Tests already in a repository may predate the create rule (e.g. `test2`); reads and edits accept what Proctor's
// history parser accepts (`\w+`), which is still a single safe path segment.
const EXISTING_TEST_NAME = /^\w{1,255}$/;

export function assertExistingTestName(name: string): string {
  if (typeof name !== 'string' || !EXISTING_TEST_NAME.test(name)) {
    const message = `'${String(name)}' is not a test name (letters, digits and underscore only).`;
    throw new AppError('BAD_REQUEST', message, { details: [{ path: 'testName', message }] });
  }
  return name;
}
