// The database-backed tests again, on a real PostgreSQL server (the scale-out mode), so it is proven rather than
// assumed. Uses TEST_DATABASE_URL when given; otherwise starts a throwaway server from Debian's binaries (installing the
// package first when we are root and it is missing).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ensurePostgres } from './system-deps.mjs';

// Every integration test that opens its database through test/support/db.ts (directly or via temp-repo) runs there.
const files = readdirSync('test/integration')
  .filter((name) => name.endsWith('.test.ts'))
  .map((name) => path.join('test/integration', name))
  .filter((file) => /createTestDatabase|createEmptyTestConnection|support\/temp-repo/.test(readFileSync(file, 'utf8')))
  // Several app instances on one PostgreSQL and one upstream (issue #22): only here, where a server is given.
  .concat(readdirSync('test/instances').filter((name) => name.endsWith('.test.ts')).map((name) => path.join('test/instances', name)));

async function main() {
  let url = process.env.TEST_DATABASE_URL;
  let server;
  if (!url) {
    process.env.PG_BIN ??= ensurePostgres();
    const { startPostgresTestServer } = await import('./postgres-test-server.mjs');
    server = await startPostgresTestServer();
    url = server.url;
    console.log(`[test:postgres] throwaway PostgreSQL server at ${url.replace(/\/\/[^@]*@/, '//')}`);
  }
  console.log(`[test:postgres] ${files.length} files: ${files.join(', ')}`);
  const result = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...files], {
    stdio: 'inherit',
    env: { ...process.env, TEST_DATABASE_URL: url },
  });
  if (server) await server.stop();
  process.exit(result.status ?? 1);
}

main().catch((error) => {
  console.error(`[test:postgres] ${error.message}`);
  process.exit(1);
});
