// The environment the production server runs with (scripts/start.mjs; the store bench measures with it too).
//
// Two glibc malloc settings. Node keeps JavaScript objects in V8's heap, but Buffers, pipe and socket reads, file
// reads and native libraries use malloc, and with glibc's defaults memory they free stays resident:
// - MALLOC_ARENA_MAX=1: every thread that allocates (V8's compiler and GC helpers, the libuv pool) otherwise gets an
//   arena of its own, each keeping what was freed in it;
// - MALLOC_MMAP_THRESHOLD_=131072: a fixed threshold. By default, once a large block is freed glibc raises the
//   threshold to its size, so later large blocks (a 64 KB read, a listing-cache file) come from the heap and leave
//   holes there that are never given back.
// Measured on the 5,000-test bench repository, database in another process, after listing, saves, promotions, a
// 10,000-commit catch-up and the tests list (RSS after a full GC): 304–376 MB with only the first setting (with the
// main arena holding 67 MB), 280–282 MB with both; listing, save and promotion times unchanged. A value already set
// in the environment wins. They are for node processes (the server and the embedded database's process, which
// inherits them); git children are started without them (NODE_MALLOC_SETTINGS in lib/store/native-git.ts).

/** `env` with the production server's defaults added. */
export function serverEnvironment(env = process.env) {
  return { MALLOC_ARENA_MAX: '1', MALLOC_MMAP_THRESHOLD_: '131072', ...env };
}
