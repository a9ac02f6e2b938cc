/**
 * Several instances behave as one (issue #22): instances of the REAL production app (`next start`) on one PostgreSQL
 * database and one upstream repository served over HTTP by `git http-backend`, as behind a load balancer.
 *
 * Runs in the PostgreSQL stage (scripts/test-postgres.mjs, TEST_DATABASE_URL), never without it. The instances run
 * with the periodic upstream fetch off (PROCTOR_GIT_FETCH_INTERVAL=0), so what one learns of another's commit it learns
 * from the announcement over the shared database, not from a poll that happens to come by. The latencies measured are
 * printed, not asserted (figures come from `npm run bench -- --only instances`).
 *
 * Between the upstream and the instances sits a transparent proxy that can make pushes slow: it lets the upstream apply
 * the push, then holds the answer and drops the connection (a push of unknown outcome, issue #22 item 2).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startAppServer, type AppServer } from '@/test/support/app-server';
import { startGitHttpServer, type GitHttpServer } from '@/test/support/git-http-server';
import { promoteToQa, seededDefinition } from '@/test/support/promote-to-qa';

const SERVER_URL = process.env.TEST_DATABASE_URL?.trim();
if (!SERVER_URL) throw new Error('test/instances needs TEST_DATABASE_URL (run it through scripts/test-postgres.mjs).');

const SLOW_PUSH_MS = 8_000;
const databases: string[] = [];
let root: string;
let upstream: GitHttpServer;
let proxy: SlowPushProxy;
let instances: AppServer[] = [];
let a: AppServer;
let b: AppServer;

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database on the test server (dropped in afterAll). */
async function freshDatabase(): Promise<string> {
  const name = `instances_${randomBytes(5).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE "${name}"`));
  databases.push(name);
  const url = new URL(SERVER_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}

function upstreamGit(repo: string, ...args: string[]): string {
  const result = spawnSync('git', ['--git-dir', path.join(root, repo), ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

function startInstance(databaseUrl: string, repo: string): Promise<AppServer> {
  return startAppServer({
    env: { DATABASE_URL: databaseUrl, PROCTOR_GIT_URL: proxy.url(repo), PROCTOR_DEMO: '1', PROCTOR_GIT_FETCH_INTERVAL: '0' },
    timeoutMs: 240_000,
  });
}

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'proctor-instances-'));
  upstream = await startGitHttpServer({ root: path.join(root, 'upstream') });
  proxy = await startSlowPushProxy(upstream);
  root = upstream.root;
}, 60_000);

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.stop()));
  await proxy?.close();
  await upstream?.close();
  for (const name of databases) await admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).catch(() => undefined);
  if (root) rmSync(path.dirname(root), { recursive: true, force: true });
}, 60_000);

