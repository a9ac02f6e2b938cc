/**
 * Who is making this request: an API token (Authorization: Bearer pst_…), the session cookie, or — only when
 * PROCTOR_TRUSTED_USER_HEADER is set — a username header added by an authenticating reverse proxy.
 *
 * The proxy header is believed only from the socket peers listed in PROCTOR_TRUSTED_PROXIES (the config refuses the
 * header without them): anyone else who can reach the app could claim to be any user with it. The proxy must still
 * strip the header from incoming requests before setting it. It is off by default. The named user must already exist
 * (admins create accounts); unknown names are refused.
 */
import { isTrustedProxy, PEER_ADDRESS_HEADER } from '@/lib/client-address';
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
  config: Pick<AppConfig, 'trustedUserHeader' | 'trustedProxies'>,
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
      const peer = request.headers.get(PEER_ADDRESS_HEADER);
      if (!isTrustedProxy(peer, config.trustedProxies)) {
        throw new AppError(
          'FORBIDDEN',
          `The ${config.trustedUserHeader} header is believed only from the proxies in PROCTOR_TRUSTED_PROXIES, and this request came from ${peer ?? 'an unknown address'}. Go through the sign-in proxy, or sign in with a password or an API token.`,
        );
      }
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
