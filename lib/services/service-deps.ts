import type { AuthUser } from '@/lib/auth/user-view';
import type { AppConfig } from '@/lib/config';
import { AppError } from '@/lib/errors';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { IssueTracker } from '@/lib/issues/issue-tracker';
import type { WorkflowRules } from '@/lib/issues/workflow';
import type { Logger } from '@/lib/log/logger';
import type { Author, DefinitionStore } from '@/lib/store';
import { assertGitText } from '@/lib/domain/git-text';

/** Everything a use case may touch, passed in so tests can build it from real but throwaway parts. */
export interface ServiceDeps {
  store: DefinitionStore;
  tracker: IssueTracker;
  prisma: PrismaClient;
  config: Pick<AppConfig, 'publicUrl'>;
  rules?: WorkflowRules;
  logger?: Logger;
}

/** The signed-in person a change is made on behalf of. */
export type Actor = Pick<AuthUser, 'username' | 'displayName' | 'email' | 'role'>;

const ACCOUNT_FIX = 'an admin can correct it on the Users page';

/**
 * Git author for a change made by `actor`; the e-mail's local part is Proctor's author id, so it is the username.
 * Accounts made before names and e-mails were checked may hold what git cannot store: such a change is refused with
 * the field and the fix rather than written.
 */
export function authorOf(actor: Actor): Author {
  const name = actor.displayName || actor.username;
  const email = actor.email || `${actor.username}@proctor-studio.invalid`;
  assertGitText(name, { path: '/displayName', label: `Your display name ${JSON.stringify(name)}`, kind: 'identName', fix: ACCOUNT_FIX });
  assertGitText(email, { path: '/email', label: `Your e-mail address ${JSON.stringify(email)}`, kind: 'identEmail', fix: ACCOUNT_FIX });
  return { name, email };
}

/** A change's comment goes into the commit message: checked before any other work. */
export function assertComment(comment: unknown): string | undefined {
  if (comment === undefined || comment === null) return undefined;
  if (typeof comment !== 'string') {
    throw new AppError('VALIDATION_FAILED', 'The comment must be text.', { details: [{ path: '/comment', message: 'must be a string' }] });
  }
  return assertGitText(comment, { path: '/comment', label: 'The comment', kind: 'message' });
}
