/**
 * The embedded database on a data folder runs PGlite in a process of its own (lib/db/pglite-server.mjs) and is reached
 * through node-postgres on a private Unix socket. Checked here: it is really another process, it serves queries,
 * transactions and large values through its one connection, concurrent work from this process is queued rather than
 * interleaved or deadlocked, data survives a restart, and the process goes away with its parent.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '@/lib/db/client';
import { isDatabaseUnavailable } from '@/lib/db/unavailable';
import { expectAbortedTransaction } from '@/test/support/db-assertions';

/** The pglite-server processes serving `dataDir`: pid and socket path, from their command lines. */
function servers(dataDir: string): Array<{ pid: number; socketPath: string }> {
  const out = spawnSync('pgrep', ['-af', `pglite-server.mjs.*${dataDir}`], { encoding: 'utf8' }).stdout;
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const args = JSON.parse(line.slice(line.indexOf('{'))) as { socketPath: string };
      return { pid: Number(line.split(' ')[0]), socketPath: args.socketPath };
    });
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

let parent: string;
let dataDir: string;
let db: Database;

beforeAll(async () => {
  parent = mkdtempSync(path.join(os.tmpdir(), 'proctor-dbproc-'));
  dataDir = path.join(parent, 'db');
  db = await createDatabase({ dataDir });
});

afterAll(async () => {
  await db?.close();
  rmSync(parent, { recursive: true, force: true });
});

describe('the embedded database process', () => {
  it('is a separate process holding the data folder, reached over a socket only its owner can open', async () => {
    expect(db.kind).toBe('pglite');
    const found = servers(dataDir);
    expect(found).toHaveLength(1);
    expect(found[0].pid).not.toBe(process.pid);
    expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
    expect(statSync(found[0].socketPath).isSocket()).toBe(true);
    expect(statSync(path.dirname(found[0].socketPath)).mode & 0o777).toBe(0o700);
  });

  it('serves queries, rolled-back and committed transactions, and large values', async () => {
    await expectAbortedTransaction(db, (tx) => tx.setting.create({ data: { key: 'rolled-back', value: 1 } }));
    expect(await db.prisma.setting.findUnique({ where: { key: 'rolled-back' } })).toBeNull();
    const big = 'x'.repeat(3 * 1024 * 1024);
    await db.prisma.setting.create({ data: { key: 'big', value: { big } } });
    const read = await db.prisma.setting.findUnique({ where: { key: 'big' } });
    expect((read?.value as { big: string }).big).toBe(big);
  });

  it('queues concurrent work behind a transaction instead of interleaving it', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const transaction = db.prisma.$transaction(async (tx) => {
      await tx.setting.create({ data: { key: 'in-transaction', value: 1 } });
      await held;
      await tx.setting.update({ where: { key: 'in-transaction' }, data: { value: 2 } });
    });
    // Started while the transaction is open: they must wait for it, then see its result.
    const reads = Array.from({ length: 20 }, () => db.prisma.setting.findUnique({ where: { key: 'in-transaction' } }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    await transaction;
    const values = (await Promise.all(reads)).map((row) => row?.value);
    expect(values).toEqual(Array(20).fill(2));
  });

  it('keeps its data across a restart, and removes its socket folder on close', async () => {
    await db.prisma.setting.create({ data: { key: 'persisted', value: 7 } });
    const [{ socketPath }] = servers(dataDir);
    await db.close();
    expect(servers(dataDir)).toEqual([]);
    expect(existsSync(path.dirname(socketPath))).toBe(false);
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
    db = await createDatabase({ dataDir });
    expect((await db.prisma.setting.findUnique({ where: { key: 'persisted' } }))?.value).toBe(7);
  });

  it('is started again on the same socket when it is killed, with its data, and the lock names the new process', async () => {
    await db.prisma.setting.create({ data: { key: 'before-kill', value: 1 } });
    const [{ pid: killed, socketPath }] = servers(dataDir);
    const lockPids = () => readFileSync(`${dataDir}.lock`, 'utf8').split('\n').filter(Boolean).map(Number);
    // This process, then its database processes; the one serving the folder is the last (a creator may precede it).
    expect(lockPids()[0]).toBe(process.pid);
    expect(lockPids().at(-1)).toBe(killed);
    process.kill(killed, 'SIGKILL');
    while (servers(dataDir).some((server) => server.pid === killed)) await new Promise((resolve) => setTimeout(resolve, 50));
    // Queries fail as "database unavailable" (503 for the API) until the new process answers; no reconnect by hand.
    let failures = 0;
    let read: { value: unknown } | null = null;
    for (;;) {
      try {
        read = await db.prisma.setting.findUnique({ where: { key: 'before-kill' } });
        break;
      } catch (error) {
        expect(isDatabaseUnavailable(error)).toBe(true);
        failures++;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    expect(failures).toBeGreaterThan(0);
    expect(read?.value).toBe(1);
    const [restarted] = servers(dataDir);
    expect(restarted.pid).not.toBe(killed);
    expect(restarted.socketPath).toBe(socketPath);
    expect(lockPids()[0]).toBe(process.pid);
    expect(lockPids().at(-1)).toBe(restarted.pid);
    expect(lockPids()).not.toContain(killed);
    await db.prisma.setting.create({ data: { key: 'after-restart', value: 2 } });
  }, 600_000);

  it('stops its process and frees the folder when opening fails (a migration that does not apply)', async () => {
    const folder = path.join(parent, 'failing-db');
    const migrationsDir = path.join(parent, 'bad-migrations');
    mkdirSync(path.join(migrationsDir, '20990101000000_broken'), { recursive: true });
    writeFileSync(path.join(migrationsDir, '20990101000000_broken', 'migration.sql'), 'CREATE TABLE "Broken" ("id" NO_SUCH_TYPE);');
    await expect(createDatabase({ dataDir: folder, migrationsDir })).rejects.toThrow(/NO_SUCH_TYPE|no_such_type/);
    expect(servers(folder)).toEqual([]);
    expect(existsSync(`${folder}.lock`)).toBe(false);
    const reopened = await createDatabase({ dataDir: folder });
    try {
      expect(reopened.migrations.applied.length).toBeGreaterThan(0);
      expect(await reopened.prisma.user.count()).toBe(0);
    } finally {
      await reopened.close();
    }
  });

  it('exits when the process that started it dies without closing it', async () => {
    const other = path.join(parent, 'orphan-db');
    const script = `
      const mod = await import(${JSON.stringify(path.resolve('lib/db/client.ts'))});
      const { createDatabase } = mod.createDatabase ? mod : mod.default;
      await createDatabase({ dataDir: ${JSON.stringify(other)} });
      console.log('open');
      setInterval(() => undefined, 1000);
    `;
    const owner = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        owner.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('open') && resolve());
        owner.on('exit', (code) => reject(new Error(`owner exited early (${code})`)));
      });
      const [{ socketPath }] = servers(other);
      owner.kill('SIGKILL');
      await waitFor(() => servers(other).length === 0, 'the orphaned database process to exit');
      // Nobody else is left to remove its socket folder.
      expect(existsSync(path.dirname(socketPath))).toBe(false);
    } finally {
      owner.kill('SIGKILL');
    }
  });
});
