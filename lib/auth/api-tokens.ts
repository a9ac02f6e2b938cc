/**
 * Personal API tokens for scripts and the CLI: `pst_` + 32 random bytes. The plaintext is returned once at creation;
 * the database keeps its sha256 and a short prefix so people can tell their tokens apart.
 */
import { AppError } from '@/lib/errors';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { requireReader, type Anonymous } from './actor';
import { hasRole } from './roles';
import { randomToken, sha256Hex } from './tokens';
import { toAuthUser, type AuthUser } from './user-view';

export const API_TOKEN_PREFIX = 'pst_';
/** Characters of the token kept in clear (includes "pst_"). */
const PREFIX_LENGTH = 12;
const MAX_EXPIRY_DAYS = 3650;
const TOUCH_INTERVAL_MS = 60 * 1000;

export interface ApiTokenView {
  id: string;
  name: string;
  prefix: string;
  username: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export interface CreatedApiToken {
  /** The secret itself: shown once, never stored. */
  token: string;
  id: string;
  prefix: string;
  name: string;
  expiresAt: Date | null;
}

export function isApiTokenFormat(value: string): boolean {
  return value.startsWith(API_TOKEN_PREFIX) && value.length > API_TOKEN_PREFIX.length + 20;
}

export async function createApiToken(
  deps: { prisma: PrismaClient },
  reader: AuthUser | Anonymous,
  input: { name: string; expiresInDays?: number | null },
  now: Date = new Date(),
): Promise<CreatedApiToken> {
  const { prisma } = deps;
  const user = requireReader(reader);
  const name = input.name.trim();
  if (!name) throw new AppError('VALIDATION_FAILED', 'Give the token a name.', { details: [{ path: '/name', message: 'must not be empty' }] });
  let expiresAt: Date | null = null;
  if (input.expiresInDays !== undefined && input.expiresInDays !== null) {
    const days = input.expiresInDays;
    if (!Number.isInteger(days) || days < 1 || days > MAX_EXPIRY_DAYS) {
      throw new AppError('VALIDATION_FAILED', `expiresInDays must be a whole number from 1 to ${MAX_EXPIRY_DAYS}.`, {
        details: [{ path: '/expiresInDays', message: `must be an integer from 1 to ${MAX_EXPIRY_DAYS}` }],
      });
    }
    expiresAt = new Date(now.getTime() + days * 24 * 60 * 60 * 1000);
  }
  const token = API_TOKEN_PREFIX + randomToken(32);
  const prefix = token.slice(0, PREFIX_LENGTH);
  const row = await prisma.apiToken.create({
    data: { userId: user.id, name, tokenHash: sha256Hex(token), prefix, createdAt: now, expiresAt },
  });
  return { token, id: row.id, prefix, name, expiresAt };
}

/** The owner of a valid token (recording its use), or null when unknown, revoked, expired, or the user is disabled. */
export async function resolveApiToken(prisma: PrismaClient, token: string, now: Date = new Date()): Promise<{ user: AuthUser; tokenId: string } | null> {
  if (!isApiTokenFormat(token)) return null;
  const row = await prisma.apiToken.findUnique({ where: { tokenHash: sha256Hex(token) }, include: { user: true } });
  if (!row || row.revokedAt) return null;
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) return null;
  if (row.user.disabled) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) {
    await prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return { user: toAuthUser(row.user), tokenId: row.id };
}

/** What the API shows of a token row (never its hash). */
function toView(row: Omit<ApiTokenView, 'username'> & { user: { username: string } }): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    username: row.user.username,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
  };
}

/** The caller's own tokens; admins may ask for everyone's. Newest first. */
export async function listApiTokens(deps: { prisma: PrismaClient }, reader: AuthUser | Anonymous, options: { all?: boolean } = {}): Promise<ApiTokenView[]> {
  const { prisma } = deps;
  const actor = requireReader(reader);
  if (options.all && !hasRole(actor, 'admin')) throw new AppError('FORBIDDEN', 'Only admins can list the tokens of all users.');
  const rows = await prisma.apiToken.findMany({
    where: options.all ? undefined : { userId: actor.id },
    include: { user: { select: { username: true } } },
    orderBy: { createdAt: 'desc' },
  });
  return rows.map(toView);
}

/** Revokes a token of the caller (admins: any token). Revoking twice is harmless. */
export async function revokeApiToken(deps: { prisma: PrismaClient }, reader: AuthUser | Anonymous, input: { id: string }, now: Date = new Date()): Promise<ApiTokenView> {
  const { prisma } = deps;
  const actor = requireReader(reader);
  const { id } = input;
  const row = await prisma.apiToken.findUnique({ where: { id }, include: { user: { select: { username: true } } } });
  // Someone else's token looks the same as a missing one, so ids cannot be probed.
  if (!row || (row.userId !== actor.id && !hasRole(actor, 'admin'))) throw new AppError('NOT_FOUND', `API token '${id}' does not exist.`);
  const revokedAt = row.revokedAt ?? now;
  if (!row.revokedAt) await prisma.apiToken.update({ where: { id }, data: { revokedAt } });
  return toView({ ...row, revokedAt });
}
