// `npm start`: build the production bundle when it is missing or older than the sources, then serve it.
// Everything else (database migrations, the git data repository, demo accounts) is set up by instrumentation.ts at
// server start, so `npm install && npm start` is all a fresh machine needs.
import { spawnSync, spawn } from 'node:child_process';
import path from 'node:path';
import { needsBuild } from './build-freshness.mjs';
import { serverEnvironment } from './server-env.mjs';

const nextBin = path.join('node_modules', 'next', 'dist', 'bin', 'next');

if (needsBuild()) {
  console.log('[proctor-studio] building the production bundle (next build)…');
  const build = spawnSync(process.execPath, [nextBin, 'build'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const port = process.env.PORT || '3000';
const server = spawn(process.execPath, [nextBin, 'start', '-p', port, ...process.argv.slice(2)], { stdio: 'inherit', env: serverEnvironment() });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
