/**
 * A real application process (lib/client in test/support/distribution-client-process.ts) against the real production
 * build (`next start`): the matrix endpoint's caching, the change stream, application tokens and heartbeats, a promotion
 * reaching the running client, an incompatible promotion and a deletion refused with the application's name, and the
 * client surviving a server outage and restart (through a TCP proxy on a fixed port, so the client's URL never changes).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, REPO_ROOT, startAppServer, type AppServer } from '@/test/support/app-server';

const TEST = 'dist_client_checkout';
const APP = 'checkout-web';
const SEED = JSON.parse(readFileSync(path.join(REPO_ROOT, 'proctor-data/test-definitions/checkout_button_color/definition.json'), 'utf8'));
const SPECIFICATION = { tests: { [TEST]: { fallbackValue: -1, buckets: { inactive: -1, control: 0, treatment: 1 } } }, providedContext: {} };

function definition(extraBucket = false) {
  const buckets = [
    { name: 'inactive', value: -1, description: 'not in the test' },
    { name: 'control', value: 0, description: 'control' },
    { name: 'treatment', value: 1, description: 'treatment' },
  ];
  const ranges = [
    { bucketValue: -1, length: 0.5 },
    { bucketValue: 0, length: 0.25 },
    { bucketValue: 1, length: 0.25 },
  ];
  if (extraBucket) {
    buckets.push({ name: 'brand_new', value: 2, description: 'not deployed yet' });
    ranges[0].length = 0.4;
    ranges.push({ bucketValue: 2, length: 0.1 });
  }
  return { ...structuredClone(SEED), salt: `&${TEST}`, rule: null, description: 'distribution test', buckets, allocations: [{ rule: null, ranges }] };
}

/** Forwards a fixed local port to whatever the app's port is now; connections fail while `target` is null. */
function startProxy(): Promise<{ port: number; setTarget(port: number | null): void; close(): void }> {
  let target: number | null = null;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    if (target === null) return client.destroy();
    const upstream = net.connect(target, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop);
    upstream.on('error', drop);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        setTarget(port) {
          target = port;
          if (port === null) for (const socket of sockets) socket.destroy();
        },
        close() {
          for (const socket of sockets) socket.destroy();
          server.close();
        },
      }),
    ),
  );
}

interface ClientLine {
  event: string;
  revision?: string | null;
  previousRevision?: string | null;
  values?: Record<string, number>;
  message?: string;
  status?: { revision: string | null; consecutiveFailures: number; streamConnected: boolean };
  at: number;
}

class ClientProcess {
  readonly lines: ClientLine[] = [];
  private waiters: { predicate: (line: ClientLine) => boolean; resolve: (line: ClientLine) => void }[] = [];
  readonly child: ChildProcessWithoutNullStreams;
  stderr = '';

  constructor(options: Record<string, unknown>) {
    this.child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'test/support/distribution-client-process.ts'), JSON.stringify(options)], { cwd: REPO_ROOT });
    let rest = '';
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      for (const part of parts) {
        if (!part.trim()) continue;
        const line = JSON.parse(part) as ClientLine;
        this.lines.push(line);
        this.waiters = this.waiters.filter((w) => (w.predicate(line) ? (w.resolve(line), false) : true));
      }
    });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
  }

  /** The first line (already printed or future) matching `predicate`. */
  waitFor(predicate: (line: ClientLine) => boolean, what: string, timeoutMs = 30_000): Promise<ClientLine> {
    const seen = this.lines.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`client process: no ${what} within ${timeoutMs} ms; lines: ${JSON.stringify(this.lines.slice(-10))} stderr: ${this.stderr.slice(-2000)}`)), timeoutMs);
      this.waiters.push({ predicate, resolve: (line) => (clearTimeout(timer), resolve(line)) });
    });
  }

  async groups(identifiers: Record<string, string>, forceGroups?: string): Promise<ClientLine> {
    const from = this.lines.length;
    this.child.stdin.write(`groups ${JSON.stringify({ identifiers, forceGroups })}\n`);
    return this.waitFor((line) => line.event === 'groups' && this.lines.indexOf(line) >= from, 'groups answer');
  }

  stop(): void {
    this.child.kill('SIGTERM');
  }
}

let app: AppServer;
let proxy: Awaited<ReturnType<typeof startProxy>>;
let client: ClientProcess;
let erin: ApiClient;
let rex: ApiClient;
let avery: ApiClient;
let publishDir: string;
let token: string;

// Only for qa: "In QA" / "Production Ready" come from a promotion and QA's verification, never by hand (issue #16).
async function issueReadyFor(env: 'qa'): Promise<string> {
  const created = await erin.post('/api/v1/issues', { summary: `distribution ${env} ${Date.now()}`, type: 'ProTest' });
  expect(created.status).toBe(201);
  const key = created.json.key as string;
  const path = ['In Progress', 'QA Ready'];
  for (const to of path) expect((await erin.post(`/api/v1/issues/${key}/transitions`, { to })).status).toBe(200);
  return key;
}

