/**
 * The embedded database commits to disk: PGlite starts PostgreSQL with fsync off and its file system has no fsync, so
 * lib/db/pglite-server.mjs turns fsync on, flushes the WAL with fsync() and gives the file system a real one. This
 * checks what the serving process runs with (a power loss cannot be staged in a test; docs/events.md has the
 * before/after measurement).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createDatabase, type Database } from '@/lib/db/client';

const dir = mkdtempSync(path.join(os.tmpdir(), 'proctor-durability-'));
let db: Database | undefined;
afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('runs the embedded database with fsync on and the WAL flushed by fsync()', async () => {
  db = await createDatabase({ dataDir: path.join(dir, 'db') });
  const settings = await db.prisma.$queryRawUnsafe<Array<{ name: string; setting: string }>>(
    `SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'wal_sync_method', 'synchronous_commit') ORDER BY name`,
  );
  expect(Object.fromEntries(settings.map((row) => [row.name, row.setting]))).toEqual({ fsync: 'on', synchronous_commit: 'on', wal_sync_method: 'fsync' });
}, 120_000);
