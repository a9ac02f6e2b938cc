// `npm start`: build the production bundle when it is missing or older than the sources, then serve it.
// Everything else (database migrations, the git data repository, demo accounts) is set up by instrumentation.ts at
// server start, so `npm install && npm start` is all a fresh machine needs.
import { spawnSync, spawn } from 'node:child_process';
import path from 'node:path';
import { needsBuild } from './build-freshness.mjs';
import { serverEnvironment } from './server-env.mjs';
import { DEMO_TRAFFIC_ARGS } from './demo-traffic.mjs';

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

// The embedded demo starts with weeks of measured traffic for its demo tests (issue #19): once the server answers,
// the simulator (scripts/simulate.ts, the real client against the real endpoint) runs once per database — it marks
// the database with the events token it creates, so later starts find it and do nothing. Only for the demo setup
// (the embedded database, demo accounts on: the same rule as lib/config.ts); PROCTOR_DEMO_TRAFFIC=0 turns it off.
const flag = (value) => (value === undefined || value === '' ? undefined : !/^(0|false|no|off)$/i.test(value.trim()));
const demo = flag(process.env.PROCTOR_DEMO) ?? (!process.env.DATABASE_URL?.trim() && !process.env.PROCTOR_GIT_URL?.trim());
if (demo && !process.env.DATABASE_URL?.trim() && flag(process.env.PROCTOR_DEMO_TRAFFIC) !== false) {
  const url = `http://127.0.0.1:${port}`;
  const waitAndSimulate = async () => {
    for (let waited = 0; waited < 600_000; waited += 1000) {
      const ready = await fetch(`${url}/api/health`).then((response) => response.status === 200, () => false);
      if (ready) {
        const simulator = spawn(process.execPath, ['--import', 'tsx', 'scripts/simulate.ts', '--url', url, '--demo-once', ...DEMO_TRAFFIC_ARGS], { stdio: 'inherit' });
        simulator.unref();
        // The demo applications (scripts/demo-apps.ts) report heartbeats as long as the server runs, so Consumers and
        // each test's Usage tab show who loads what, and a change they could not load is refused with their name.
        const apps = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo-apps.ts', '--url', url], { stdio: 'inherit' });
        for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => apps.kill(signal));
        server.on('exit', () => apps.kill('SIGTERM'));
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };
  void waitAndSimulate();
}
