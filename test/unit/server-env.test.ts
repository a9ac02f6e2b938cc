import { describe, expect, it } from 'vitest';
import { NODE_MALLOC_SETTINGS } from '@/lib/store/native-git';
// Plain ESM script without typings (used by scripts/start.mjs before anything is built).
const { serverEnvironment } = (await import('../../scripts/server-env.mjs' as string)) as { serverEnvironment: (env?: Record<string, string | undefined>) => Record<string, string | undefined> };

describe('serverEnvironment (what npm start runs the server with)', () => {
  it('adds the glibc malloc settings and keeps everything else', () => {
    expect(serverEnvironment({ PORT: '3000' })).toEqual({ PORT: '3000', MALLOC_ARENA_MAX: '1', MALLOC_MMAP_THRESHOLD_: '131072' });
  });

  it('lets a value set by the operator win', () => {
    expect(serverEnvironment({ MALLOC_ARENA_MAX: '4' }).MALLOC_ARENA_MAX).toBe('4');
  });

  it('adds only settings that git children are started without', () => {
    expect(Object.keys(serverEnvironment({})).sort()).toEqual([...NODE_MALLOC_SETTINGS].sort());
  });
});
