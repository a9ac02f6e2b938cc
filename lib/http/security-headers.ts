/**
 * The security headers of every response, in one place: next.config.ts sets the static ones on every path, proxy.ts
 * sets a page's Content-Security-Policy (it carries a fresh nonce per request), and the Node-level method guard
 * (lib/http/api-surface-guard.ts) sets them on the answers it writes itself.
 */

/** Pages can never be framed (X-Frame-Options for browsers without CSP frame-ancestors), no MIME sniffing. */
export const STATIC_SECURITY_HEADERS: ReadonlyArray<{ key: string; value: string }> = [
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'same-origin' },
];

/** JSON and other non-HTML answers load nothing and may not be framed. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * A page's policy. Scripts only with this response's nonce ('strict-dynamic' lets Next's nonced loader fetch the
 * chunks it needs); Next reads the nonce from this header on the request and puts it on its own inline scripts.
 * Styles allow 'unsafe-inline': React renders style="…" attributes (allocation bars) and CodeMirror injects its theme;
 * CSS cannot run script, and every script-capable directive stays strict.
 */
export function pageCsp(nonce: string, options: { dev?: boolean } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
