/**
 * Login throttling, in the LoginAttempt table (fixed windows, shared by every app process using the database).
 *
 * The goal is to stop password guessing without handing anyone a way to lock a user out from elsewhere:
 *  - per user+address: 5 failures lock that user FROM THAT ADDRESS for the rest of the 15-minute window (guessing from
 *    one place); the user's own address is unaffected unless the guesses come from it;
 *  - per address, any user: 100 failures lock that address (spraying many usernames from one place);
 *  - per user from anywhere: past 50 failures in the window the user is NOT locked; instead addresses the user has not
 *    signed in from successfully in the last 30 days are slowed down to one attempt per 10 s between them (guessing
 *    spread over many addresses becomes slow), while addresses the user has signed in from are exempt — so a correct
 *    password from the user's usual place keeps working however hard the account is hammered, and a new place waits
 *    seconds, not minutes.
 * Addresses are the real peer (lib/http/client-address.ts), not a client-supplied X-Forwarded-For. An unknown address
 * (null) has no per-address counter and is never "known".
 *
 * Row keys: `login-ip:<ip>`, `login:<user>|<ip>`, `login:<user>` (fixed-window counters), `login-last:<user>` (time of
 * the user's latest failure, for the slow-down), `login-ok:<user>|<ip>` (latest successful sign-in from that address).
 */
import { AppError } from '@/lib/errors';
import type { PrismaClient } from '@/lib/generated/prisma/client';

export interface LoginRateLimit {
  windowMs: number;
  maxFailuresPerUserAndIp: number;
  maxFailuresPerIp: number;
  /** Past this many failures for a user in the window, new addresses are slowed down (never locked). */
  maxFailuresPerUser: number;
  /** The gap new addresses wait after the user's latest failure once maxFailuresPerUser is reached. */
  slowDownMs: number;
  /** How long an address stays "known" for a user after a successful sign-in from it. */
  knownAddressMs: number;
}

export const DEFAULT_LOGIN_RATE_LIMIT: LoginRateLimit = {
  windowMs: 15 * 60 * 1000,
  maxFailuresPerUserAndIp: 5,
  maxFailuresPerIp: 100,
  maxFailuresPerUser: 50,
  slowDownMs: 10 * 1000,
  knownAddressMs: 30 * 24 * 60 * 60 * 1000,
};

export interface WindowCounter {
  count: number;
  windowStart: Date;
}

/** What the policy looks at for one attempt (rows as stored; null = none). */
export interface LoginThrottleState {
  perIp: WindowCounter | null;
  perUserAndIp: WindowCounter | null;
  perUser: WindowCounter | null;
  /** When this user's latest failure (from anywhere) happened. */
  lastUserFailure: Date | null;
  /** When this user last signed in successfully from this address. */
  lastSuccessFromIp: Date | null;
  /** False when the client address is unknown. */
  ipKnown: boolean;
}

export type LoginThrottleDecision =
  | { allowed: true }
  | { allowed: false; reason: 'user-and-ip' | 'ip' | 'user-slowed'; retryAfterSeconds: number };

/** The policy itself, pure: see the module comment. */
export function decideLogin(state: LoginThrottleState, now: Date, limit: LoginRateLimit = DEFAULT_LOGIN_RATE_LIMIT): LoginThrottleDecision {
  const t = now.getTime();
  const lockedUntil = (counter: WindowCounter | null, max: number): number | null => {
    if (!counter) return null;
    const ends = counter.windowStart.getTime() + limit.windowMs;
    return ends > t && counter.count >= max ? ends : null;
  };
  const refuse = (reason: 'user-and-ip' | 'ip' | 'user-slowed', until: number): LoginThrottleDecision => ({
    allowed: false,
    reason,
    retryAfterSeconds: Math.max(1, Math.ceil((until - t) / 1000)),
  });

  const userAndIp = lockedUntil(state.perUserAndIp, limit.maxFailuresPerUserAndIp);
  if (userAndIp !== null) return refuse('user-and-ip', userAndIp);
  if (state.ipKnown) {
    const ip = lockedUntil(state.perIp, limit.maxFailuresPerIp);
    if (ip !== null) return refuse('ip', ip);
  }
  const knownAddress = state.ipKnown && state.lastSuccessFromIp !== null && t - state.lastSuccessFromIp.getTime() < limit.knownAddressMs;
  if (!knownAddress && lockedUntil(state.perUser, limit.maxFailuresPerUser) !== null && state.lastUserFailure) {
    const next = state.lastUserFailure.getTime() + limit.slowDownMs;
    if (next > t) return refuse('user-slowed', next);
  }
  return { allowed: true };
}

