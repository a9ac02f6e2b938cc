/**
 * Who a use case runs for. Every use case has the shape `(deps, actor, input)`; reads take the actor too, so the role
 * check lives in the use case, not only in the route or page in front of it.
 */
import { requireRole, type Role } from './roles';
import type { AuthUser } from './user-view';

/** The signed-in person a change or read is made on behalf of. */
export type Actor = Pick<AuthUser, 'username' | 'displayName' | 'email' | 'role'>;

/** Who a read is made for when nobody signed in (a health probe, the 404 check of a page address). */
export const ANONYMOUS = Object.freeze({ anonymous: true as const, username: 'anonymous' });
export type Anonymous = typeof ANONYMOUS;

/** Whoever a use case runs for: a signed-in actor, or ANONYMOUS. */
export type Reader = Actor | Anonymous;

export function isAnonymous(reader: Reader): reader is Anonymous {
  return 'anonymous' in reader && reader.anonymous === true;
}

/** The reader as a signed-in actor with at least `role`: UNAUTHENTICATED for ANONYMOUS, FORBIDDEN below the role. */
export function requireReader<A extends Actor>(reader: A | Anonymous, role: Role = 'viewer'): A {
  return requireRole(isAnonymous(reader) ? null : reader, role);
}
