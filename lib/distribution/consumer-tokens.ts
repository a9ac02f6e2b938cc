/**
 * Application tokens (ConsumerToken): what an application's Proctor client sends with its heartbeat. Admins create
 * them; the secret `pct_…` is returned once and only its sha256 is stored. A token may be restricted to one
 * environment, so a QA token cannot report itself as production, and has a scope: `heartbeat` (what every token could do
 * before events existed, so older tokens keep it), `events` (can ONLY send measurement events: what goes into a
 * browser build, where anyone can read it) or `all`.
 */
import { requireReader, type Reader } from '@/lib/auth/actor';
import { randomToken, sha256Hex } from '@/lib/auth/tokens';
import { AppError } from '@/lib/errors';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { ENVIRONMENTS, type Environment } from '@/lib/store';

export const CONSUMER_TOKEN_PREFIX = 'pct_';
const PREFIX_LENGTH = 12;
const TOUCH_INTERVAL_MS = 60_000;

export const CONSUMER_TOKEN_SCOPES = ['heartbeat', 'events', 'all'] as const;
export type ConsumerTokenScope = (typeof CONSUMER_TOKEN_SCOPES)[number];
/** What a request needs the token's scope to allow. */
export type ConsumerTokenUse = 'heartbeat' | 'events';

export interface ConsumerTokenView {
  id: string;
  name: string;
  prefix: string;
  environment: Environment | null;
  scope: ConsumerTokenScope;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface CreatedConsumerToken extends ConsumerTokenView {
  /** The secret: shown once, never stored. */
  token: string;
}

function view(row: { id: string; name: string; prefix: string; environment: string | null; scope: ConsumerTokenScope; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }): ConsumerTokenView {
  return { id: row.id, name: row.name, prefix: row.prefix, environment: (row.environment as Environment | null) ?? null, scope: row.scope, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt, revokedAt: row.revokedAt };
}

/** Application tokens are managed by admins (the Consumers page, /api/v1/consumers/tokens). */
export async function createConsumerToken(
  deps: { prisma: PrismaClient },
  reader: Reader,
  input: { name: string; environment?: string | null; scope?: string },
  now: Date = new Date(),
): Promise<CreatedConsumerToken> {
  requireReader(reader, 'admin');
  const { prisma } = deps;
  const name = input.name.trim();
  if (!name) throw new AppError('VALIDATION_FAILED', 'Give the application token a name (e.g. the application it is for).', { details: [{ path: '/name', message: 'must not be empty' }] });
  const environment = input.environment ?? null;
  if (environment !== null && !ENVIRONMENTS.includes(environment as Environment)) {
    throw new AppError('VALIDATION_FAILED', `environment must be one of ${ENVIRONMENTS.join(', ')} (or null for any), got '${environment}'.`, {
      details: [{ path: '/environment', message: `must be one of ${ENVIRONMENTS.join(', ')}` }],
    });
  }
  const scope = input.scope ?? 'heartbeat';
  if (!CONSUMER_TOKEN_SCOPES.includes(scope as ConsumerTokenScope)) {
    throw new AppError('VALIDATION_FAILED', `scope must be one of ${CONSUMER_TOKEN_SCOPES.join(', ')}, got '${scope}'.`, {
      details: [{ path: '/scope', message: `must be one of ${CONSUMER_TOKEN_SCOPES.join(', ')}` }],
    });
  }
  const token = CONSUMER_TOKEN_PREFIX + randomToken(32);
  const row = await prisma.consumerToken.create({ data: { name, environment, scope: scope as ConsumerTokenScope, tokenHash: sha256Hex(token), prefix: token.slice(0, PREFIX_LENGTH), createdAt: now } });
  return { ...view(row), token };
}

export async function listConsumerTokens(deps: { prisma: PrismaClient }, reader: Reader): Promise<ConsumerTokenView[]> {
  requireReader(reader, 'admin');
  const rows = await deps.prisma.consumerToken.findMany({ orderBy: { createdAt: 'desc' } });
  return rows.map(view);
}

export async function revokeConsumerToken(deps: { prisma: PrismaClient }, reader: Reader, input: { id: string }, now: Date = new Date()): Promise<ConsumerTokenView> {
  requireReader(reader, 'admin');
  const { prisma } = deps;
  const { id } = input;
  const row = await prisma.consumerToken.findUnique({ where: { id } });
  if (!row) throw new AppError('NOT_FOUND', `Application token ${id} does not exist.`);
  if (row.revokedAt) return view(row);
  return view(await prisma.consumerToken.update({ where: { id }, data: { revokedAt: now } }));
}

/** Whether a token of `scope` may be used for `use`. */
export function scopeAllows(scope: ConsumerTokenScope, use: ConsumerTokenUse): boolean {
  return scope === 'all' || scope === use;
}

/**
 * The token behind an `Authorization: Bearer pct_…` header, or UNAUTHENTICATED naming what is wrong; FORBIDDEN when its
 * scope does not allow `use`.
 */
export async function resolveConsumerToken(prisma: PrismaClient, authorization: string | null, use: ConsumerTokenUse, now: Date = new Date()): Promise<ConsumerTokenView> {
  const match = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
  if (!match || !match[1].startsWith(CONSUMER_TOKEN_PREFIX)) {
    throw new AppError('UNAUTHENTICATED', 'Send the application token as "Authorization: Bearer pct_…" (an admin creates one on the Consumers page or with POST /api/v1/consumers/tokens).');
  }
  const row = await prisma.consumerToken.findUnique({ where: { tokenHash: sha256Hex(match[1]) } });
  if (!row || row.revokedAt) throw new AppError('UNAUTHENTICATED', 'The application token is not valid: it is unknown or revoked. Ask an admin for a new one.');
  if (!scopeAllows(row.scope, use)) {
    throw new AppError('FORBIDDEN', use === 'events'
      ? `This application token (scope ${row.scope}) cannot send events: ask an admin for a token with the events or all scope.`
      : `This application token (scope ${row.scope}) can only send events, not a heartbeat: ask an admin for a token with the heartbeat or all scope.`);
  }
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) {
    await prisma.consumerToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return view(row);
}
