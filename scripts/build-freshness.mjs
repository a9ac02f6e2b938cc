// Whether the production bundle (.next) is missing or older than anything `next build` reads. Shared by `npm start`,
// the browser tests and the HTTP integration tests, so all three agree on when to rebuild.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const BUILD_SOURCES = [
  'app', 'components', 'lib', 'schemas', 'public', 'proctor-data', 'instrumentation.ts', 'proxy.ts', 'next.config.ts', 'package.json',
  'postcss.config.mjs', 'tsconfig.json', 'tsconfig.build.json',
];

function newestMtime(entry) {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of readdirSync(entry)) {
    if (child === 'generated' || child === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(path.join(entry, child)));
  }
  return newest;
}

export function needsBuild(root = process.cwd()) {
  const buildId = path.join(root, '.next', 'BUILD_ID');
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  return BUILD_SOURCES.some((source) => newestMtime(path.join(root, source)) > built);
}
