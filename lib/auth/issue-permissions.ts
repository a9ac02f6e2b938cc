/**
 * Who may carry an issue's conversation: comment on it and edit its description and assignee. QA analysts and above —
 * QA writes "verified fr-CA excluded". The one place this rule lives: pages and use cases ask here.
 */
import { AppError } from '@/lib/errors';
import { hasRole, requireRole, type Role } from './roles';

export function mayDiscussIssues(user: { role: Role } | null | undefined): boolean {
  return hasRole(user, 'qa');
}

/** UNAUTHENTICATED without a user, FORBIDDEN for a viewer. */
export function requireMayDiscussIssues<U extends { role: Role; username: string }>(user: U | null | undefined): U {
  const signedIn = requireRole(user, 'viewer');
  if (!mayDiscussIssues(signedIn)) {
    throw new AppError('FORBIDDEN', `Commenting on issues and editing them needs the editor or QA role; ${signedIn.username} is a ${signedIn.role}.`);
  }
  return signedIn;
}