describe('two instances on one PostgreSQL and one upstream', () => {
  it('start at the same moment on a fresh database: both healthy, every time, and the start-up ran cleanly on both', async () => {
    // Every round runs (and the last pair serves the tests below) even when an earlier one fails; failures are listed.
    const problems: string[] = [];
    for (let round = 0; round < 3; round++) {
      const databaseUrl = await freshDatabase();
      const repo = `round-${round}.git`;
      await upstream.createRepository(repo);
      const pair = await Promise.all([startInstance(databaseUrl, repo), startInstance(databaseUrl, repo)]);
      instances.push(...pair);
      for (const instance of pair) {
        expect((await fetch(`${instance.baseUrl}/api/health`)).status, `round ${round}`).toBe(200);
        await new ApiClient(instance.baseUrl).login('erin');
        // Healthy because start-up succeeded the first time, not because a retry papered over a failed step.
        for (const line of [...instance.stdout, ...instance.stderr].filter((text) => /start-up failed/.test(text))) problems.push(`round ${round}: ${line.slice(0, 300)}`);
      }
      const users = await admin(async () => {
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        try {
          return (await client.query('SELECT "username" FROM "User" ORDER BY 1')).rows.map((row) => row.username);
        } finally {
          await client.end();
        }
      });
      expect(users).toEqual(['avery', 'erin', 'priya', 'quinn', 'rex', 'vera']);
      expect(upstreamGit(repo, 'rev-parse', 'trunk')).toMatch(/^[0-9a-f]{40}$/);
      if (round < 2) {
        await Promise.all(pair.map((instance) => instance.stop()));
        instances = instances.filter((instance) => !pair.includes(instance));
      } else {
        [a, b] = pair;
      }
    }
    expect(problems).toEqual([]);
  }, 900_000);

  it('a promotion on A reaches a change stream on B, which then serves the same bytes and ETags as A', async () => {
    const [editorA, releaserA] = await Promise.all([new ApiClient(a.baseUrl).login('erin'), new ApiClient(a.baseUrl).login('rex')]);
    const stream = await openStream(`${b.baseUrl}/api/v1/matrix/qa/events`);
    try {
      await stream.next(); // the current revision
      const latencies: number[] = [];
      for (let seed = 1; seed <= 5; seed++) {
        const promoted = await promoteToQa(editorA, releaserA, 'instances_announce', seed);
        const event = await stream.until((data) => data.revision === promoted.revision);
        latencies.push(event.at - promoted.answeredAt);
      }
      console.log(`[instances] promotion on A → SSE event on B, ms after A answered: ${latencies.map((ms) => ms.toFixed(0)).join(', ')}`);
    } finally {
      stream.close();
    }
    for (const encoding of ['identity', 'gzip', 'br']) {
      const [fromA, fromB] = await Promise.all([a, b].map((instance) => fetch(`${instance.baseUrl}/api/v1/matrix/qa`, { headers: { 'accept-encoding': encoding } })));
      expect([fromA.status, fromB.status]).toEqual([200, 200]);
      expect(fromB.headers.get('etag'), encoding).toBe(fromA.headers.get('etag'));
      expect(Buffer.compare(Buffer.from(await fromA.arrayBuffer()), Buffer.from(await fromB.arrayBuffer())), encoding).toBe(0);
    }
  }, 300_000);

  it('a save on A is visible on B', async () => {
    const editorA = await new ApiClient(a.baseUrl).login('erin');
    const viewerB = await new ApiClient(b.baseUrl).login('vera');
    const key = await issueInProgress(editorA);
    const created = await editorA.post('/api/v1/tests', { name: 'instances_visible', definition: seededDefinition('instances_visible', 1), issueKey: key });
    expect(created.status).toBe(201);
    const savedAt = performance.now();
    const seen = await waitFor(async () => (await viewerB.get('/api/v1/tests/instances_visible?env=trunk')).json?.revision === created.json.revision);
    console.log(`[instances] save on A → readable on B after ${(seen - savedAt).toFixed(0)} ms`);
  }, 120_000);

  // Issue #22 item 4 (branch h/truth): a revision the shared index lists is readable on every instance at once.
  it('a revision made on A opens on B at once: history lists it and reading it by revision answers 200', async () => {
    const editorA = await new ApiClient(a.baseUrl).login('erin');
    const viewerB = await new ApiClient(b.baseUrl).login('vera');
    const key = await issueInProgress(editorA);
    const created = await editorA.post('/api/v1/tests', { name: 'instances_at_once', definition: seededDefinition('instances_at_once', 2), issueKey: key });
    expect(created.status).toBe(201);
    const history = await viewerB.get('/api/v1/tests/instances_at_once/history?env=trunk');
    expect(history.status).toBe(200);
    const read = await viewerB.get(`/api/v1/tests/instances_at_once?revision=${created.json.revision}`);
    expect(read.status, read.text).toBe(200);
    expect(read.json.revision).toBe(created.json.revision);
  }, 120_000);

  it('creates 20 built-in issues concurrently over both instances: all succeed, with distinct keys', async () => {
    const clients = await Promise.all([a, b].map((instance) => new ApiClient(instance.baseUrl).login('erin')));
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => clients[i % 2].post('/api/v1/issues', { summary: `concurrent ${i}`, type: 'ProTest' })));
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(201));
    expect(new Set(responses.map((response) => response.json.key)).size).toBe(20);
  }, 120_000);

  it('the same test saved on A and on B from the same revision: one 200 and one 409', async () => {
    const [onA, onB] = await Promise.all([a, b].map((instance) => new ApiClient(instance.baseUrl).login('erin')));
    const key = await issueInProgress(onA);
    const created = await onA.post('/api/v1/tests', { name: 'instances_race', definition: seededDefinition('instances_race', 1), issueKey: key });
    expect(created.status).toBe(201);
    // Both instances know the test (the race is about the save, not about B learning of the test).
    await waitFor(async () => (await onB.get('/api/v1/tests/instances_race?env=trunk')).json?.revision === created.json.revision);
    for (let round = 2; round < 5; round++) {
      const base = (await onA.get('/api/v1/tests/instances_race?env=trunk')).json.revision;
      const answers = await Promise.all(
        [onA, onB].map((client, i) => client.put('/api/v1/tests/instances_race', { definition: seededDefinition('instances_race', round * 2 + i), baseRevision: base, issueKey: key })),
      );
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    }
  }, 120_000);

  it('40 concurrent saves over both instances: exactly 40 upstream commits, git fsck clean', async () => {
    const repo = 'round-2.git';
    const clients = await Promise.all([a, b].map((instance) => new ApiClient(instance.baseUrl).login('erin')));
    const key = await issueInProgress(clients[0]);
    const before = Number(upstreamGit(repo, 'rev-list', '--count', 'trunk'));
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => clients[i % 2].post('/api/v1/tests', { name: burstName(i), definition: seededDefinition(burstName(i), i), issueKey: key })),
    );
    expect(responses.filter((response) => response.status !== 201).map((response) => `${response.status} ${response.text}`)).toEqual([]);
    expect(Number(upstreamGit(repo, 'rev-list', '--count', 'trunk')) - before).toBe(40);
    upstreamGit(repo, 'fsck', '--strict', '--no-dangling');
  }, 300_000);

  it('an instance whose start-up failed (its database missing) recovers by itself once the database is there', async () => {
    const name = `instances_late_${randomBytes(4).toString('hex')}`;
    const url = new URL(SERVER_URL!);
    url.pathname = `/${name}`;
    await upstream.createRepository('late.git');
    const starting = startAppServer({
      env: { DATABASE_URL: url.toString(), PROCTOR_GIT_URL: proxy.url('late.git'), PROCTOR_DEMO: '1', PROCTOR_GIT_FETCH_INTERVAL: '0' },
      timeoutMs: 120_000,
    });
    // Let the first start-up attempt fail, then create the database.
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    await admin((client) => client.query(`CREATE DATABASE "${name}"`));
    databases.push(name);
    const late = await starting;
    instances.push(late);
    expect((await fetch(`${late.baseUrl}/api/health`)).status).toBe(200);
    await new ApiClient(late.baseUrl).login('erin');
    expect([...late.stdout, ...late.stderr].some((line) => /start-up failed/.test(line))).toBe(true);
  }, 300_000);

  // Issue #22 item 2 (branch h/truth): a push the upstream applied but answered slowly (here: never, the connection
  // drops after 8 s) is a saved change, and the user, the workflow and the audit say so.
  it('a slow-answering upstream: the user is told the truth, and workflow and audit match git', async () => {
    const repo = 'round-2.git';
    const [editor, releaser, avery] = await Promise.all(['erin', 'rex', 'avery'].map((user) => new ApiClient(a.baseUrl).login(user)));
    const { revision: qaBefore } = await promoteToQa(editor, releaser, 'instances_slow', 1);
    expect(upstreamGit(repo, 'rev-parse', 'qa')).toBe(qaBefore);

    // A save.
    const key = await issueInProgress(editor);
    const base = (await editor.get('/api/v1/tests/instances_slow?env=trunk')).json.revision;
    proxy.slowPushes = true;
    let saved;
    try {
      saved = await editor.put('/api/v1/tests/instances_slow', { definition: seededDefinition('instances_slow', 7), baseRevision: base, issueKey: key });
    } finally {
      proxy.slowPushes = false;
    }
    const trunk = upstreamGit(repo, 'rev-parse', 'trunk');
    expect(trunk).not.toBe(base);
    expect(saved.status, saved.text).toBe(200);
    expect(saved.json.revision).toBe(trunk);

    // A promotion: qa moves upstream, so the issue moves on and the audit says success.
    const issue = await editor.post('/api/v1/issues', { summary: 'slow promotion', type: 'ProTest' });
    for (const to of ['In Progress', 'QA Ready']) expect((await editor.post(`/api/v1/issues/${issue.json.key}/transitions`, { to })).status).toBe(200);
    const current = await editor.get('/api/v1/tests/instances_slow?env=trunk');
    expect((await editor.put('/api/v1/tests/instances_slow', { definition: seededDefinition('instances_slow', 8), baseRevision: current.json.revision, issueKey: issue.json.key })).status).toBe(200);
    proxy.slowPushes = true;
    let promoted;
    try {
      promoted = await releaser.post('/api/v1/tests/instances_slow/promotions', { from: 'trunk', to: 'qa', issueKey: issue.json.key });
    } finally {
      proxy.slowPushes = false;
    }
    const qa = upstreamGit(repo, 'rev-parse', 'qa');
    expect(qa).not.toBe(qaBefore);
    expect(promoted.status, promoted.text).toBe(201);
    expect(promoted.json.revision).toBe(qa);
    expect((await editor.get(`/api/v1/issues/${issue.json.key}`)).json.status).toBe('In QA');
    const audit = (await avery.get('/api/v1/audit?limit=50&action=test.promote')).json.entries as { target: string; outcome: string }[];
    expect(audit.find((entry) => entry.target === 'test:instances_slow')?.outcome).toBe('success');
  }, 300_000);
});

