/**
 * Who is making this request: an API token (Authorization: Bearer pst_…), the session cookie, or — only when
 * PROCTOR_TRUSTED_USER_HEADER is set — a username header added by an authenticating reverse proxy.
 *
 * Trust assumption of the proxy header: the app must be reachable ONLY through that proxy, and the proxy must strip the
 * header from incoming requests before setting it. Anyone who can reach the app directly can otherwise claim to be any
 * user. It is off by default. The named user must already exist (admins create accounts); unknown names are refused.
 */
import type { AppConfig } from '@/lib/config';
import { AppError } from '@/lib/errors';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { resolveApiToken } from './api-tokens';
import { assertGitText } from '@/lib/domain/git-text';
import { readSessionCookie, resolveSession } from './sessions';
import { toAuthUser, type AuthUser } from './user-view';

export type AuthMethod = 'session' | 'token' | 'proxy';

export interface Authentication {
  user: AuthUser;
  via: AuthMethod;
  /** Set when via = 'token'. */
  tokenId?: string;
}

/**
 * Returns null for anonymous requests (including a stale session cookie). A Bearer credential that is present but not
 * valid throws UNAUTHENTICATED: a script with a revoked token should fail loudly, not silently act as anonymous.
 */
export async function authenticate(
  prisma: PrismaClient,
  request: Request,
  config: Pick<AppConfig, 'trustedUserHeader'>,
  now: Date = new Date(),
): Promise<Authentication | null> {
  const authorization = request.headers.get('authorization');
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw new AppError('UNAUTHENTICATED', 'Send the API token as "Authorization: Bearer pst_…".');
    const resolved = await resolveApiToken(prisma, match[1], now);
    if (!resolved) throw new AppError('UNAUTHENTICATED', 'The API token is not valid: it is unknown, revoked or expired. Create a new one.');
    return { user: resolved.user, via: 'token', tokenId: resolved.tokenId };
  }

  if (config.trustedUserHeader) {
    const username = request.headers.get(config.trustedUserHeader)?.trim();
    if (username) {
      // Checked before the lookup: PostgreSQL cannot take a NUL, and the name can become a git author (git-text.ts).
      assertGitText(username, { path: config.trustedUserHeader, label: `The user name in the ${config.trustedUserHeader} header`, kind: 'identName', fix: 'the proxy must send a plain user name' });
      const user = await prisma.user.findUnique({ where: { username } });
      if (!user || user.disabled) {
        throw new AppError('FORBIDDEN', `User '${username}' has no active Proctor Studio account. Ask an admin to create it.`);
      }
      return { user: toAuthUser(user), via: 'proxy' };
    }
  }

  const token = readSessionCookie(request.headers.get('cookie'));
  if (token) {
    const session = await resolveSession(prisma, token, now);
    if (session) return { user: session.user, via: 'session' };
  }
  return null;
}
