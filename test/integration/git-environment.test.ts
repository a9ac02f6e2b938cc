/**
 * git child processes start without the glibc malloc settings npm start gives the server (lib/store/native-git.ts
 * says why: git diff-tree ran 7x slower with them). A `git` wrapper first on PATH records the environment of every
 * git the store starts — cat-file for reads, diff-tree for the history index, gc — and hands over to the real git.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_MALLOC_SETTINGS } from '@/lib/store/native-git';
import { makeTempDir, openTestStore, removeDir } from '../support/temp-repo';

let tmp: string;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  tmp = await makeTempDir('proctor-git-env-');
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const bin = path.join(tmp, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(
    path.join(bin, 'git'),
    `#!/bin/sh\nprintf '%s\\n' "$* | MALLOC_ARENA_MAX=\${MALLOC_ARENA_MAX-unset} MALLOC_MMAP_THRESHOLD_=\${MALLOC_MMAP_THRESHOLD_-unset}" >> "${path.join(tmp, 'git.log')}"\nexec "${realGit}" "$@"\n`,
    { mode: 0o755 },
  );
  for (const name of ['PATH', ...NODE_MALLOC_SETTINGS]) saved[name] = process.env[name];
  process.env.PATH = `${bin}${path.delimiter}${process.env.PATH}`;
  // What npm start's server process has (scripts/server-env.mjs).
  process.env.MALLOC_ARENA_MAX = '1';
  process.env.MALLOC_MMAP_THRESHOLD_ = '131072';
});

afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await removeDir(tmp);
});

describe('git child processes of the store', () => {
  it('start with glibc defaults while the server process keeps its malloc settings', async () => {
    const opened = await openTestStore(tmp, {}, { seed: true, waitForIndex: true });
    try {
      expect((await opened.store.listDefinitions('trunk')).length).toBeGreaterThan(0);
      await opened.store.gc();
    } finally {
      await opened.close();
    }
    const lines = fs.readFileSync(path.join(tmp, 'git.log'), 'utf8').trim().split('\n');
    for (const command of ['cat-file --batch', 'diff-tree --stdin', 'gc --quiet']) {
      expect(lines.some((line) => line.includes(command)), `git ${command} was run through the wrapper`).toBe(true);
    }
    expect(lines.filter((line) => !line.endsWith('| MALLOC_ARENA_MAX=unset MALLOC_MMAP_THRESHOLD_=unset'))).toEqual([]);
    expect(process.env.MALLOC_MMAP_THRESHOLD_).toBe('131072');
  });
});
