/**
 * The REAL production app for integration tests: `next build` once when the bundle is missing or older than the
 * sources, then `next start` on a free port with a throwaway data folder and demo accounts. Each test file starts its
 * own server (vitest runs files in parallel forks), so ports and data folders never collide.
 *
 * Also a small HTTP client: cookie sign-in (a jar for proctor_session, with the same-origin Origin header our Origin
 * check wants) or bearer-token auth.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { needsBuild as needsBuildAt } from '../../scripts/build-freshness.mjs';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const DEMO_PASSWORD = 'demo';

const NEXT_BIN = path.join(REPO_ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
// Outside .next (which `next build` clears) and ignored by git.
const STATE_DIR = path.join(REPO_ROOT, 'node_modules', '.cache', 'proctor-test-build');
const BUILD_LOCK = path.join(STATE_DIR, 'lock');
/** Written after each build by this helper: {started, ok, output} (sources as of `started` are in it). */
const BUILD_STAMP = path.join(STATE_DIR, 'last-build.json');

/** The rule `npm start` uses: no BUILD_ID, or a source file newer than it. */
export function needsBuild(root = REPO_ROOT): boolean {
  return needsBuildAt(root);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function acquireLock(): Promise<() => void> {
  for (let waited = 0; ; waited += 250) {
    try {
      mkdirSync(BUILD_LOCK);
      return () => rmSync(BUILD_LOCK, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock left by a killed run: builds take ~10–60 s here, so 10 minutes is certainly stale.
      if (Date.now() - statSync(BUILD_LOCK, { throwIfNoEntry: false })!.mtimeMs > 10 * 60_000) rmSync(BUILD_LOCK, { recursive: true, force: true });
      if (waited > 15 * 60_000) throw new Error(`waited 15 minutes for ${BUILD_LOCK}`);
      await sleep(250);
    }
  }
}

/**
 * Builds at most once per test run: parallel forks serialise on a lock, and a build that started after this process
 * did is taken as current even if someone edited a source since (rebuilding would pull .next from under the servers
 * other forks already started).
 */
export async function ensureBuilt(): Promise<void> {
  mkdirSync(STATE_DIR, { recursive: true });
  const release = await acquireLock();
  try {
    const processStarted = Date.now() - process.uptime() * 1000;
    const last = existsSync(BUILD_STAMP) ? (JSON.parse(readFileSync(BUILD_STAMP, 'utf8')) as { started: number; ok: boolean; output: string }) : null;
    // Another fork of this run already built (or failed to): take its result rather than building again.
    if (last && last.started >= processStarted) {
      if (last.ok && existsSync(path.join(REPO_ROOT, '.next', 'BUILD_ID'))) return;
      if (!last.ok) throw new Error(`next build failed:\n${last.output}`);
    }
    if (!needsBuild()) return;
    let started: number;
    let build: ReturnType<typeof spawnSync>;
    let output: string;
    for (let attempt = 0; ; attempt++) {
      started = Date.now();
      build = spawnSync(process.execPath, [NEXT_BIN, 'build'], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } });
      output = `${build.stdout}${build.stderr}`.slice(-4000);
      // Someone else's build (e.g. `npm run test:e2e`) holds Next's own lock: wait for it rather than fail.
      if (build.status === 0 || !output.includes('Another next build process is already running') || attempt >= 200) break;
      await sleep(3000);
    }
    writeFileSync(BUILD_STAMP, JSON.stringify({ started, ok: build.status === 0, output }));
    if (build.status !== 0) throw new Error(`next build failed (${build.status}):\n${output}`);
  } finally {
    release();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface AppServer {
  baseUrl: string;
  port: number;
  /** The `next start` process (e.g. to kill -9 it). */
  pid: number;
  dataDir: string;
  /** Path of the bare git repository the app writes to. */
  repoDir: string;
  /** Every line the server printed on stdout / stderr so far. */
  stdout: string[];
  stderr: string[];
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Reuse the data folder of a stopped server (e.g. to restart it); default a fresh temp folder. */
  dataDir?: string;
  timeoutMs?: number;
  /** Default: a free port. */
  port?: number;
  /**
   * Write the server's stdout to this file instead of collecting it (`stdout` stays empty): a bench's load generator
   * then does not also read every request line.
   */
  stdoutFile?: string;
}

/**
 * PROCTOR_TEST_APP_DIR=<dir> runs an app already built there (its .next, proctor-data, prisma) instead of building
 * this working tree, e.g. a `git archive HEAD` snapshot while teammates' half-done edits break `next build` here.
 */
function appDir(): string {
  const dir = process.env.PROCTOR_TEST_APP_DIR?.trim();
  if (!dir) return REPO_ROOT;
  if (!existsSync(path.join(dir, '.next', 'BUILD_ID'))) throw new Error(`PROCTOR_TEST_APP_DIR=${dir} has no .next/BUILD_ID: run next build there first.`);
  return path.resolve(dir);
}

export async function startAppServer(options: StartOptions = {}): Promise<AppServer> {
  const cwd = appDir();
  if (cwd === REPO_ROOT) await ensureBuilt();
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'proctor-api-'));
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The embedded setup only: never a developer's real database or upstream.
  for (const key of Object.keys(env)) if (key === 'DATABASE_URL' || key.startsWith('PROCTOR_') || key === 'VITEST' || key.startsWith('VITEST_')) delete env[key];
  Object.assign(env, {
    NODE_ENV: 'production',
    PORT: String(port),
    PROCTOR_DATA_DIR: dataDir,
    PROCTOR_PUBLIC_URL: baseUrl,
    PROCTOR_DEMO: '1',
    NEXT_TELEMETRY_DISABLED: '1',
    ...options.env,
  });
  // APP_SERVER_NODE_FLAGS: node flags for the server alone, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile a bench.
  const nodeFlags = (process.env.APP_SERVER_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const stdoutFd = options.stdoutFile ? openSync(options.stdoutFile, 'a') : null;
  const child: ChildProcess = spawn(process.execPath, [...nodeFlags, NEXT_BIN, 'start', '-p', String(port), '-H', '127.0.0.1'], { cwd, env, stdio: ['ignore', stdoutFd ?? 'pipe', 'pipe'] });
  if (stdoutFd !== null) closeSync(stdoutFd);
  const stdout: string[] = [];
  const stderr: string[] = [];
  if (child.stdout) collectLines(child.stdout, stdout);
  collectLines(child.stderr!, stderr);
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.on('exit', (code) => {
      exited = code;
      resolve();
    }),
  );

  // If the test process ends without stop() (e.g. a hook timed out before `app` was assigned), take the server along.
  const onExit = () => {
    if (exited === undefined) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('exit', onExit);

  const stop = async ({ keepData = false } = {}) => {
    process.off('exit', onExit);
    if (exited === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(timer);
    }
    if (!keepData) rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    if (exited !== undefined) {
      await stop();
      throw new Error(`next start exited (${exited}) before it was ready:\n${[...stdout, ...stderr].join('\n').slice(-4000)}`);
    }
    try {
      const response = await fetch(`${baseUrl}/api/health`);
      if (response.status === 200) break;
      await response.arrayBuffer();
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the app was not ready within ${options.timeoutMs ?? 120_000} ms:\n${[...stdout, ...stderr].join('\n').slice(-4000)}`);
    }
    await sleep(200);
  }
  return { baseUrl, port, pid: child.pid!, dataDir, repoDir: path.join(dataDir, 'proctor-data.git'), stdout, stderr, stop };
}

function collectLines(stream: NodeJS.ReadableStream, into: string[]): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    into.push(...parts);
  });
  stream.on('end', () => {
    if (rest) into.push(rest);
  });
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed body when it is JSON, else undefined. */
  json: T;
}

export interface RequestOptions {
  /** An object is sent as JSON; a string is sent as-is (with Content-Type: application/json unless given). */
  body?: unknown;
  headers?: Record<string, string>;
}

/** One caller of the API: anonymous, a cookie session (login) or a bearer token (withToken). */
export class ApiClient {
  private cookie: string | null = null;
  private token: string | null = null;

  constructor(readonly baseUrl: string) {}

  static withToken(baseUrl: string, token: string): ApiClient {
    const client = new ApiClient(baseUrl);
    client.token = token;
    return client;
  }

  /** Signs in as a user (demo password by default) and keeps the session cookie. */
  async login(username: string, password = DEMO_PASSWORD): Promise<this> {
    const response = await this.request('POST', '/api/v1/session', { body: { username, password } });
    if (response.status !== 200) throw new Error(`sign-in as ${username} failed: ${response.status} ${response.text}`);
    return this;
  }

  /** A new API token of the signed-in user. */
  async createToken(name: string, expiresInDays?: number): Promise<{ id: string; token: string }> {
    const response = await this.request('POST', '/api/v1/tokens', { body: expiresInDays === undefined ? { name } : { name, expiresInDays } });
    if (response.status !== 201) throw new Error(`token creation failed: ${response.status} ${response.text}`);
    return response.json;
  }

  get sessionCookie(): string | null {
    return this.cookie;
  }

  async request<T = any>(method: string, urlPath: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {};
    if (this.cookie) {
      headers.cookie = `proctor_session=${this.cookie}`;
    }
    // Browsers send Origin on every cross-origin-capable request; our page is same-origin.
    if (!this.token) headers.origin = this.baseUrl;
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    Object.assign(headers, options.headers);
    const response = await fetch(this.baseUrl + urlPath, { method, headers, body, redirect: 'manual' });
    const setCookie = response.headers.getSetCookie?.() ?? [];
    for (const line of setCookie) {
      const match = /^proctor_session=([^;]*)/.exec(line);
      if (match) this.cookie = match[1] && !/max-age=0|expires=thu, 01 jan 1970/i.test(line) ? match[1] : null;
    }
    const text = await response.text();
    let json: any;
    if (/json/.test(response.headers.get('content-type') ?? '') && text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    return { status: response.status, headers: response.headers, text, json };
  }

  get<T = any>(urlPath: string, options?: RequestOptions) {
    return this.request<T>('GET', urlPath, options);
  }
  post<T = any>(urlPath: string, body?: unknown, options: RequestOptions = {}) {
    return this.request<T>('POST', urlPath, { ...options, body });
  }
  put<T = any>(urlPath: string, body?: unknown, options: RequestOptions = {}) {
    return this.request<T>('PUT', urlPath, { ...options, body });
  }
  delete<T = any>(urlPath: string, body?: unknown, options: RequestOptions = {}) {
    return this.request<T>('DELETE', urlPath, { ...options, body });
  }
}

/** Native git in the app's bare repository. */
export function git(repoDir: string, ...args: string[]): string {
  const result = spawnSync('git', ['--git-dir', repoDir, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}
