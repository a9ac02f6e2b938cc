/**
 * Login rate limiting with fixed windows in the LoginAttempt table (shared by all app processes using the database).
 * Two limits: failures per username+ip (stops guessing from one place), and a looser per-username limit (caps guessing
 * spread over many addresses, including spoofed X-Forwarded-For values when no proxy overwrites them).
 */
import { AppError } from '@/lib/errors';
import type { PrismaClient } from '@/lib/generated/prisma/client';

export interface LoginRateLimit {
  windowMs: number;
  maxFailuresPerUserAndIp: number;
  maxFailuresPerUser: number;
}

export const DEFAULT_LOGIN_RATE_LIMIT: LoginRateLimit = {
  windowMs: 15 * 60 * 1000,
  maxFailuresPerUserAndIp: 5,
  maxFailuresPerUser: 50,
};

function keysFor(username: string, ip: string | null | undefined): { key: string; max: (l: LoginRateLimit) => number }[] {
  const user = username.trim().toLowerCase();
  return [
    { key: `login:${user}|${ip ?? 'unknown'}`, max: (l) => l.maxFailuresPerUserAndIp },
    { key: `login:${user}`, max: (l) => l.maxFailuresPerUser },
  ];
}

/** Throws RATE_LIMITED (with data.retryAfterSeconds) when too many recent failures were recorded. */
export async function assertLoginAllowed(
  prisma: PrismaClient,
  username: string,
  ip: string | null | undefined,
  now: Date = new Date(),
  limit: LoginRateLimit = DEFAULT_LOGIN_RATE_LIMIT,
): Promise<void> {
  for (const { key, max } of keysFor(username, ip)) {
    const row = await prisma.loginAttempt.findUnique({ where: { key } });
    if (!row) continue;
    const windowEnds = row.windowStart.getTime() + limit.windowMs;
    if (windowEnds > now.getTime() && row.count >= max(limit)) {
      const retryAfterSeconds = Math.ceil((windowEnds - now.getTime()) / 1000);
      throw new AppError('RATE_LIMITED', `Too many failed sign-ins for '${username}'. Try again in ${formatWait(retryAfterSeconds)}.`, {
        data: { retryAfterSeconds },
      });
    }
  }
}

export async function recordLoginFailure(
  prisma: PrismaClient,
  username: string,
  ip: string | null | undefined,
  now: Date = new Date(),
  limit: LoginRateLimit = DEFAULT_LOGIN_RATE_LIMIT,
): Promise<void> {
  for (const { key } of keysFor(username, ip)) {
    const row = await prisma.loginAttempt.findUnique({ where: { key } });
    if (!row || row.windowStart.getTime() + limit.windowMs <= now.getTime()) {
      await prisma.loginAttempt.upsert({
        where: { key },
        create: { key, count: 1, windowStart: now },
        update: { count: 1, windowStart: now },
      });
    } else {
      await prisma.loginAttempt.update({ where: { key }, data: { count: { increment: 1 } } });
    }
  }
}

/** A successful sign-in clears the username+ip counter (not the per-user one: that would let an attacker reset it). */
export async function clearLoginFailures(prisma: PrismaClient, username: string, ip: string | null | undefined): Promise<void> {
  await prisma.loginAttempt.deleteMany({ where: { key: keysFor(username, ip)[0].key } });
}

function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