/** A new test's name may not hold digits (Proctor's create rule): aa, ab, … */
function burstName(i: number): string {
  return `instances_burst_${[...i.toString(26).padStart(2, '0')].map((digit) => String.fromCharCode(97 + Number.parseInt(digit, 26))).join('')}`;
}

async function issueInProgress(client: ApiClient): Promise<string> {
  const issue = await client.post('/api/v1/issues', { summary: 'multi-instance suite', type: 'ProTest' });
  expect(issue.status).toBe(201);
  expect((await client.post(`/api/v1/issues/${issue.json.key}/transitions`, { to: 'In Progress' })).status).toBe(200);
  return issue.json.key;
}

/** Polls until `check` holds (an upper bound for a test, not a timing assertion); returns when it first held. */
async function waitFor(check: () => Promise<boolean>, deadlineMs = 60_000): Promise<number> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    if (await check()) return performance.now();
    if (Date.now() > until) throw new Error(`not so within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface StreamEvent {
  data: { env: string; revision: string | null };
  at: number;
}

/** A change-stream client (Server-Sent Events over node:http): each event with when it arrived. */
async function openStream(url: string) {
  const events: StreamEvent[] = [];
  const waiters: Array<() => void> = [];
  let buffer = '';
  const request = http.get(url);
  await new Promise<void>((resolve, reject) => {
    request.on('error', reject);
    request.on('response', (response) => {
      if (response.statusCode !== 200) return reject(new Error(`stream answered ${response.statusCode}`));
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        const at = performance.now();
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (data) events.push({ data: JSON.parse(data), at });
        }
        for (const wake of waiters.splice(0)) wake();
      });
      resolve();
    });
  });
  let read = 0;
  const next = async (): Promise<StreamEvent> => {
    while (read >= events.length) await new Promise<void>((resolve) => waiters.push(resolve));
    return events[read++];
  };
  return {
    next,
    /** The first event matching; fails after `deadlineMs` (an upper bound for the test, not a timing assertion). */
    async until(match: (data: StreamEvent['data']) => boolean, deadlineMs = 60_000): Promise<StreamEvent> {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no matching event within ${deadlineMs} ms`)), deadlineMs)));
      try {
        for (;;) {
          const event = await Promise.race([next(), deadline]);
          if (match(event.data)) return event;
        }
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => request.destroy(),
  };
}

interface SlowPushProxy {
  url(repo: string): string;
  /** While true, a push is forwarded and applied upstream, but its answer is held SLOW_PUSH_MS and then dropped. */
  slowPushes: boolean;
  close(): Promise<void>;
}

async function startSlowPushProxy(target: GitHttpServer): Promise<SlowPushProxy> {
  const targetUrl = new URL(target.url('x'));
  const state = { slowPushes: false };
  const server = http.createServer((req, res) => {
    const slow = state.slowPushes && req.method === 'POST' && req.url?.endsWith('/git-receive-pack');
    const forward = http.request({ host: targetUrl.hostname, port: targetUrl.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      if (!slow) {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        return;
      }
      // Read the whole answer (the upstream has applied the push), then keep the client waiting and hang up.
      answer.resume();
      answer.on('end', () => setTimeout(() => res.socket?.destroy(), SLOW_PUSH_MS));
    });
    forward.on('error', () => res.socket?.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (repo) => `http://127.0.0.1:${port}/${repo}`,
    get slowPushes() {
      return state.slowPushes;
    },
    set slowPushes(value: boolean) {
      state.slowPushes = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
