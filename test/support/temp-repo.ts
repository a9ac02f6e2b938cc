/**
 * Temporary repositories and stores for integration tests, plus a thin wrapper over the native git CLI used to check
 * what the store wrote (git log, git show, git fsck --strict, git cat-file).
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { openDefinitionStore, type DefinitionStore, type DefinitionStoreOptions } from '@/lib/store';
import { createTestDatabase } from './db';
import type { PrismaClient } from '@/lib/generated/prisma/client';

const execFileAsync = promisify(execFile);

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const SEED_DIR = path.join(REPO_ROOT, 'proctor-data');
export const BRANCHES = { trunk: 'trunk', qa: 'qa', production: 'production' };
export const COMMITTER = { name: 'Proctor Studio', email: 'proctor-studio@localhost' };

/** Native git with a clean environment (no user config, fixed identity for commits made by tests). */
export async function git(args: string[], options: { cwd?: string; input?: string; env?: Record<string, string> } = {}): Promise<string> {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: os.tmpdir(),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Native Nora',
    GIT_AUTHOR_EMAIL: 'nora@example.com',
    GIT_COMMITTER_NAME: 'Native Nora',
    GIT_COMMITTER_EMAIL: 'nora@example.com',
    ...options.env,
  };
  if (options.input !== undefined) {
    return new Promise((resolve, reject) => {
      const child = execFile('git', args, { cwd: options.cwd, env: env as NodeJS.ProcessEnv, maxBuffer: 64 * 1024 * 1024 }, (error: Error | null, stdout: string, stderr: string) =>
        error ? reject(new Error(`git ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout),
      );
      child.stdin!.end(options.input);
    });
  }
  try {
    const { stdout } = await execFileAsync('git', args, { cwd: options.cwd, env: env as NodeJS.ProcessEnv, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`git ${args.join(' ')}: ${e.stderr || e.message}`);
  }
}

export async function makeTempDir(prefix = 'proctor-store-'): Promise<string> {
  return fs.promises.mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await fs.promises.rm(dir, { recursive: true, force: true });
}

export interface TestStore {
  store: DefinitionStore;
  gitdir: string;
  /** The store's database (its history index). */
  prisma: PrismaClient;
  close(): Promise<void>;
}

/** A store on `<dir>/proctor-data.git` (created and seeded unless it exists) with its own in-memory database. */
export async function openTestStore(
  dir: string,
  overrides: Partial<DefinitionStoreOptions> = {},
  init: { seed?: boolean; waitForIndex?: boolean } = {},
): Promise<TestStore> {
  const db = await createTestDatabase();
  const gitdir = overrides.gitdir ?? path.join(dir, 'proctor-data.git');
  const store = await openDefinitionStore(
    {
      gitdir,
      prisma: db.prisma,
      branches: BRANCHES,
      testDefinitionsDirectory: 'test-definitions',
      committer: COMMITTER,
      seedDir: SEED_DIR,
      fetchIntervalSeconds: 0,
      gcIntervalHours: 0,
      ...overrides,
    },
    init,
  );
  return {
    store,
    gitdir,
    prisma: db.prisma,
    async close() {
      await store.close();
      await db.close();
    },
  };
}

export const AUTHORS = {
  erin: { name: 'Erin Engineer', email: 'erin@example.com' },
  priya: { name: 'Priya Patel', email: 'priya@example.com' },
  rex: { name: 'Rex Release', email: 'rex@example.com' },
};

export interface WriterProcess {
  ready: Promise<void>;
  go(): void;
  result: Promise<Array<{ testName: string; revision?: string; error?: string }>>;
}

/** Spawns test/support/store-writer-process.ts with tsx (a second, independent store in another process). */
export function spawnWriterProcess(args: { gitdir: string; remoteUrl?: string; testNames: string[]; template: unknown }): WriterProcess {
  const child = spawn(path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), [path.join(REPO_ROOT, 'test', 'support', 'store-writer-process.ts'), JSON.stringify(args)], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let readyResolve!: () => void;
  const ready = new Promise<void>((resolve) => (readyResolve = resolve));
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (stdout.includes('ready\n')) readyResolve();
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const result = new Promise<Array<{ testName: string; revision?: string; error?: string }>>((resolve, reject) => {
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`writer process exited with ${code}: ${stderr}`));
      const line = stdout.split('\n').find((l) => l.startsWith('['));
      if (!line) return reject(new Error(`writer process printed no result: ${stdout} ${stderr}`));
      resolve(JSON.parse(line));
    });
  });
  return {
    ready: Promise.race([ready, result.then(() => undefined)]),
    go: () => child.stdin.write('go\n'),
    result,
  };
}
