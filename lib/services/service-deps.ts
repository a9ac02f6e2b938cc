import type { Actor } from '@/lib/auth/actor';
import type { AppConfig } from '@/lib/config';
import { AppError } from '@/lib/errors';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { IssueTracker } from '@/lib/issues/issue-tracker';
import type { WorkflowRules } from '@/lib/issues/workflow';
import type { Logger } from '@/lib/log/logger';
import type { Author } from '@/lib/store';
import { assertGitText } from '@/lib/domain/git-text';
import type { ConsumerDirectory, DefinitionStorePort, EventSink, IssueLinkLog, MatrixPort } from './ports';

export type { ConsumerDirectory, ConsumerGroup, DefinitionStorePort, EventSink, IssueLinkLog, MatrixPort } from './ports';

/**
 * Everything a use case may touch. Every use case has the shape `(deps, actor, input)`; the composition root
 * (lib/composition/services.ts) builds deps once per process, test/support/test-services.ts from in-memory fakes.
 */
export interface ServiceDeps {
  store: DefinitionStorePort;
  tracker: IssueTracker;
  matrices: MatrixPort;
  consumers: ConsumerDirectory;
  issueLinks: IssueLinkLog;
  /** Measurement events; absent where a process records none (use-case tests, the CLI). */
  events?: EventSink;
  /** The database, for the read use cases that query it (activity, users, tokens, audit). */
  prisma: PrismaClient;
  config: Pick<AppConfig, 'publicUrl'> & Partial<Pick<AppConfig, 'consumerActiveMinutes'>>;
  rules?: WorkflowRules;
  logger?: Logger;
}

export { ANONYMOUS, isAnonymous, requireReader, type Actor, type Anonymous, type Reader } from '@/lib/auth/actor';

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