function keysFor(username: string, ip: string | null | undefined) {
  const user = username.trim().toLowerCase();
  const address = ip ?? 'unknown';
  return {
    perIp: ip ? `login-ip:${ip}` : null,
    perUserAndIp: `login:${user}|${address}`,
    perUser: `login:${user}`,
    lastUserFailure: `login-last:${user}`,
    successFromIp: ip ? `login-ok:${user}|${ip}` : null,
  };
}

async function row(prisma: PrismaClient, key: string | null): Promise<WindowCounter | null> {
  return key ? prisma.loginAttempt.findUnique({ where: { key }, select: { count: true, windowStart: true } }) : null;
}

/** Throws RATE_LIMITED (with data.retryAfterSeconds) when the policy refuses this attempt. */
export async function assertLoginAllowed(
  prisma: PrismaClient,
  username: string,
  ip: string | null | undefined,
  now: Date = new Date(),
  limit: LoginRateLimit = DEFAULT_LOGIN_RATE_LIMIT,
): Promise<void> {
  const keys = keysFor(username, ip);
  const [perIp, perUserAndIp, perUser, last, success] = await Promise.all([
    row(prisma, keys.perIp),
    row(prisma, keys.perUserAndIp),
    row(prisma, keys.perUser),
    row(prisma, keys.lastUserFailure),
    row(prisma, keys.successFromIp),
  ]);
  const decision = decideLogin(
    { perIp, perUserAndIp, perUser, lastUserFailure: last?.windowStart ?? null, lastSuccessFromIp: success?.windowStart ?? null, ipKnown: !!ip },
    now,
    limit,
  );
  if (decision.allowed) return;
  const wait = formatWait(decision.retryAfterSeconds);
  const message =
    decision.reason === 'user-and-ip'
      ? `Too many failed sign-ins for '${username}'. Try again in ${wait}.`
      : decision.reason === 'ip'
        ? `Too many failed sign-ins from your address. Try again in ${wait}.`
        : `Many sign-ins for '${username}' have failed recently, so sign-ins from places it has not signed in from before are slowed down. Try again in ${wait}.`;
  throw new AppError('RATE_LIMITED', message, { data: { retryAfterSeconds: decision.retryAfterSeconds } });
}

async function countFailure(prisma: PrismaClient, key: string, now: Date, limit: LoginRateLimit): Promise<void> {
  const existing = await prisma.loginAttempt.findUnique({ where: { key } });
  if (!existing || existing.windowStart.getTime() + limit.windowMs <= now.getTime()) {
    await prisma.loginAttempt.upsert({ where: { key }, create: { key, count: 1, windowStart: now }, update: { count: 1, windowStart: now } });
  } else {
    await prisma.loginAttempt.update({ where: { key }, data: { count: { increment: 1 } } });
  }
}

/** Stamps `key` with `now` (a time, not a counter). */
async function stamp(prisma: PrismaClient, key: string, now: Date): Promise<void> {
  await prisma.loginAttempt.upsert({ where: { key }, create: { key, count: 1, windowStart: now }, update: { count: { increment: 1 }, windowStart: now } });
}

export async function recordLoginFailure(
  prisma: PrismaClient,
  username: string,
  ip: string | null | undefined,
  now: Date = new Date(),
  limit: LoginRateLimit = DEFAULT_LOGIN_RATE_LIMIT,
): Promise<void> {
  const keys = keysFor(username, ip);
  for (const key of [keys.perIp, keys.perUserAndIp, keys.perUser]) if (key) await countFailure(prisma, key, now, limit);
  await stamp(prisma, keys.lastUserFailure, now);
}

/**
 * A successful sign-in clears the user+address counter and marks the address as known for the user. The per-user and
 * per-address counters stay: clearing them would let an attacker with one account reset them.
 */
export async function recordLoginSuccess(prisma: PrismaClient, username: string, ip: string | null | undefined, now: Date = new Date()): Promise<void> {
  const keys = keysFor(username, ip);
  await prisma.loginAttempt.deleteMany({ where: { key: keys.perUserAndIp } });
  if (keys.successFromIp) await stamp(prisma, keys.successFromIp, now);
}

function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
