/**
 * lib/client against a small real HTTP server that behaves like the matrix endpoint (strong ETag, 304, change stream)
 * and can be switched off: consolidation like Proctor's loaders, conditional GETs, the change stream, outages.
 */
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProctorClient } from '@/lib/client';
import { determineGroups } from '@/lib/proctor/determine-groups';
import type { ConsumableTestDefinition, TestMatrixArtifact } from '@/lib/proctor/model';
import { serializeMatrix } from '@/lib/proctor/serialize-definition';

function consumable(buckets: number[], ranges: [number, number][], extra: Partial<ConsumableTestDefinition> = {}): ConsumableTestDefinition {
  return {
    constants: {},
    version: '1',
    salt: '&t',
    rule: null,
    buckets: buckets.map((value) => ({ name: value < 0 ? 'inactive' : `b${value}`, value, description: '' })),
    allocations: [{ rule: null, ranges: ranges.map(([bucketValue, length]) => ({ bucketValue, length })), id: '', name: '' }],
    silent: false,
    testType: 'USER',
    description: '',
    metaTags: [],
    dependsOn: null,
    evaluateForIncognitoUsers: false,
    enableUnitlessAllocations: false,
    containsUnitlessAllocation: false,
    forceLogging: false,
    payloadExperimentConfig: null,
    dynamic: false,
    ...extra,
  };
}

function matrix(revision: string, tests: Record<string, ConsumableTestDefinition>): TestMatrixArtifact {
  return { audit: { version: revision, updated: 1_700_000_000_000, updatedDate: '', updatedBy: 'test' }, tests };
}

const SPEC = {
  tests: {
    color: { fallbackValue: -1, buckets: { inactive: -1, b0: 0, b1: 1 } },
    broken: { fallbackValue: 7, buckets: { inactive: -1, b0: 0 } },
    absent: { fallbackValue: 3 },
  },
};

/** The matrix endpoint in miniature: serves `current`, counts 200/304, pushes revision events, can go down. */
class FakeMatrixServer {
  current: TestMatrixArtifact;
  ok = 0;
  notModified = 0;
  streams = new Set<http.ServerResponse>();
  server: http.Server;
  port = 0;

