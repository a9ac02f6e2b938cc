/**
 * A real git upstream for tests: bare repositories under one folder served over HTTP on 127.0.0.1 by the native
 * `git http-backend` (CGI) behind a small node:http server. Optional Basic auth; `pause()` makes it refuse
 * connections (upstream unavailable) until `resume()`.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface GitHttpServer {
  root: string;
  /** http://127.0.0.1:<port>/<name> (with credentials embedded when `withCredentials`). */
  url(name: string, options?: { withCredentials?: boolean }): string;
  /** Creates an empty bare repository `<root>/<name>` that accepts pushes. Returns its path. */
  createRepository(name: string, options?: { defaultBranch?: string }): Promise<string>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
  requests: number;
}

export async function startGitHttpServer(options: { root: string; username?: string; password?: string }): Promise<GitHttpServer> {
  const { root } = options;
  await fs.promises.mkdir(root, { recursive: true });
  let requests = 0;

  const handler: http.RequestListener = (req, res) => {
    requests++;
    if (options.username !== undefined) {
      const expected = `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' });
        res.end('authentication required');
        return;
      }
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const env: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: decodeURIComponent(url.pathname),
      REQUEST_METHOD: req.method ?? 'GET',
      QUERY_STRING: url.search.replace(/^\?/, ''),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
      REMOTE_USER: options.username ?? 'anonymous',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: root,
    };
    if (req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length'];
    if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = String(req.headers['content-encoding']);
    if (req.headers['git-protocol']) env.GIT_PROTOCOL = String(req.headers['git-protocol']);
    const child = spawn('git', ['http-backend'], { env: env as NodeJS.ProcessEnv });
    req.pipe(child.stdin);
    child.stdin.on('error', () => undefined);
    let head = Buffer.alloc(0);
    let headersDone = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      let end = head.indexOf('\r\n\r\n');
      let sep = 4;
      if (end < 0) {
        end = head.indexOf('\n\n');
        sep = 2;
      }
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString('utf8').split(/\r?\n/)) {
        const colon = line.indexOf(':');
        if (colon < 0) continue;
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(end + sep));
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      if (!headersDone) {
        res.writeHead(500);
        res.end(`git http-backend failed (${code}): ${stderr}`);
        return;
      }
      res.end();
    });
  };

  let server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const api: GitHttpServer = {
    root,
    get requests() {
      return requests;
    },
    url(name, opts = {}) {
      const auth = opts.withCredentials && options.username !== undefined ? `${encodeURIComponent(options.username)}:${encodeURIComponent(options.password ?? '')}@` : '';
      return `http://${auth}127.0.0.1:${port}/${name}`;
    },
    async createRepository(name, opts = {}) {
      const dir = path.join(root, name);
      await execFileAsync('git', ['init', '--quiet', '--bare', `--initial-branch=${opts.defaultBranch ?? 'trunk'}`, dir]);
      await execFileAsync('git', ['--git-dir', dir, 'config', 'http.receivepack', 'true']);
      return dir;
    },
    async pause() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
    async resume() {
      server = http.createServer(handler);
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
    async close() {
      await new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return api;
}
