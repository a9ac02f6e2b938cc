// `npm test`: every test. 1) unit + integration (vitest, in-memory PGlite), 2) the database tests again against a real
// PostgreSQL server started here, 3) browser tests against a production build. Fails on the first failing stage.
import { spawnSync } from 'node:child_process';

function run(title, command, args, env = {}) {
  console.log(`\n[test] ${title}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    console.error(`[test] FAILED: ${title}`);
    process.exit(result.status ?? 1);
  }
}

const node = process.execPath;
run('unit and integration tests (vitest)', node, ['node_modules/vitest/vitest.mjs', 'run']);
run('database tests against a real PostgreSQL server', node, ['scripts/test-postgres.mjs']);
run('browser tests (Playwright + Chromium, production build)', node, ['scripts/test-e2e.mjs']);
console.log('\n[test] all stages passed');
