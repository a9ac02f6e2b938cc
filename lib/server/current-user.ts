/**
 * The signed-in user for server components and pages: the same authentication as the API (session cookie, or the
 * trusted proxy header when configured), read from the incoming request's headers.
 */
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { hasRole, type Role } from '@/lib/auth/roles';
import type { AuthUser } from '@/lib/auth/user-view';
import { databaseUnavailableError, isDatabaseUnavailable } from '@/lib/db/unavailable';
import { PEER_ADDRESS_HEADER } from '@/lib/client-address';
import { getServices } from '@/lib/composition/services';

/**
 * Null when nobody is signed in. A database that cannot be reached (restarting) throws DATABASE_UNAVAILABLE instead:
 * "unknown" must never read as "signed out", or a brief database restart would send everyone to the sign-in page.
 */
export async function getCurrentUser(): Promise<AuthUser | null> {
  const incoming = await headers();
  try {
    const services = await getServices();
    // Pages never take Bearer tokens: only the cookie (and the proxy header) identify a browser.
    const forwarded = new Headers();
    const cookie = incoming.get('cookie');
    if (cookie) forwarded.set('cookie', cookie);
    const { trustedUserHeader } = services.config;
    if (trustedUserHeader) {
      const proxied = incoming.get(trustedUserHeader);
      if (proxied) forwarded.set(trustedUserHeader, proxied);
      // The socket peer stamped at the request edge: the header is believed only from a trusted proxy.
      const peer = incoming.get(PEER_ADDRESS_HEADER);
      if (peer) forwarded.set(PEER_ADDRESS_HEADER, peer);
    }
    const auth = await services.authenticate(new Request('http://localhost/', { headers: forwarded }));
    return auth?.user ?? null;
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw databaseUnavailableError(error);
    return null;
  }
}

/** For pages: the user, or a redirect to the sign-in page that comes back here afterwards. */
export async function requirePageUser(returnTo: string, role: Role = 'viewer'): Promise<AuthUser> {
  const user = await getCurrentUser();
  if (!user) redirect(`/login?next=${encodeURIComponent(returnTo)}`);
  if (!hasRole(user, role)) redirect(`/forbidden?need=${role}`);
  return user;
}
