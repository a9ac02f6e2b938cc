/** Roles are ordered by power: each can do everything the previous one can (viewer < editor < releaser < admin). */
import { AppError } from '@/lib/errors';

export const ROLES = ['viewer', 'editor', 'releaser', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function hasRole(user: { role: Role } | null | undefined, required: Role): boolean {
  return !!user && ROLES.indexOf(user.role) >= ROLES.indexOf(required);
}

/** Throws UNAUTHENTICATED without a user, FORBIDDEN when the user's role is below `required`. */
export function requireRole<U extends { role: Role; username: string }>(user: U | null | undefined, required: Role): U {
  if (!user) throw new AppError('UNAUTHENTICATED', 'Sign in or send an API token (Authorization: Bearer pst_…) first.');
  if (!hasRole(user, required)) {
    throw new AppError('FORBIDDEN', `This needs the ${required} role; ${user.username} is ${articleFor(user.role)} ${user.role}.`);
  }
  return user;
}

function articleFor(role: Role): string {
  return role === 'editor' || role === 'admin' ? 'an' : 'a';
}
