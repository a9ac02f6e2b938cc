// The environment the production server runs with (scripts/start.mjs; the store bench uses it for its figures too).
//
// MALLOC_ARENA_MAX=1: glibc gives each thread that allocates its own malloc arena (V8's compiler and GC helpers, the
// libuv pool), and memory freed in them stays resident. Measured on the 5,000-test bench repository with the database
// in another process: 314–329 MB resident with the default arenas, 261 MB with one, listings, saves and promotions as
// fast. Node allocates its JavaScript objects in V8's heap, not with malloc, so the one arena is not contended.
// A value already set in the environment wins.

/** `env` with the production server's defaults added. */
export function serverEnvironment(env = process.env) {
  return { MALLOC_ARENA_MAX: '1', ...env };
}
