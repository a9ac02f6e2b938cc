/** Role checks on the server; the ordered list itself lives in lib/domain/role.ts (viewer < qa < editor < releaser < admin). */
import { ROLES, isRole, roleAtLeast, type Role } from '@/lib/domain/role';
import { AppError } from '@/lib/errors';

export { ROLES, isRole, type Role };

export function hasRole(user: { role: Role } | null | undefined, required: Role): boolean {
  return !!user && roleAtLeast(user.role, required);
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
