#!/usr/bin/env node
// A throwaway PostgreSQL server for tests and CI, built from the Debian packages' binaries
// (/usr/lib/postgresql/<version>/bin; `apt-get install -y postgresql` provides them). Data lives in a temp folder,
// the server listens on a free loopback port with trust authentication, fsync off. Nothing here is fit for real data.
//
//   node scripts/postgres-test-server.mjs start          prints the connection URL (server keeps running)
//   node scripts/postgres-test-server.mjs stop [dir]     stops it and deletes its folder (default: the last started)
//   node scripts/postgres-test-server.mjs url            prints the URL of the last started server
//   node scripts/postgres-test-server.mjs run -- cmd…    start, run cmd with TEST_DATABASE_URL set, stop; exits with cmd's code
//
// Or from code: `const server = await startPostgresTestServer(); … server.url …; await server.stop();`
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const POINTER_FILE = path.join(os.tmpdir(), 'proctor-postgres-test-server.json');
const FALLBACK_USER = 'proctor-pg';

/** The newest installed PostgreSQL bin folder (PG_BIN overrides). */
export function findPostgresBin() {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((version) => existsSync(path.join(root, version, 'bin', 'initdb')))
        .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))
    : [];
  if (versions.length === 0) {
    throw new Error(`No PostgreSQL server binaries under ${root}. Install them with: apt-get install -y postgresql (or set PG_BIN).`);
  }
  return path.join(root, versions[0], 'bin');
}

function userExists(name) {
  return spawnSync('id', ['-u', name], { stdio: 'ignore' }).status === 0;
}

/** initdb refuses to run as root: pick an unprivileged account (Debian's `postgres`, else create one). */
function serverUser() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  if (userExists('postgres')) return 'postgres';
  if (!userExists(FALLBACK_USER)) execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', FALLBACK_USER]);
  return FALLBACK_USER;
}

function run(user, command, args) {
  const [file, argv] = user ? ['runuser', ['-u', user, '--', command, ...args]] : [command, args];
  const result = spawnSync(file, argv, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${result.stdout ?? ''}${result.stderr ?? ''}`);
  }
  return result.stdout;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function chownRecursive(target, uid, gid) {
  chownSync(target, uid, gid);
  for (const entry of readdirSync(target, { withFileTypes: true })) {
    const child = path.join(target, entry.name);
    if (entry.isDirectory()) chownRecursive(child, uid, gid);
    else chownSync(child, uid, gid);
  }
}

/**
 * Starts a server and returns { url, port, dir, stop() }. The server outlives this process until stop() or
 * `postgres-test-server.mjs stop <dir>`.
 */
export async function startPostgresTestServer(options = {}) {
  const bin = options.bin ?? findPostgresBin();
  const user = serverUser();
  const dir = mkdtempSync(path.join(options.baseDir ?? os.tmpdir(), 'proctor-pg-'));
  const dataDir = path.join(dir, 'data');
  if (user) {
    const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
    chownRecursive(dir, uid, gid);
  }
  try {
    run(user, path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-sync']);
    // Ports can be taken between probing and binding; retry a few times.
    for (let attempt = 1; ; attempt++) {
      const port = options.port ?? (await freePort());
      const serverOptions = [
        `-p ${port}`,
        '-c listen_addresses=127.0.0.1',
        `-c unix_socket_directories=${dir}`,
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
        '-c max_connections=200',
      ].join(' ');
      try {
        run(user, path.join(bin, 'pg_ctl'), ['-D', dataDir, '-l', path.join(dir, 'postgres.log'), '-o', serverOptions, '-w', '-t', '60', 'start']);
      } catch (error) {
        if (attempt < 3 && options.port === undefined) continue;
        const log = existsSync(path.join(dir, 'postgres.log')) ? readFileSync(path.join(dir, 'postgres.log'), 'utf8') : '';
        throw new Error(`${error.message}\n${log}`);
      }
      const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
      const state = { url, port, dir, dataDir, bin, user: user ?? null };
      writeFileSync(path.join(dir, 'server.json'), JSON.stringify(state, null, 2));
      writeFileSync(POINTER_FILE, JSON.stringify(state, null, 2));
      return { url, port, dir, stop: () => stopPostgresTestServer(dir) };
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Stops the server started in `dir` (default: the last one started) and deletes its folder. */
export async function stopPostgresTestServer(dir) {
  const stateFile = dir ? path.join(dir, 'server.json') : POINTER_FILE;
  if (!existsSync(stateFile)) throw new Error(dir ? `No test server state in ${dir}.` : 'No test server was started.');
  const state = JSON.parse(readFileSync(stateFile, 'utf8'));
  if (existsSync(path.join(state.dataDir, 'postmaster.pid'))) {
    run(state.user ?? undefined, path.join(state.bin, 'pg_ctl'), ['-D', state.dataDir, '-m', 'fast', '-w', 'stop']);
  }
  rmSync(state.dir, { recursive: true, force: true });
  if (existsSync(POINTER_FILE) && JSON.parse(readFileSync(POINTER_FILE, 'utf8')).dir === state.dir) unlinkSync(POINTER_FILE);
}

async function main(argv) {
  const [command, ...rest] = argv;
  if (command === 'start') {
    const server = await startPostgresTestServer();
    process.stdout.write(`${server.url}\n`);
    process.stderr.write(`PostgreSQL test server in ${server.dir}; stop it with: node scripts/postgres-test-server.mjs stop ${server.dir}\n`);
  } else if (command === 'stop') {
    await stopPostgresTestServer(rest[0]);
  } else if (command === 'url') {
    if (!existsSync(POINTER_FILE)) throw new Error('No test server was started.');
    process.stdout.write(`${JSON.parse(readFileSync(POINTER_FILE, 'utf8')).url}\n`);
  } else if (command === 'run') {
    const cmd = rest[0] === '--' ? rest.slice(1) : rest;
    if (cmd.length === 0) throw new Error('Usage: postgres-test-server.mjs run -- <command> [args…]');
    const server = await startPostgresTestServer();
    let status = 1;
    try {
      const result = spawnSync(cmd[0], cmd.slice(1), { stdio: 'inherit', env: { ...process.env, TEST_DATABASE_URL: server.url } });
      status = result.status ?? 1;
    } finally {
      await server.stop();
    }
    process.exitCode = status;
  } else {
    process.stderr.write('Usage: postgres-test-server.mjs start | stop [dir] | url | run -- <command> [args…]\n');
    process.exitCode = 2;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
}