  constructor(initial: TestMatrixArtifact) {
    this.current = initial;
    this.server = http.createServer((req, res) => {
      const revision = this.current.audit.version;
      if (req.url?.endsWith('/events')) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(`event: revision\ndata: ${JSON.stringify({ revision })}\n\n`);
        this.streams.add(res);
        req.on('close', () => this.streams.delete(res));
        return;
      }
      const etag = `"${revision}"`;
      if (req.headers['if-none-match'] === etag) {
        this.notModified++;
        res.writeHead(304, { etag }).end();
        return;
      }
      this.ok++;
      res.writeHead(200, { etag, 'x-proctor-revision': revision, 'content-type': 'application/json' }).end(serializeMatrix(this.current));
    });
  }

  async listen(port = 0): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  publish(next: TestMatrixArtifact): void {
    this.current = next;
    for (const res of this.streams) res.write(`event: revision\ndata: ${JSON.stringify({ revision: next.audit.version })}\n\n`);
  }

  async close(): Promise<void> {
    for (const res of this.streams) res.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const until = async (predicate: () => boolean, what: string, timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

const GOOD = () =>
  matrix('rev1', {
    color: consumable([-1, 0, 1], [[-1, 0.5], [0, 0.25], [1, 0.25]]),
    // Invalid: ranges add up to 0.5.
    broken: consumable([-1, 0], [[-1, 0.25], [0, 0.25]]),
    unrelated: consumable([-1, 0], [[-1, 0], [0, 1]]),
  });

describe('ProctorClient loading and consolidation', () => {
  it('uses fallbacks for invalid and missing required tests, drops unrequested ones, and reports the revision', async () => {
    const server = new FakeMatrixServer(GOOD());
    await server.listen();
    cleanups.push(() => server.close());
    const errors: string[] = [];
    const client = await ProctorClient.create({ baseUrl: `http://127.0.0.1:${server.port}`, environment: 'qa', specification: SPEC, stream: false, pollIntervalMs: 0, onError: (e) => errors.push(e.message) });
    cleanups.push(() => client.close());

    expect(client.revision).toBe('rev1');
    expect(Object.keys(client.currentMatrix.tests).sort()).toEqual(['absent', 'broken', 'color']);
    expect(client.currentMatrix.tests.broken.version).toBe('default');
    expect(errors.some((m) => m.startsWith('Test broken falls back to its fallback bucket: broken range with rule null does not add up to 1'))).toBe(true);

    const groups = client.getGroups({ USER: 'user-42' });
    const expected = determineGroups(client.currentMatrix, { USER: 'user-42' });
    expect(groups.buckets.color.value).toBe(expected.color.value);
    expect(groups.value('color')).toBe(expected.color.value);
    expect(groups.value('broken')).toBe(7);
    expect(groups.value('absent')).toBe(3);
    expect(groups.revision).toBe('rev1');
    expect(client.status().verification!.missing).toEqual(['absent']);
  });

  it('never hands out a bucket the specification does not know, even when forced', async () => {
    const withUnknown = matrix('rev2', { color: consumable([-1, 0, 1, 5], [[-1, 0.5], [0, 0.25], [1, 0.25], [5, 0]]) });
    const server = new FakeMatrixServer(withUnknown);
    await server.listen();
    cleanups.push(() => server.close());
    const client = await ProctorClient.create({ baseUrl: `http://127.0.0.1:${server.port}`, environment: 'qa', specification: SPEC, stream: false, pollIntervalMs: 0, onError: () => undefined });
    cleanups.push(() => client.close());
    expect(client.getGroups({ USER: 'u' }, {}, { forceGroups: 'color:5' }).value('color')).not.toBe(5);
    expect(client.getGroups({ USER: 'u' }, {}, { forceGroups: 'color:1' }).value('color')).toBe(1);
    expect(client.getGroups({ USER: 'u' }, {}, { cookie: 'prforceGroups=color:0' }).value('color')).toBe(0);
  });

  it('a matrix that turns a required test invalid makes that test fall back, keeping the revision', async () => {
    const server = new FakeMatrixServer(GOOD());
    await server.listen();
    cleanups.push(() => server.close());
    const client = await ProctorClient.create({ baseUrl: `http://127.0.0.1:${server.port}`, environment: 'qa', specification: SPEC, stream: false, pollIntervalMs: 0, onError: () => undefined });
    cleanups.push(() => client.close());
    // Bucket 2 has a positive allocation but the application does not know it (the deploy-order rule).
    server.publish(matrix('rev3', { color: consumable([-1, 0, 1, 2], [[-1, 0.4], [0, 0.2], [1, 0.2], [2, 0.2]]) }));
    expect(await client.refresh()).toBe(true);
    expect(client.revision).toBe('rev3');
    expect(client.status().verification!.errors.color[0]).toBe('Proctor specification in your application does not contain bucket value: 2. Please update the proctor specification first');
    expect(client.getGroups({ USER: 'u' }).value('color')).toBe(-1);
  });
});

describe('ProctorClient freshness', () => {
  it('revalidates with If-None-Match (304) and loads only a changed matrix', async () => {
    const server = new FakeMatrixServer(GOOD());
    await server.listen();
    cleanups.push(() => server.close());
    const client = await ProctorClient.create({ baseUrl: `http://127.0.0.1:${server.port}`, environment: 'qa', specification: SPEC, stream: false, pollIntervalMs: 0, onError: () => undefined });
    cleanups.push(() => client.close());
    expect(await client.refresh()).toBe(false);
    expect(await client.refresh()).toBe(false);
    expect([server.ok, server.notModified]).toEqual([1, 2]);
    server.current = { ...GOOD(), audit: { ...GOOD().audit, version: 'rev9' } };
    expect(await client.refresh()).toBe(true);
    expect(client.revision).toBe('rev9');
  });

  it('learns of a new revision from the change stream without polling', async () => {
    const server = new FakeMatrixServer(GOOD());
    await server.listen();
    cleanups.push(() => server.close());
    const client = await ProctorClient.create({ baseUrl: `http://127.0.0.1:${server.port}`, environment: 'qa', specification: SPEC, pollIntervalMs: 0, onError: () => undefined });
    cleanups.push(() => client.close());
    await until(() => server.streams.size === 1, 'the stream');
    const updates: (string | null)[] = [];
    client.onUpdate((u) => updates.push(u.revision));
    server.publish({ ...GOOD(), audit: { ...GOOD().audit, version: 'rev-stream' } });
    await until(() => client.revision === 'rev-stream', 'the streamed revision');
    expect(updates).toEqual(['rev-stream']);
  });

  it('keeps the last good matrix while the server is down and catches up when it is back', async () => {
    const server = new FakeMatrixServer(GOOD());
    await server.listen();
    const port = server.port;
    const errors: string[] = [];
    const client = await ProctorClient.create({
      baseUrl: `http://127.0.0.1:${port}`,
      environment: 'qa',
      specification: SPEC,
      pollIntervalMs: 50,
      backoff: { initialMs: 20, maxMs: 100 },
      onError: (e) => errors.push(e.message),
    });
    cleanups.push(() => client.close());
    await server.close();
    await until(() => client.status().consecutiveFailures >= 2, 'failures to be counted');
    expect(client.revision).toBe('rev1');
    expect(client.getGroups({ USER: 'u' }, {}, { forceGroups: 'color:1' }).value('color')).toBe(1);
    expect(client.status().lastError).not.toBeNull();

    const back = new FakeMatrixServer({ ...GOOD(), audit: { ...GOOD().audit, version: 'rev-after' } });
    await back.listen(port);
    cleanups.push(() => back.close());
    await until(() => client.revision === 'rev-after', 'the revision after the outage');
    expect(client.status().consecutiveFailures).toBe(0);
    expect(client.status().lastError).toBeNull();
  });

  it('loads from a file and notices when it is replaced', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'client-file-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'proctor-tests-matrix.json');
    writeFileSync(file, serializeMatrix(GOOD()));
    const client = await ProctorClient.create({ file, environment: 'production', specification: SPEC, pollIntervalMs: 0, onError: () => undefined });
    cleanups.push(() => client.close());
    expect(client.revision).toBe('rev1');
    writeFileSync(file, serializeMatrix({ ...GOOD(), audit: { ...GOOD().audit, version: 'rev-file' } }));
    // mtime granularity: make sure it moved
    const { utimesSync } = await import('node:fs');
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(await client.refresh()).toBe(true);
    expect(client.revision).toBe('rev-file');
  });
});
