/**
 * Cookie sessions. The cookie holds 32 random bytes; the database holds only their sha256 (Session.id). Sessions slide:
 * each use pushes expiry to 12 hours from now (written at most once a minute to spare the database).
 */
import { isTrustedProxy, PEER_ADDRESS_HEADER } from '@/lib/client-address';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { randomToken, sha256Hex } from './tokens';
import { toAuthUser, type AuthUser } from './user-view';

export const SESSION_COOKIE = 'proctor_session';
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const TOUCH_INTERVAL_MS = 60 * 1000;

export interface CreatedSession {
  /** The cookie value; shown to the browser only. */
  token: string;
  expiresAt: Date;
}

export async function createSession(prisma: PrismaClient, userId: string, now: Date = new Date()): Promise<CreatedSession> {
  const token = randomToken(32);
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await prisma.session.create({ data: { id: sha256Hex(token), userId, createdAt: now, lastSeenAt: now, expiresAt } });
  return { token, expiresAt };
}

/** The user of a live session (sliding its expiry), or null for unknown, expired or disabled-user sessions. */
export async function resolveSession(prisma: PrismaClient, token: string, now: Date = new Date()): Promise<{ user: AuthUser; expiresAt: Date } | null> {
  if (!token) return null;
  const id = sha256Hex(token);
  const session = await prisma.session.findUnique({ where: { id }, include: { user: true } });
  if (!session) return null;
  if (session.expiresAt.getTime() <= now.getTime()) {
    await prisma.session.deleteMany({ where: { id } });
    return null;
  }
  if (session.user.disabled) return null;
  let expiresAt = session.expiresAt;
  if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) {
    expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
    await prisma.session.updateMany({ where: { id }, data: { lastSeenAt: now, expiresAt } });
  }
  return { user: toAuthUser(session.user), expiresAt };
}

export async function deleteSession(prisma: PrismaClient, token: string): Promise<void> {
  if (!token) return;
  await prisma.session.deleteMany({ where: { id: sha256Hex(token) } });
}

/** Logs a user out everywhere (password change, account disabled). */
export async function deleteUserSessions(prisma: PrismaClient, userId: string): Promise<number> {
  const { count } = await prisma.session.deleteMany({ where: { userId } });
  return count;
}

export async function deleteExpiredSessions(prisma: PrismaClient, now: Date = new Date()): Promise<number> {
  const { count } = await prisma.session.deleteMany({ where: { expiresAt: { lte: now } } });
  return count;
}

export interface CookieOptions {
  /** Add `Secure` (the app is served over https). */
  secure: boolean;
}

/**
 * Set-Cookie value for a session: httpOnly, SameSite=Lax, Path=/, Secure when served over https. No Max-Age/Expires:
 * the server slides the 12-hour expiry on every use, and a fixed browser-side lifetime would cut a sliding session off
 * 12 hours after sign-in. The cookie therefore lives until the browser session ends or the server expires it.
 */
export function sessionCookie(token: string, options: CookieOptions): string {
  return [`${SESSION_COOKIE}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', ...(options.secure ? ['Secure'] : [])].join('; ');
}

export function clearSessionCookie(options: CookieOptions): string {
  return [`${SESSION_COOKIE}=`, 'Path=/', 'HttpOnly', 'SameSite=Lax', 'Max-Age=0', 'Expires=Thu, 01 Jan 1970 00:00:00 GMT', ...(options.secure ? ['Secure'] : [])].join('; ');
}

/** The session token from a Cookie header, if any. */
export function readSessionCookie(cookieHeader: string | null | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() === SESSION_COOKIE) {
      const value = part.slice(index + 1).trim();
      return value || undefined;
    }
  }
  return undefined;
}

/**
 * Whether cookies must be Secure: the public URL is https, or the request came over https — directly, or by the
 * X-Forwarded-Proto of a trusted proxy (anyone else's header proves nothing).
 */
export function isSecureRequest(request: Request, publicUrl?: string, trustedProxies: readonly string[] = []): boolean {
  if (publicUrl?.startsWith('https:')) return true;
  if (isTrustedProxy(request.headers.get(PEER_ADDRESS_HEADER), trustedProxies)) {
    const forwarded = request.headers.get('x-forwarded-proto')?.split(',').pop()?.trim();
    if (forwarded) return forwarded === 'https';
  }
  try {
    if (new URL(request.url).protocol === 'https:') return true;
  } catch {
    // Relative URLs only happen in tests.
  }
  return false;
}
