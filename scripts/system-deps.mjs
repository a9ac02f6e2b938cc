// System packages the tests need (Debian's Chromium for Playwright, PostgreSQL server binaries for the scale-out mode).
// They come from Debian's archive, never from a browser download: `npx playwright install` cannot work offline.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const CHROMIUM_CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);

export function findChromium() {
  return CHROMIUM_CANDIDATES.find((candidate) => existsSync(candidate)) ?? null;
}

export function findPostgresBinDir() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(`${root}/${v}/bin/initdb`)).sort((a, b) => Number(b) - Number(a));
  return versions.length ? `${root}/${versions[0]}/bin` : null;
}

function canAptInstall() {
  return process.getuid?.() === 0 && spawnSync('which', ['apt-get']).status === 0;
}

let aptUpdated = false;
function aptInstall(pkg) {
  if (!aptUpdated) {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    aptUpdated = true;
  }
  execFileSync('apt-get', ['install', '-y', '-qq', pkg], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** Returns the Chromium executable, installing Debian's package when we are root; otherwise explains how to provide it. */
export function ensureChromium() {
  let chromium = findChromium();
  if (!chromium && canAptInstall()) {
    console.log('[test] Chromium is missing; installing Debian package "chromium"…');
    aptInstall('chromium');
    chromium = findChromium();
  }
  if (!chromium) {
    throw new Error(
      'Browser tests need Chromium and none was found. Install it with `sudo apt-get install -y chromium` ' +
        '(or set CHROMIUM_PATH to a Chromium/Chrome executable), then run `npm test` again.',
    );
  }
  return chromium;
}

/** Returns the PostgreSQL bin folder, installing Debian's package when we are root; otherwise explains how to provide it. */
export function ensurePostgres() {
  let binDir = findPostgresBinDir();
  if (!binDir && canAptInstall()) {
    console.log('[test] PostgreSQL server binaries are missing; installing Debian package "postgresql"…');
    aptInstall('postgresql');
    binDir = findPostgresBinDir();
  }
  if (!binDir) {
    throw new Error(
      'The database tests also run against a real PostgreSQL server and none was found. Install it with ' +
        '`sudo apt-get install -y postgresql` (only the binaries are used; a throwaway server is started in a temp folder), ' +
        'or set TEST_DATABASE_URL to an existing server you can create databases on.',
    );
  }
  return binDir;
}
