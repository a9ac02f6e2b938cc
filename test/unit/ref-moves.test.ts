/**
 * RefFiles counts the refs this process moved: the matrix cache's edge reuses a head read only while the count is
 * unchanged, so a branch moved here (a promotion) is seen by the very next request.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RefFiles } from '@/lib/store/refs';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('RefFiles.moves', () => {
  it('counts each ref moved by compare-and-swap, after the new value is readable, and not a refused swap', async () => {
    const gitdir = fs.mkdtempSync(path.join(os.tmpdir(), 'proctor-ref-moves-'));
    dirs.push(gitdir);
    const refs = new RefFiles(gitdir);
    const a = 'a'.repeat(40);
    const b = 'b'.repeat(40);
    expect(refs.moves).toBe(0);
    expect(await refs.compareAndSwap('refs/heads/qa', null, a)).toBe(true);
    expect(refs.moves).toBe(1);
    expect(await refs.compareAndSwap('refs/heads/qa', b, a)).toBe(false); // not at b: refused, nothing moved
    expect(refs.moves).toBe(1);
    const swap = refs.compareAndSwap('refs/heads/qa', a, b);
    expect(refs.moves).toBe(1); // not counted before the ref file is replaced
    expect(await swap).toBe(true);
    expect(refs.moves).toBe(2);
    expect(await refs.read('refs/heads/qa')).toBe(b);
  });
});
