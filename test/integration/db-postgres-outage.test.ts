/**
 * An external PostgreSQL server (DATABASE_URL) that is briefly down — stopped, then started again — is answered like
 * the embedded database restarting: errors recognised as DATABASE_UNAVAILABLE (503 for the API, never 500), and the
 * same Prisma client (driver adapter over a pg pool) works again once the server is back, without reopening anything.
 * A real throwaway PostgreSQL server (scripts/postgres-test-server.mjs), stopped and started with its own pg_ctl.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '@/lib/db/client';
import { isDatabaseUnavailable } from '@/lib/db/unavailable';
import { errorResponse } from '@/lib/http/error-response';
import { createLogger } from '@/lib/log/logger';
// @ts-expect-error -- plain .mjs helper without types
import { startPostgresTestServer } from '../../scripts/postgres-test-server.mjs';

interface ServerState {
  url: string;
  dir: string;
  dataDir: string;
  bin: string;
  user: string | null;
  port: number;
}

let server: { url: string; dir: string; stop: () => Promise<void> };
let state: ServerState;
let db: Database;

/** pg_ctl as the server's own account, as the helper runs it. */
function pgCtl(...args: string[]): void {
  const command = path.join(state.bin, 'pg_ctl');
  const [file, argv] = state.user ? ['runuser', ['-u', state.user, '--', command, ...args]] : [command, args];
  const result = spawnSync(file, argv, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`pg_ctl ${args.join(' ')} failed: ${result.stdout}${result.stderr}`);
}

beforeAll(async () => {
  server = await startPostgresTestServer();
  state = JSON.parse(readFileSync(path.join(server.dir, 'server.json'), 'utf8')) as ServerState;
  db = await createDatabase({ url: server.url });
}, 300_000);

afterAll(async () => {
  await db?.close().catch(() => undefined);
  await server?.stop();
});

describe('an external PostgreSQL server that is briefly down', () => {
  it('is answered 503 while it is down, and the same client works again when it is back', async () => {
    await db.prisma.setting.create({ data: { key: 'before-outage', value: 1 } });
    pgCtl('-D', state.dataDir, '-m', 'fast', '-w', 'stop');

    const failure = await db.prisma.setting.findUnique({ where: { key: 'before-outage' } }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeDefined();
    expect(isDatabaseUnavailable(failure)).toBe(true);
    const response = errorResponse(failure, 'req-pg', { logger: createLogger({ level: 'debug', write: () => undefined }) });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('3');
    expect((await response.json()).code).toBe('DATABASE_UNAVAILABLE');

    const serverOptions = `-p ${state.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${state.dir}`;
    pgCtl('-D', state.dataDir, '-l', path.join(state.dir, 'postgres.log'), '-o', serverOptions, '-w', '-t', '60', 'start');
    expect((await db.prisma.setting.findUnique({ where: { key: 'before-outage' } }))?.value).toBe(1);
    await db.prisma.setting.create({ data: { key: 'after-outage', value: 2 } });
  }, 300_000);
});
