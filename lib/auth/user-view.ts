/** The user as the rest of the app sees it: never the password hash. */
import type { User } from '@/lib/generated/prisma/client';
import type { Role } from './roles';

export interface AuthUser {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  role: Role;
  disabled: boolean;
}

export function toAuthUser(user: User): AuthUser {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    email: user.email ?? null,
    role: user.role,
    disabled: user.disabled,
  };
}
