import type { AuthUser } from '@/lib/auth/user-view';
import type { AppConfig } from '@/lib/config';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { IssueTracker } from '@/lib/issues/issue-tracker';
import type { WorkflowRules } from '@/lib/issues/workflow';
import type { Logger } from '@/lib/log/logger';
import type { Author, DefinitionStore } from '@/lib/store';

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

/** Git author for a change made by `actor`; the e-mail's local part is Proctor's author id, so it is the username. */
export function authorOf(actor: Actor): Author {
  return { name: actor.displayName || actor.username, email: actor.email || `${actor.username}@proctor-studio.invalid` };
}
