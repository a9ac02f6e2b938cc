import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // Native/WASM server packages stay outside the bundle; they are loaded from node_modules at run time.
  serverExternalPackages: ['@electric-sql/pglite', 'pglite-prisma-adapter', 'isomorphic-git', 'jira-client', 'pg', 'bcryptjs'],
  poweredByHeader: false,
  // The app's own type check; tests and benches are checked by `npm run typecheck`, so a test being written cannot
  // break `npm start`.
  typescript: { tsconfigPath: 'tsconfig.build.json' },
};

export default nextConfig;
