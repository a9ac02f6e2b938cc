/**
 * Runs before every page (not /api, which lib/http/api-route.ts and the method guard answer, nor static files):
 * gives the page a Content-Security-Policy with a fresh nonce (Next reads it from the request's header and puts it on
 * its own scripts), passes the path on for the (app) layout's 404 check (lib/server/unknown-page.ts), and refuses
 * addresses carrying a NUL character (%00) before any page passes it to the database.
 */
import { NextResponse, type NextRequest } from 'next/server';
import { findNulInUrl } from '@/lib/http/nul-in-url';
import { PAGE_PATH_HEADER } from '@/lib/http/page-path-header';
import { API_CSP, pageCsp } from '@/lib/http/security-headers';

export function proxy(request: NextRequest): NextResponse {
  if (findNulInUrl(new URL(request.url)) !== null) {
    return new NextResponse('400 Bad Request: the address contains a NUL character (%00), which no page accepts. Remove it from the address.\n', {
      status: 400,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'content-security-policy': API_CSP, 'cache-control': 'no-store' },
    });
  }
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const csp = pageCsp(nonce, { dev: process.env.NODE_ENV === 'development' });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('content-security-policy', csp);
  requestHeaders.set(PAGE_PATH_HEADER, request.nextUrl.pathname);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('content-security-policy', csp);
  return response;
}

export const config = {
  // Not the API, Next's static files, the icon or the document other origins may read (robots).
  matcher: [{ source: '/((?!api/|_next/static/|_next/image|icon\\.svg|favicon\\.ico).*)' }],
};
