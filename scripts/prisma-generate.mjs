// Runs `prisma generate` offline. Prisma's CLI wants a schema-engine binary path even though generate never executes it
// (see ../shared/docs/ENVIRONMENT.md), so point it at an existing file unless the user configured a real one.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('prisma/schema.prisma')) process.exit(0);
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1' };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
const cli = 'node_modules/prisma/build/index.js';
if (!existsSync(cli)) {
  // `npm install --omit=dev` skips the prisma CLI; the app cannot run without lib/generated/prisma.
  console.error('prisma-generate: the prisma CLI (devDependency) is not installed; install with dev dependencies to generate lib/generated/prisma.');
  process.exit(1);
}
const result = spawnSync(process.execPath, [cli, 'generate'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
