import { defineConfig } from 'vitest/config';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const __dirname = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  resolve: { alias: { '@': path.resolve(__dirname) } },
  test: {
    // test/instances (several app instances on one PostgreSQL) runs only where a PostgreSQL server is given: the
    // PostgreSQL stage (scripts/test-postgres.mjs) sets TEST_DATABASE_URL.
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', ...(process.env.TEST_DATABASE_URL ? ['test/instances/**/*.test.ts'] : [])],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
