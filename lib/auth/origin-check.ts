/**
 * Cross-site request forgery defence for credentials the browser attaches by itself (session cookie, proxy SSO header):
 * a state-changing request must come from our own origin. SameSite=Lax already stops most cross-site POSTs; this also
 * covers same-site siblings and older browsers. Token requests are exempt — a page cannot make a browser send a Bearer
 * header cross-origin without a CORS preflight we never approve.
 */
import { AppError } from '@/lib/errors';
import { requestHosts } from '@/lib/client-address';
import type { AuthMethod } from './authenticate';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isMutation(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

function originOf(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.origin === 'null' ? undefined : parsed.origin.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * The origins this request may legitimately come from: the public URL, and the Host it was sent to (X-Forwarded-Host
 * only from a trusted proxy: anyone can send that header, and a page's own fetch cannot forge Host).
 */
export function allowedOrigins(request: Request, publicUrl: string | undefined, trustedProxies: readonly string[] = []): Set<string> {
  const origins = new Set<string>();
  const fromPublic = originOf(publicUrl);
  if (fromPublic) origins.add(fromPublic);
  for (const host of requestHosts(request, trustedProxies)) {
    origins.add(`http://${host}`.toLowerCase());
    origins.add(`https://${host}`.toLowerCase());
  }
  return origins;
}

/** Throws FORBIDDEN when a cookie/proxy-authenticated mutation does not come from an allowed origin. */
export function assertSameOrigin(
  request: Request,
  via: AuthMethod | null | undefined,
  publicUrl: string | undefined,
  trustedProxies: readonly string[] = [],
): void {
  if (!isMutation(request.method) || via === 'token') return;
  if (request.headers.get('sec-fetch-site') === 'cross-site') {
    throw new AppError('FORBIDDEN', 'Cross-site request refused. Use Proctor Studio itself, or an API token for scripts.');
  }
  const origin = originOf(request.headers.get('origin')) ?? originOf(request.headers.get('referer'));
  if (!origin) {
    // Browsers always send Origin on fetch/form POSTs; its absence with an ambient credential means a non-browser client.
    if (!via) return; // Anonymous (e.g. the login form itself when Origin is stripped): nothing to forge.
    throw new AppError('FORBIDDEN', 'Request refused: no Origin header. Scripts should authenticate with an API token.');
  }
  if (!allowedOrigins(request, publicUrl, trustedProxies).has(origin)) {
    throw new AppError('FORBIDDEN', `Cross-site request from ${origin} refused. Use Proctor Studio itself, or an API token for scripts.`);
  }
}
