import type { NextConfig } from 'next';
import { API_CSP, STATIC_SECURITY_HEADERS } from './lib/http/security-headers';

const nextConfig: NextConfig = {
  // Native/WASM server packages stay outside the bundle; they are loaded from node_modules at run time.
  serverExternalPackages: ['@electric-sql/pglite', 'pglite-prisma-adapter', 'isomorphic-git', 'jira-client', 'pg', 'bcryptjs'],
  poweredByHeader: false,
  // Resolve metadata before the shell is sent, for every user agent. By default Next streams it to browsers, and with
  // app/(app)/loading.tsx flushing the shell early a slow render can leave a page without <title> for a while (an axe
  // check in CI caught one). Our generateMetadata functions only read route params, so blocking on them costs nothing.
  htmlLimitedBots: /.*/,
  // The app's own type check; tests and benches are checked by `npm run typecheck`, so a test being written cannot
  // break `npm start`.
  typescript: { tsconfigPath: 'tsconfig.build.json' },
  // Every response: no framing, no sniffing, same-origin referrers. Pages get their nonce CSP from proxy.ts; the API's
  // JSON gets one that loads nothing.
  async headers() {
    return [
      { source: '/:path*', headers: [...STATIC_SECURITY_HEADERS] },
      { source: '/api/:path*', headers: [{ key: 'Content-Security-Policy', value: API_CSP }] },
    ];
  },
};

export default nextConfig;