async function trunkRevision(): Promise<string> {
  const response = await erin.get(`/api/v1/tests/${TEST}?env=trunk`);
  expect(response.status).toBe(200);
  return response.json.revision;
}

async function qaHead(): Promise<string> {
  return (await erin.get('/api/health')).json.repository.heads.qa;
}

beforeAll(async () => {
  publishDir = mkdtempSync(path.join(os.tmpdir(), 'proctor-publish-'));
  app = await startAppServer({ env: { PROCTOR_MATRIX_PUBLISH_DIR: publishDir } });
  proxy = await startProxy();
  proxy.setTarget(app.port);
  erin = await new ApiClient(app.baseUrl).login('erin');
  rex = await new ApiClient(app.baseUrl).login('rex');
  avery = await new ApiClient(app.baseUrl).login('avery');
});

afterAll(async () => {
  client?.stop();
  proxy?.close();
  await app?.stop();
  rmSync(publishDir, { recursive: true, force: true });
});

describe('matrix endpoint', () => {
  it('serves the matrix with a strong ETag, cache headers and 304 on If-None-Match', async () => {
    const first = await fetch(`${app.baseUrl}/api/v1/matrix/qa`);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{40}"$/);
    expect(first.headers.get('cache-control')).toBe('public, no-cache');
    expect(first.headers.get('x-proctor-revision')).toBe(etag.slice(1, -1));
    expect(etag.slice(1, -1)).toBe(await qaHead());
    const body = await first.json();
    expect(body.audit.version).toBe(etag.slice(1, -1));

    const again = await fetch(`${app.baseUrl}/api/v1/matrix/qa`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const other = await fetch(`${app.baseUrl}/api/v1/matrix/qa`, { headers: { 'if-none-match': '"0000000000000000000000000000000000000000"' } });
    expect(other.status).toBe(200);
    await other.arrayBuffer();
  });

  it('starts the change stream with the current revision', async () => {
    const controller = new AbortController();
    const response = await fetch(`${app.baseUrl}/api/v1/matrix/qa/events`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!/event: revision\ndata: .*\n\n/.test(text)) text += (await reader.read()).value ?? '';
    controller.abort();
    const data = JSON.parse(/event: revision\ndata: (.*)\n/.exec(text)![1]);
    expect(data).toEqual({ env: 'qa', revision: await qaHead(), failure: null });
  });

  it('publishes the matrix file to PROCTOR_MATRIX_PUBLISH_DIR', async () => {
    const file = path.join(publishDir, 'qa', 'proctor-tests-matrix.json');
    for (let i = 0; i < 50 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 100));
    expect(JSON.parse(readFileSync(file, 'utf8')).audit.version).toBe(await qaHead());
  });
});

describe('application tokens', () => {
  it('only admins create them; the secret is shown once', async () => {
    expect((await rex.post('/api/v1/consumers/tokens', { name: 'checkout-web qa' })).status).toBe(403);
    const created = await avery.post('/api/v1/consumers/tokens', { name: 'checkout-web qa', environment: 'qa' });
    expect(created.status).toBe(201);
    expect(created.json.token).toMatch(/^pct_/);
    expect(created.json.environment).toBe('qa');
    token = created.json.token;
    const listed = await avery.get('/api/v1/consumers/tokens');
    expect(listed.json.tokens.map((t: { id: string }) => t.id)).toContain(created.json.id);
    expect(JSON.stringify(listed.json)).not.toContain(token);
  });

  it('refuses heartbeats without a valid token or for another environment', async () => {
    const body = { application: APP, version: '1.0.0', environment: 'qa', instanceId: 'x', specification: SPECIFICATION };
    const anonymous = await fetch(`${app.baseUrl}/api/v1/heartbeat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(anonymous.status).toBe(401);
    const wrongEnv = await fetch(`${app.baseUrl}/api/v1/heartbeat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ ...body, environment: 'production' }),
    });
    expect(wrongEnv.status).toBe(403);
  });
});

