/**
 * The change-stream hub (lib/distribution/matrix-streams.ts) over real sockets: one distribution subscription per
 * environment whatever the number of streams, the current revision to each at once, every change to every stream of
 * its environment only, and a closed stream leaves.
 */
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { MatrixState } from '@/lib/distribution/matrix-cache';
import type { MatrixDistribution, MatrixListener } from '@/lib/distribution/matrix-distribution';
import { EVENT_STREAM_HEADERS, MatrixStreams } from '@/lib/distribution/matrix-streams';
import type { Environment } from '@/lib/store';

const PORT = 37401;

class FakeDistribution {
  readonly listeners = new Map<Environment, Set<MatrixListener>>();
  subscribe(env: Environment, listener: MatrixListener): () => void {
    const set = this.listeners.get(env) ?? new Set();
    this.listeners.set(env, set);
    set.add(listener);
    return () => set.delete(listener);
  }
  announce(env: Environment, revision: string): void {
    for (const listener of this.listeners.get(env) ?? []) listener({ env, revision, failure: null });
  }
}

const state = (revision: string): MatrixState => ({ current: { revision } as MatrixState['current'], failure: null });

let server: http.Server | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = null;
});

function open(env: string): Promise<{ text: () => string; close(): void }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const request = http.get(`http://127.0.0.1:${PORT}/${env}`, (response) => {
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      resolve({ text: () => text, close: () => request.destroy() });
    });
    request.on('error', reject);
  });
}

async function until(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !predicate(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(predicate()).toBe(true);
}

describe('MatrixStreams', () => {
  it('holds many streams on one subscription per environment and writes each change to its environment only', async () => {
    const distribution = new FakeDistribution();
    const hub = new MatrixStreams(distribution as unknown as MatrixDistribution);
    server = http.createServer((req, res) => {
      const env = req.url!.slice(1) as Environment;
      res.writeHead(200, EVENT_STREAM_HEADERS);
      void hub.add(env, res, async () => state(`${env}-1`));
    });
    await new Promise<void>((resolve) => server!.listen(PORT, '127.0.0.1', resolve));

    const qa = await Promise.all(Array.from({ length: 20 }, () => open('qa')));
    const production = await open('production');
    await until(() => hub.count() === 21 && qa.every((s) => s.text().includes('id: qa-1\nevent: revision\n')));
    expect(distribution.listeners.get('qa')!.size).toBe(1);
    expect(distribution.listeners.get('production')!.size).toBe(1);
    expect(hub.subscribed('qa')).toBe(true);

    distribution.announce('qa', 'qa-2');
    await until(() => qa.every((s) => s.text().includes('id: qa-2\nevent: revision\ndata: {"env":"qa","revision":"qa-2","failure":null}\n\n')));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(production.text()).not.toContain('qa-2');

    for (const stream of qa.slice(0, 5)) stream.close();
    await until(() => hub.count('qa') === 15);
    hub.close();
    production.close();
  });
});
