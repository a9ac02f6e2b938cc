/**
 * The database layer on in-memory PGlite, or on a real PostgreSQL server when TEST_DATABASE_URL is set:
 *   node scripts/postgres-test-server.mjs run -- npx vitest run test/integration/db.test.ts
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, appendFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { applyMigrations, MigrationError, PRISMA_MIGRATION_LOCK_ID } from '@/lib/db/migrate';
import { createDatabase, type Database } from '@/lib/db/client';
import { DataDirInUseError } from '@/lib/db/data-dir-lock';
import { Prisma } from '@/lib/generated/prisma/client';
import { expectAbortedTransaction } from '@/test/support/db-assertions';
import { createEmptyTestConnection, createTestDatabase, testServerUrl, type TestConnection } from '@/test/support/db';

const root = path.resolve(__dirname, '../..');
const migrationsDir = path.join(root, 'prisma', 'migrations');
const migrationNames = readdirSync(migrationsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

async function rows<T>(conn: TestConnection['conn'], sql: string, params: unknown[] = []): Promise<T[]> {
  return (await conn.query(sql, params)).rows as T[];
}

/** A private copy of the migrations folder that a test may modify. */
function copyMigrations(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'proctor-migrations-'));
  cpSync(migrationsDir, dir, { recursive: true });
  return dir;
}

/** Models, their scalar fields and their index names, read from schema.prisma with Prisma's naming conventions. */
function readSchema() {
  // Comments first: a doc comment may hold braces that would end a block early.
  const text = readFileSync(path.join(root, 'prisma', 'schema.prisma'), 'utf8').replace(/\/\/.*$/gm, '');
  const enums = [...text.matchAll(/^enum (\w+) \{([^}]*)\}/gm)].map((m) => ({
    name: m[1],
    values: m[2].split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('//')),
  }));
  const modelBlocks = [...text.matchAll(/^model (\w+) \{([^}]*)\}/gm)];
  const modelNames = new Set(modelBlocks.map((m) => m[1]));
  const models = modelBlocks.map((m) => {
    const lines = m[2].split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('//'));
    const fields = lines
      .filter((line) => !line.startsWith('@@'))
      .map((line) => line.split(/\s+/))
      .filter(([, type]) => !modelNames.has(type.replace(/[?[\]]/g, '')))
      .map(([name, type]) => ({ name, type }));
    const indexes: { name: string; unique: boolean }[] = [];
    for (const line of lines) {
      const block = /^@@(unique|index)\(\[([^\]]*)\]/.exec(line);
      if (block) {
        const columns = block[2].split(',').map((part) => part.trim().replace(/\(.*$/, ''));
        indexes.push({ name: `${m[1]}_${columns.join('_')}_${block[1] === 'unique' ? 'key' : 'idx'}`, unique: block[1] === 'unique' });
      }
      const fieldUnique = /^(\w+)\s.*@unique/.exec(line);
      if (fieldUnique) indexes.push({ name: `${m[1]}_${fieldUnique[1]}_key`, unique: true });
    }
    return { name: m[1], fields, indexes };
  });
  return { enums, models };
}

