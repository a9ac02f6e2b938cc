/** Username/password sign-in: rate limited, constant-time for unknown users, and one vague message for every failure. */
import { AppError } from '@/lib/errors';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { verifyPassword } from './password';
import { assertLoginAllowed, recordLoginFailure, recordLoginSuccess, DEFAULT_LOGIN_RATE_LIMIT, type LoginRateLimit } from './rate-limit';
import { createSession } from './sessions';
import { toAuthUser, type AuthUser } from './user-view';

export interface LoginInput {
  username: string;
  password: string;
  ip?: string | null;
}

export interface LoginResult {
  user: AuthUser;
  /** Session cookie value. */
  token: string;
  expiresAt: Date;
}

export const LOGIN_FAILED_MESSAGE = 'Wrong username or password.';

export async function login(
  deps: { prisma: PrismaClient; now?: Date; rateLimit?: LoginRateLimit },
  input: LoginInput,
): Promise<LoginResult> {
  const { prisma } = deps;
  const now = deps.now ?? new Date();
  const limit = deps.rateLimit ?? DEFAULT_LOGIN_RATE_LIMIT;
  const username = input.username.trim();
  await assertLoginAllowed(prisma, username, input.ip, now, limit);
  const user = await prisma.user.findUnique({ where: { username } });
  // Always run bcrypt (against a dummy hash for unknown users) so timing does not reveal which usernames exist.
  const passwordOk = await verifyPassword(input.password, user?.passwordHash ?? null);
  if (!user || !passwordOk || user.disabled) {
    await recordLoginFailure(prisma, username, input.ip, now, limit);
    throw new AppError('UNAUTHENTICATED', LOGIN_FAILED_MESSAGE);
  }
  await recordLoginSuccess(prisma, username, input.ip, now);
  const session = await createSession(prisma, user.id, now);
  return { user: toAuthUser(user), token: session.token, expiresAt: session.expiresAt };
}
