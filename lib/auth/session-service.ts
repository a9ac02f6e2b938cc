/** Sign-in, sign-out and "who am I" as used by /api/v1/session; returns the Set-Cookie value to send. */
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { AuthMethod } from './authenticate';
import { login, type LoginInput } from './login';
import { clearSessionCookie, deleteSession, readSessionCookie, sessionCookie } from './sessions';
import type { AuthUser } from './user-view';

export interface SessionDeps {
  prisma: PrismaClient;
  /** Add Secure to cookies (request came over https). */
  secure: boolean;
  now?: Date;
}

export async function signIn(deps: SessionDeps, input: LoginInput): Promise<{ user: AuthUser; setCookie: string; expiresAt: Date }> {
  const result = await login(deps, input);
  return { user: result.user, expiresAt: result.expiresAt, setCookie: sessionCookie(result.token, { secure: deps.secure }) };
}

/** Deletes the session named by the request's cookie (if any) and returns the cookie-clearing header. */
export async function signOut(deps: SessionDeps, cookieHeader: string | null): Promise<{ setCookie: string }> {
  const token = readSessionCookie(cookieHeader);
  if (token) await deleteSession(deps.prisma, token);
  return { setCookie: clearSessionCookie({ secure: deps.secure }) };
}

export function describeSession(user: AuthUser | null, via: AuthMethod | null): { user: AuthUser | null; via: AuthMethod | null } {
  return { user, via };
}
