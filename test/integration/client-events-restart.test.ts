/**
 * A real Node application process (test/support/client-events-process.ts) queues events while the events endpoint is
 * failing, is killed with SIGKILL, and a new process with the same queue folder delivers them — exactly once. The
 * endpoint here is the contract's HTTP double; client-events-endpoint.test.ts does the same against the real app.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientEventsChild } from '../support/client-events-child';
import { consumable, matrixOf, specificationOf } from '../support/client-matrix';
import { EventsServerDouble } from '../support/events-server-double';

const MATRIX = matrixOf('m1', { color: consumable([-1, 0, 1], [[0, 0.5], [1, 0.5]], { version: '3', salt: '&color' }) });

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a Node client process killed with SIGKILL', () => {
  it('delivers what it had queued after a restart, each event exactly once', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'client-events-kill-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const server = new EventsServerDouble();
    server.matrix = MATRIX;
    await server.listen();
    cleanups.push(() => server.close());
    // The endpoint fails for now: the first process can only queue.
    server.script.push(...Array.from({ length: 1000 }, () => ({ status: 503 })));
    const options = {
      baseUrl: server.url, environment: 'qa' as const, specification: specificationOf(MATRIX),
      stream: false, pollIntervalMs: 0, token: server.token, events: { directory: dir, backoff: { initialMs: 20, maxMs: 100 } },
    };
    const first = new ClientEventsChild(options);
    cleanups.push(() => first.kill());
    await first.ready();
    for (let i = 0; i < 40; i++) await first.command('activate', { test: 'color', identifiers: { USER: `u${i}` } }, 'activated');
    for (let i = 0; i < 10; i++) await first.command('track', { goal: 'buy', identifiers: { USER: `u${i}` }, options: { value: 2 } }, 'tracked');
    await first.command('track', { goal: 'signup', identifiers: { USER: 'u1' }, options: { unique: true } }, 'tracked');
    const persisted = await first.command('persisted', undefined, 'persisted');
    expect(persisted.stats!.queued).toBe(51);
    await first.waitFor((line) => line.event === 'error' && /answered 503/.test(line.message ?? ''), 'a failed attempt');
    await first.kill('SIGKILL');
    expect(server.stored.size).toBe(0);

    server.script.length = 0;
    const second = new ClientEventsChild(options);
    cleanups.push(() => second.kill());
    await second.ready();
    const flushed = await second.command('flush', undefined, 'flushed');
    expect(flushed.ok).toBe(true);
    expect(server.stored.size).toBe(51);
    expect(server.received).toHaveLength(51); // nothing sent twice
    expect(server.ofType('exposure')).toHaveLength(40);
    expect(server.ofType('conversion').reduce((sum, e) => sum + (e.value ?? 1), 0)).toBe(21);
    second.child.stdin.write('exit\n');
    expect(await second.exited).toBe(0);
  });
});