describe('a running application', () => {
  let promoted: string;

  it('starts on fallbacks (test not in qa yet) and reports itself', async () => {
    client = new ClientProcess({
      baseUrl: `http://127.0.0.1:${proxy.port}`,
      environment: 'qa',
      specification: SPECIFICATION,
      application: { name: APP, version: '1.4.2', instanceId: 'checkout-1' },
      token,
      // Long poll and heartbeat intervals: a promotion arriving quickly can only come through the change stream.
      pollIntervalMs: 600_000,
      heartbeatIntervalMs: 600_000,
      backoff: { initialMs: 100, maxMs: 500 },
    });
    const ready = await client.waitFor((line) => line.event === 'ready', 'ready');
    expect(ready.revision).toBe(await qaHead());
    const groups = await client.groups({ USER: 'user-1' });
    expect(groups.values).toEqual({ [TEST]: -1 });

    let consumers: any;
    for (let i = 0; i < 100; i++) {
      consumers = (await erin.get('/api/v1/consumers?env=qa')).json;
      if (consumers.environments[0].applications.length > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const qa = consumers.environments[0];
    expect(qa.applications).toMatchObject([{ application: APP, versions: [{ version: '1.4.2', instances: [{ instanceId: 'checkout-1', matrixRevision: ready.revision, stale: false, fallbackTests: [TEST] }] }] }]);
    expect(qa.propagation.text).toMatch(new RegExp(`^qa r${ready.revision!.slice(0, 7)}: 1 of 1 instance, oldest \\d+ s ago$`));
  });

  it('gets a promotion within moments through the change stream', async () => {
    const issueKey = await issueReadyFor('qa');
    expect((await erin.post('/api/v1/tests', { name: TEST, definition: definition(), issueKey })).status).toBe(201);
    const response = await rex.post(`/api/v1/tests/${TEST}/promotions`, { from: 'trunk', to: 'qa', issueKey });
    expect(response.status).toBe(201);
    promoted = response.json.revision;
    const update = await client.waitFor((line) => line.event === 'update' && line.revision === promoted, 'update to the promoted revision', 15_000);
    expect(update.revision).toBe(promoted);
    const groups = await client.groups({ USER: 'user-1' });
    expect(groups.revision).toBe(promoted);
    expect([-1, 0, 1]).toContain(groups.values![TEST]);
    // QA forces a bucket with prforceGroups.
    expect((await client.groups({ USER: 'user-1' }, `${TEST}:1`)).values![TEST]).toBe(1);
    expect((await client.groups({ USER: 'user-1' }, `${TEST}:0`)).values![TEST]).toBe(0);
  });

  it('refuses a promotion that gives the application a bucket it does not know, naming it', async () => {
    // Wait until the server has the heartbeat with the new revision (sent right after the update).
    const before = await qaHead();
    const issueKey = await issueReadyFor('qa');
    const saved = await erin.put(`/api/v1/tests/${TEST}`, { definition: definition(true), baseRevision: await trunkRevision(), issueKey });
    expect(saved.status).toBe(200);
    const response = await rex.post(`/api/v1/tests/${TEST}/promotions`, { from: 'trunk', to: 'qa', issueKey });
    expect(response.status).toBe(409);
    expect(response.json.code).toBe('INCOMPATIBLE_WITH_CONSUMERS');
    expect(response.json.message).toBe(
      `Test Promotion not compatible, errors: ${APP} 1.4.2 cannot load test '${TEST}': Proctor specification in your application does not contain bucket value: 2. Please update the proctor specification first`,
    );
    expect(response.json.details).toEqual([{ path: APP, message: response.json.message.replace('Test Promotion not compatible, errors: ', '') }]);
    expect(response.json.data).toMatchObject({ environment: 'qa', testName: TEST, applications: [APP] });
    expect(await qaHead()).toBe(before);
  });

  it('refuses to delete a test the application requires', async () => {
    const issueKey = await issueReadyFor('qa');
    const response = await erin.delete(`/api/v1/tests/${TEST}`, { baseRevision: await trunkRevision(), issueKey });
    expect(response.status).toBe(409);
    expect(response.json.code).toBe('INCOMPATIBLE_WITH_CONSUMERS');
    expect(response.json.message).toBe(`There are still clients in QA using ${TEST} ${APP} 1.4.2 requires test '${TEST}'`);
  });

  it('keeps its last good matrix while the server is down, and catches up after a restart', async () => {
    proxy.setTarget(null);
    await app.stop({ keepData: true });
    await client.waitFor((line) => line.event === 'error' && line.at > Date.now() - 5000, 'an error while the server is down');
    const during = await client.groups({ USER: 'user-1' }, `${TEST}:0`);
    expect(during.revision).toBe(promoted);
    expect(during.values![TEST]).toBe(0);
    expect(during.status!.consecutiveFailures + (during.status!.streamConnected ? 0 : 1)).toBeGreaterThan(0);

    app = await startAppServer({ dataDir: app.dataDir, env: { PROCTOR_MATRIX_PUBLISH_DIR: publishDir } });
    proxy.setTarget(app.port);
    erin = await new ApiClient(app.baseUrl).login('erin');
    rex = await new ApiClient(app.baseUrl).login('rex');

    // A compatible change (the bucket the app knows) promoted after the restart reaches it through the new stream.
    const issueKey = await issueReadyFor('qa');
    const back = definition();
    back.allocations[0].ranges = [
      { bucketValue: -1, length: 0.2 },
      { bucketValue: 0, length: 0.4 },
      { bucketValue: 1, length: 0.4 },
    ];
    expect((await erin.put(`/api/v1/tests/${TEST}`, { definition: back, baseRevision: await trunkRevision(), issueKey })).status).toBe(200);
    const response = await rex.post(`/api/v1/tests/${TEST}/promotions`, { from: 'trunk', to: 'qa', issueKey });
    expect(response.status).toBe(201);
    const update = await client.waitFor((line) => line.event === 'update' && line.revision === response.json.revision, 'update after the restart', 20_000);
    expect(update.previousRevision).toBe(promoted);
  });
});