describe('migrations', () => {
  let target: TestConnection;
  beforeAll(async () => {
    target = await createEmptyTestConnection();
  });
  afterAll(async () => {
    await target?.close();
  });

  it('apply every migration folder to an empty database', async () => {
    const result = await applyMigrations(target.conn);
    expect(result).toEqual({ applied: migrationNames, unknownInDatabase: [] });
  });

  it('record each migration as prisma migrate deploy does, with the sha256 of migration.sql', async () => {
    const recorded = await rows<Record<string, unknown>>(
      target.conn,
      'SELECT * FROM "_prisma_migrations" ORDER BY "migration_name"',
    );
    expect(recorded.map((row) => row.migration_name)).toEqual(migrationNames);
    for (const row of recorded) {
      expect(row.checksum).toBe(sha256(path.join(migrationsDir, String(row.migration_name), 'migration.sql')));
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.finished_at).not.toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(row.logs).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
    // Prisma's own column layout, so its CLI can read the table.
    const columns = await rows<{ column_name: string; data_type: string; is_nullable: string }>(
      target.conn,
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns
       WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      { column_name: 'id', data_type: 'character varying', is_nullable: 'NO' },
      { column_name: 'checksum', data_type: 'character varying', is_nullable: 'NO' },
      { column_name: 'finished_at', data_type: 'timestamp with time zone', is_nullable: 'YES' },
      { column_name: 'migration_name', data_type: 'character varying', is_nullable: 'NO' },
      { column_name: 'logs', data_type: 'text', is_nullable: 'YES' },
      { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', is_nullable: 'YES' },
      { column_name: 'started_at', data_type: 'timestamp with time zone', is_nullable: 'NO' },
      { column_name: 'applied_steps_count', data_type: 'integer', is_nullable: 'NO' },
    ]);
  });

  it('create every model, column, enum and index of schema.prisma under Prisma’s names', async () => {
    const schema = readSchema();
    const columns = await rows<{ table_name: string; column_name: string; data_type: string; udt_name: string; is_nullable: string; datetime_precision: number | null }>(
      target.conn,
      `SELECT table_name, column_name, data_type, udt_name, is_nullable, datetime_precision FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name <> '_prisma_migrations'`,
    );
    // Prisma's PostgreSQL mapping: what each schema type becomes, written the way information_schema reports it.
    const scalarTypes: Record<string, string> = { String: 'text', Int: 'integer', BigInt: 'bigint', Float: 'double precision', Boolean: 'boolean', Json: 'jsonb', DateTime: 'timestamp(3)' };
    const enumNames = new Set(schema.enums.map((e) => e.name));
    const expectedColumn = (type: string) => {
      const base = type.replace(/[?[\]]/g, '');
      const sqlType = enumNames.has(base) ? base : (scalarTypes[base] ?? `unmapped ${base}`);
      // Scalar lists carry no NOT NULL in Prisma's SQL; optional fields are nullable.
      return `${type.endsWith('[]') ? `${sqlType}[]` : sqlType} ${type.endsWith('?') || type.endsWith('[]') ? 'NULL' : 'NOT NULL'}`;
    };
    const actualColumn = (c: (typeof columns)[number]) => {
      const sqlType =
        c.data_type === 'ARRAY' ? `${c.udt_name.replace(/^_/, '')}[]` : c.data_type === 'USER-DEFINED' ? c.udt_name : c.data_type.startsWith('timestamp') ? `timestamp(${c.datetime_precision})` : c.data_type;
      return `${sqlType} ${c.is_nullable === 'YES' ? 'NULL' : 'NOT NULL'}`;
    };
    const actual = new Map<string, Record<string, string>>();
    for (const column of columns) actual.set(column.table_name, { ...actual.get(column.table_name), [column.column_name]: actualColumn(column) });
    expect([...actual.keys()].sort()).toEqual(schema.models.map((model) => model.name).sort());
    for (const model of schema.models) {
      expect(actual.get(model.name), model.name).toEqual(Object.fromEntries(model.fields.map((field) => [field.name, expectedColumn(field.type)])));
    }

    const enumValues = await rows<{ typname: string; labels: string[] | string }>(
      target.conn,
      `SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`,
    );
    const asArray = (labels: string[] | string) => (Array.isArray(labels) ? labels : labels.replace(/^\{|\}$/g, '').split(','));
    expect(Object.fromEntries(enumValues.map((row) => [row.typname, asArray(row.labels)]))).toEqual(
      Object.fromEntries(schema.enums.map((e) => [e.name, e.values])),
    );

    const indexes = await rows<{ indexname: string; indexdef: string }>(
      target.conn,
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()`,
    );
    const byName = new Map(indexes.map((index) => [index.indexname, index.indexdef]));
    for (const model of schema.models) {
      expect(byName.has(`${model.name}_pkey`), `${model.name}_pkey`).toBe(true);
      for (const index of model.indexes) {
        expect(byName.get(index.name), index.name).toBeDefined();
        expect(byName.get(index.name)!.startsWith('CREATE UNIQUE INDEX'), index.name).toBe(index.unique);
      }
    }
  });

  it('do nothing when run again', async () => {
    const before = await rows<{ id: string }>(target.conn, 'SELECT "id" FROM "_prisma_migrations" ORDER BY "id"');
    expect(await applyMigrations(target.conn)).toEqual({ applied: [], unknownInDatabase: [] });
    expect(await rows<{ id: string }>(target.conn, 'SELECT "id" FROM "_prisma_migrations" ORDER BY "id"')).toEqual(before);
  });

  it('report migrations the database knows but the folder does not', async () => {
    const dir = copyMigrations();
    try {
      mkdirSync(path.join(dir, '20990101000000_later'));
      writeFileSync(path.join(dir, '20990101000000_later', 'migration.sql'), 'CREATE TABLE "Later" ("id" INTEGER NOT NULL);\n');
      expect(await applyMigrations(target.conn, { migrationsDir: dir })).toEqual({ applied: ['20990101000000_later'], unknownInDatabase: [] });
      expect(await applyMigrations(target.conn)).toEqual({ applied: [], unknownInDatabase: ['20990101000000_later'] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await target.conn.query(`DROP TABLE "Later"; `);
      await target.conn.query(`DELETE FROM "_prisma_migrations" WHERE "migration_name" = '20990101000000_later'`);
    }
  });

  it('refuse to run when an applied migration.sql was changed, naming the migration', async () => {
    const dir = copyMigrations();
    try {
      appendFileSync(path.join(dir, migrationNames[0], 'migration.sql'), '\n-- edited after deploy\n');
      const error = await applyMigrations(target.conn, { migrationsDir: dir }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as MigrationError).kind).toBe('CHECKSUM_MISMATCH');
      expect((error as MigrationError).message).toContain(`Migration ${migrationNames[0]} was modified after it was applied`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuse to run when the recorded checksum was tampered with', async () => {
    const [{ checksum }] = await rows<{ checksum: string }>(target.conn, 'SELECT "checksum" FROM "_prisma_migrations" WHERE "migration_name" = $1', [migrationNames[0]]);
    await target.conn.query('UPDATE "_prisma_migrations" SET "checksum" = $1 WHERE "migration_name" = $2', ['0'.repeat(64), migrationNames[0]]);
    try {
      await expect(applyMigrations(target.conn)).rejects.toMatchObject({ kind: 'CHECKSUM_MISMATCH', migration: migrationNames[0] });
    } finally {
      await target.conn.query('UPDATE "_prisma_migrations" SET "checksum" = $1 WHERE "migration_name" = $2', [checksum, migrationNames[0]]);
    }
    await expect(applyMigrations(target.conn)).resolves.toEqual({ applied: [], unknownInDatabase: [] });
  });

  it('accept a checksum of the same file with CRLF line endings (git autocrlf), as Prisma does', async () => {
    const dir = copyMigrations();
    try {
      const file = path.join(dir, migrationNames[0], 'migration.sql');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/\n/g, '\r\n'));
      await expect(applyMigrations(target.conn, { migrationsDir: dir })).resolves.toEqual({ applied: [], unknownInDatabase: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuse to run while a migration is recorded as started but unfinished (failed prisma migrate deploy)', async () => {
    await target.conn.query(
      `INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "logs") VALUES ('00000000-0000-4000-8000-000000000000', $1, '20990101000000_half', 'boom')`,
      ['1'.repeat(64)],
    );
    try {
      await expect(applyMigrations(target.conn)).rejects.toMatchObject({ kind: 'UNFINISHED_MIGRATION', migration: '20990101000000_half' });
    } finally {
      await target.conn.query(`DELETE FROM "_prisma_migrations" WHERE "migration_name" = '20990101000000_half'`);
    }
  });

  it('roll back a failing migration completely and record nothing for it', async () => {
    const dir = copyMigrations();
    try {
      mkdirSync(path.join(dir, '20990101000000_broken'));
      writeFileSync(
        path.join(dir, '20990101000000_broken', 'migration.sql'),
        'CREATE TABLE "Partial" ("id" INTEGER NOT NULL);\nSELECT "no_such_column" FROM "User";\n',
      );
      await expect(applyMigrations(target.conn, { migrationsDir: dir })).rejects.toMatchObject({
        kind: 'MIGRATION_FAILED',
        migration: '20990101000000_broken',
      });
      expect(await rows(target.conn, `SELECT 1 FROM information_schema.tables WHERE table_name = 'Partial'`)).toEqual([]);
      expect(await rows(target.conn, `SELECT 1 FROM "_prisma_migrations" WHERE "migration_name" = '20990101000000_broken'`)).toEqual([]);
      // The session is usable afterwards (no transaction left open, lock released).
      expect(await applyMigrations(target.conn)).toEqual({ applied: [], unknownInDatabase: [] });
      expect(await rows(target.conn, `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = $1`, [PRISMA_MIGRATION_LOCK_ID])).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!testServerUrl())('migrations on PostgreSQL with concurrent starters', () => {
  it('apply once when several processes migrate the same empty database at the same time', async () => {
    const first = await createEmptyTestConnection();
    try {
      const others = await Promise.all([first.openAnother!(), first.openAnother!(), first.openAnother!()]);
      const results = await Promise.all([first, ...others].map((session) => applyMigrations(session.conn)));
      expect(results.flatMap((result) => result.applied).sort()).toEqual(migrationNames);
      expect(await rows(first.conn, 'SELECT "migration_name" FROM "_prisma_migrations" ORDER BY 1')).toEqual(
        migrationNames.map((name) => ({ migration_name: name })),
      );
    } finally {
      await first.close();
    }
  });
});

/** The test server's URL naming the (empty) database `holder` is connected to. */
async function urlOfDatabase(holder: TestConnection): Promise<URL> {
  const [{ name }] = await rows<{ name: string }>(holder.conn, 'SELECT current_database() AS name');
  const url = new URL(testServerUrl()!);
  url.pathname = `/${name}`;
  return url;
}

describe.skipIf(!testServerUrl())('PostgreSQL URL with ?schema=', () => {
  it('migrates into and queries that schema, as Prisma does', async () => {
    const holder = await createEmptyTestConnection();
    try {
      const schemaUrl = await urlOfDatabase(holder);
      schemaUrl.searchParams.set('schema', 'proctor');
      const db = await createDatabase({ url: schemaUrl.toString() });
      try {
        expect(db.migrations.applied).toEqual(migrationNames);
        await db.prisma.user.create({ data: { username: 'in-schema', displayName: 'S' } });
        expect(await rows(holder.conn, `SELECT "username" FROM "proctor"."User"`)).toEqual([{ username: 'in-schema' }]);
        expect(await rows(holder.conn, `SELECT "migration_name" FROM "proctor"."_prisma_migrations"`)).toEqual(migrationNames.map((n) => ({ migration_name: n })));
        expect(await rows(holder.conn, `SELECT 1 FROM information_schema.tables WHERE table_schema = 'public'`)).toEqual([]);
      } finally {
        await db.close();
      }
    } finally {
      await holder.close();
    }
  });
});

describe.skipIf(!testServerUrl())('PostgreSQL closing connections', () => {
  it('survives the server closing an idle pooled connection, and the next query connects again', async () => {
    const holder = await createEmptyTestConnection();
    try {
      const db = await createDatabase({ url: (await urlOfDatabase(holder)).toString() });
      try {
        expect(await db.prisma.user.count()).toBe(0); // leaves an idle connection in the pool
        const terminated = await rows(holder.conn, `SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
        expect(terminated.length).toBeGreaterThan(0);
        // Unhandled, the pool's 'error' event would crash this process (vitest reports it). The pool drops the dead
        // connection; a query may fail while it learns of it, then succeeds on a new one.
        let count: number | undefined;
        for (let attempt = 0; attempt < 50 && count === undefined; attempt++) {
          try {
            count = await db.prisma.user.count();
          } catch {
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        }
        expect(count).toBe(0);
      } finally {
        await db.close();
      }
    } finally {
      await holder.close();
    }
  });
});

describe('Prisma client on the migrated database', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  function expectUniqueViolation(error: unknown) {
    expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect((error as Prisma.PrismaClientKnownRequestError).code).toBe('P2002');
  }

  it('migrated on open', () => {
    expect(db.migrations.applied).toEqual(migrationNames);
    expect(db.kind).toBe(testServerUrl() ? 'postgres' : 'pglite');
  });

  it('create, read, update and delete users; sessions and tokens go with their user', async () => {
    const user = await db.prisma.user.create({ data: { username: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.com', role: 'editor' } });
    expect(user).toMatchObject({ username: 'ada', role: 'editor', disabled: false, passwordHash: null });
    expect(user.id).toMatch(/^c[a-z0-9]{20,}$/);

    await db.prisma.session.create({ data: { id: 'a'.repeat(64), userId: user.id, expiresAt: new Date(Date.now() + 3_600_000) } });
    await db.prisma.apiToken.create({ data: { userId: user.id, name: 'ci', tokenHash: 'b'.repeat(64), prefix: 'pst_abcd' } });

    const updated = await db.prisma.user.update({ where: { username: 'ada' }, data: { role: 'releaser', disabled: true } });
    expect(updated).toMatchObject({ role: 'releaser', disabled: true });
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(user.updatedAt.getTime());

    const loaded = await db.prisma.user.findUnique({ where: { username: 'ada' }, include: { sessions: true, apiTokens: true } });
    expect(loaded?.sessions.map((s) => s.id)).toEqual(['a'.repeat(64)]);
    expect(loaded?.apiTokens.map((t) => t.prefix)).toEqual(['pst_abcd']);

    await db.prisma.user.delete({ where: { id: user.id } });
    expect(await db.prisma.session.count()).toBe(0);
    expect(await db.prisma.apiToken.count()).toBe(0);
  });

  it('raise unique violations (P2002) for duplicate usernames, token hashes, history entries and issue numbers', async () => {
    await db.prisma.user.create({ data: { username: 'grace', displayName: 'Grace' } });
    expectUniqueViolation(await db.prisma.user.create({ data: { username: 'grace', displayName: 'Other' } }).catch((e: unknown) => e));

    await db.prisma.consumerToken.create({ data: { name: 'svc', tokenHash: 'c'.repeat(64) } });
    expectUniqueViolation(await db.prisma.consumerToken.create({ data: { name: 'svc2', tokenHash: 'c'.repeat(64) } }).catch((e: unknown) => e));

    const entry = {
      branch: 'trunk',
      testName: 'example_tst',
      revision: 'd'.repeat(40),
      authorName: 'Ada',
      authorEmail: 'ada@example.com',
      authoredAt: new Date('2024-01-02T03:04:05.678Z'),
      committedAt: new Date('2024-01-02T03:04:05.678Z'),
      message: 'PROTEST-1: create example_tst',
      issueKey: 'PROTEST-1',
      changeKind: 'create' as const,
      seq: 1,
    };
    await db.prisma.historyEntry.create({ data: entry });
    expectUniqueViolation(await db.prisma.historyEntry.create({ data: { ...entry, seq: 2 } }).catch((e: unknown) => e));
    // Same revision on another branch (after a promotion) is a separate entry.
    await db.prisma.historyEntry.create({ data: { ...entry, branch: 'qa', changeKind: 'promote', sourceBranch: 'trunk', sourceRevision: entry.revision } });
    expect(await db.prisma.historyEntry.findMany({ where: { revision: entry.revision }, select: { branch: true }, orderBy: { branch: 'asc' } })).toEqual([
      { branch: 'qa' },
      { branch: 'trunk' },
    ]);

    await db.prisma.issue.create({ data: { key: 'PROTEST-1', projectKey: 'PROTEST', number: 1, status: 'Open', summary: 's', reporter: 'ada' } });
    expectUniqueViolation(
      await db.prisma.issue.create({ data: { key: 'PROTEST-01', projectKey: 'PROTEST', number: 1, status: 'Open', summary: 's', reporter: 'ada' } }).catch((e: unknown) => e),
    );
  });

  it('keep issue comments and transitions with their issue, newest history first', async () => {
    await db.prisma.issue.create({
      data: {
        key: 'PROTEST-2',
        projectKey: 'PROTEST',
        number: 2,
        status: 'Open',
        summary: 'Try a new button',
        reporter: 'ada',
        events: { create: { from: null, to: 'Open', actor: 'ada' } },
      },
    });
    await db.prisma.issueComment.create({ data: { issueKey: 'PROTEST-2', author: 'grace', body: 'Looks good' } });
    await db.prisma.issue.update({ where: { key: 'PROTEST-2' }, data: { status: 'In Progress', events: { create: { from: 'Open', to: 'In Progress', actor: 'grace' } } } });
    const issue = await db.prisma.issue.findUnique({ where: { key: 'PROTEST-2' }, include: { comments: true, events: { orderBy: { id: 'asc' } } } });
    expect(issue?.events.map((e) => [e.from, e.to])).toEqual([
      [null, 'Open'],
      ['Open', 'In Progress'],
    ]);
    expect(issue?.comments.map((c) => c.body)).toEqual(['Looks good']);
    await expect(db.prisma.issueComment.create({ data: { issueKey: 'PROTEST-404', author: 'x', body: 'y' } })).rejects.toMatchObject({ code: 'P2003' });

    await db.prisma.issue.delete({ where: { key: 'PROTEST-2' } });
    expect(await db.prisma.issueComment.count({ where: { issueKey: 'PROTEST-2' } })).toBe(0);
    expect(await db.prisma.issueEvent.count({ where: { issueKey: 'PROTEST-2' } })).toBe(0);
  });

  it('round-trip JSON, text arrays and millisecond timestamps', async () => {
    const specification = { tests: { example_tst: { buckets: { control: 0, test: 1 }, fallbackValue: -1 } }, providedContext: { lang: 'String' } };
    const at = new Date('2025-06-07T08:09:10.123Z');
    await db.prisma.consumer.upsert({
      where: { environment_application_instanceId: { environment: 'qa', application: 'shop', instanceId: 'i-1' } },
      create: { environment: 'qa', application: 'shop', instanceId: 'i-1', version: '1.0', specification, lastSeenAt: at },
      update: {},
    });
    await db.prisma.consumer.upsert({
      where: { environment_application_instanceId: { environment: 'qa', application: 'shop', instanceId: 'i-1' } },
      create: { environment: 'qa', application: 'shop', instanceId: 'i-1', version: '1.0', specification },
      update: { version: '1.1', matrixRevision: 'e'.repeat(40) },
    });
    const consumers = await db.prisma.consumer.findMany();
    expect(consumers).toHaveLength(1);
    expect(consumers[0]).toMatchObject({ version: '1.1', specification, lastSeenAt: at, matrixRevision: 'e'.repeat(40) });

    await db.prisma.indexedCommit.createMany({
      data: [
        { branch: 'trunk', revision: 'r1', seq: 1, parents: [] },
        { branch: 'trunk', revision: 'r2', seq: 2, parents: ['r1', 'x9'] },
      ],
    });
    expect(await db.prisma.indexedCommit.findMany({ orderBy: { seq: 'desc' }, select: { revision: true, parents: true } })).toEqual([
      { revision: 'r2', parents: ['r1', 'x9'] },
      { revision: 'r1', parents: [] },
    ]);

    await db.prisma.setting.create({ data: { key: 'issueTracker', value: { kind: 'builtin', projects: ['PROTEST'], enabled: true, limit: 2.5 } } });
    expect((await db.prisma.setting.findUnique({ where: { key: 'issueTracker' } }))?.value).toEqual({ kind: 'builtin', projects: ['PROTEST'], enabled: true, limit: 2.5 });

    const log = await db.prisma.auditLog.create({ data: { actorKind: 'user', actor: 'ada', action: 'definition.save', target: 'example_tst', outcome: 'refused' } });
    expect(log).toMatchObject({ details: {}, message: '', ip: null });
  });

  it('run interactive transactions and roll them back on error', async () => {
    await expectAbortedTransaction(db, (tx) => tx.loginAttempt.create({ data: { key: 'user:ada', count: 1 } }));
    expect(await db.prisma.loginAttempt.count()).toBe(0);
    await db.prisma.$transaction(async (tx) => {
      await tx.loginAttempt.create({ data: { key: 'user:ada', count: 1 } });
      await tx.loginAttempt.update({ where: { key: 'user:ada' }, data: { count: { increment: 1 } } });
    });
    expect(await db.prisma.loginAttempt.findUnique({ where: { key: 'user:ada' } })).toMatchObject({ count: 2 });
  });
});

describe('getDatabase', () => {
  it('opens one migrated PGlite database in <PROCTOR_DATA_DIR>/db per process and keeps data across reopen', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'proctor-data-'));
    const saved = { dir: process.env.PROCTOR_DATA_DIR, url: process.env.DATABASE_URL };
    process.env.PROCTOR_DATA_DIR = dataDir;
    delete process.env.DATABASE_URL;
    const { loadConfig } = await import('@/lib/config');
    const { getDatabase, closeDatabase } = await import('@/lib/db/client');
    try {
      // getConfig() caches; only proceed when this process' config points at our folder (it is the first reader here).
      expect(loadConfig().dataDir).toBe(path.resolve(dataDir));
      const [a, b] = await Promise.all([getDatabase(), getDatabase()]);
      expect(a).toBe(b);
      expect(a.kind).toBe('pglite');
      expect(existsSync(path.join(dataDir, 'db', 'PG_VERSION'))).toBe(true);
      await a.prisma.setting.create({ data: { key: 'persisted', value: 42 } });
      await closeDatabase();

      const reopened = await getDatabase();
      expect(reopened).not.toBe(a);
      expect(reopened.migrations.applied).toEqual([]);
      expect((await reopened.prisma.setting.findUnique({ where: { key: 'persisted' } }))?.value).toBe(42);
      await closeDatabase();
    } finally {
      process.env.PROCTOR_DATA_DIR = saved.dir;
      if (saved.url !== undefined) process.env.DATABASE_URL = saved.url;
      if (saved.dir === undefined) delete process.env.PROCTOR_DATA_DIR;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('embedded database folder lock', () => {
  it('refuses a second opener of the same folder while the first is open, in this or another live process', async () => {
    const parent = mkdtempSync(path.join(os.tmpdir(), 'proctor-lock-'));
    const dataDir = path.join(parent, 'db');
    const sleeper = spawn('sleep', ['30']);
    try {
      const first = await createDatabase({ dataDir });
      // This process, then the database processes it started: the one that created the folder (gone), the one serving it.
      const [opener, creator, server] = readFileSync(`${dataDir}.lock`, 'utf8').trim().split('\n').map(Number);
      expect(opener).toBe(process.pid);
      expect(() => process.kill(creator, 0)).toThrow();
      expect(server).not.toBe(process.pid);
      expect(() => process.kill(server, 0)).not.toThrow();
      await expect(createDatabase({ dataDir })).rejects.toBeInstanceOf(DataDirInUseError);
      await first.close();
      expect(existsSync(`${dataDir}.lock`)).toBe(false);

      writeFileSync(`${dataDir}.lock`, String(sleeper.pid));
      await expect(createDatabase({ dataDir })).rejects.toThrow(`is in use by process ${sleeper.pid}`);
    } finally {
      sleeper.kill();
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('waits for the database process of a gone opener to finish closing the folder before taking it over', async () => {
    const parent = mkdtempSync(path.join(os.tmpdir(), 'proctor-lock-'));
    const dataDir = path.join(parent, 'db');
    const closing = spawn('sleep', ['3']);
    try {
      const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
      const stale = `${gone}\n${closing.pid}\n`;
      writeFileSync(`${dataDir}.lock`, stale);
      let closed = false;
      closing.on('exit', () => (closed = true));
      const opening = createDatabase({ dataDir });
      await new Promise((resolve) => setTimeout(resolve, 500));
      // Still waiting: the lock is untouched while the other database process lives.
      expect(closed).toBe(false);
      expect(readFileSync(`${dataDir}.lock`, 'utf8')).toBe(stale);
      const db = await opening;
      expect(closed).toBe(true);
      expect(readFileSync(`${dataDir}.lock`, 'utf8').split('\n')[0]).toBe(String(process.pid));
      await db.close();
    } finally {
      closing.kill();
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('takes over the lock of a process that is gone', async () => {
    const parent = mkdtempSync(path.join(os.tmpdir(), 'proctor-lock-'));
    const dataDir = path.join(parent, 'db');
    try {
      const exited = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
      writeFileSync(`${dataDir}.lock`, exited.stdout);
      const db = await createDatabase({ dataDir });
      expect(readFileSync(`${dataDir}.lock`, 'utf8').split('\n')[0]).toBe(String(process.pid));
      await db.close();
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});
