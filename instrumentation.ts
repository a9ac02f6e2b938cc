/**
 * Runs once when the Next.js server starts: migrate the database, open (or create and seed) the git data repository,
 * ensure accounts, and say on the console how to sign in.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  // First, before any request is handled: the real TCP peer is stamped on each request (route handlers see only
  // headers), and requests no route can take (unknown /api paths and methods, TRACE) get our JSON answer.
  const { installRequestEdge } = await import('@/lib/http/request-edge');
  installRequestEdge();
  // A start-up step that fails (the database or the upstream away, a race with another instance's start) must not
  // leave this server broken for good: Next keeps a rejected register() and fails every request with it. So it is
  // logged and tried again in the background; meanwhile /api/health answers 503 (getServices() also retries there).
  try {
    await start();
  } catch (error) {
    console.error(`[proctor-studio] start-up failed, trying again in 1 s: ${describe(error)}`);
    void retryInBackground(1000);
  }
}

/** Prisma's errors can have an empty message: the code says what happened (e.g. P2002, a unique constraint). */
function describe(error: unknown): string {
  const { message, code } = error as { message?: string; code?: string };
  return [code, message?.trim()].filter(Boolean).join(' ') || String(error);
}

async function retryInBackground(firstDelay: number): Promise<void> {
  for (let attempt = 2, delay = firstDelay; ; attempt++, delay = Math.min(delay + 1000, 10_000)) {
    await new Promise((resolve) => setTimeout(resolve, delay));
    try {
      await start();
      return;
    } catch (error) {
      console.error(`[proctor-studio] start-up failed (attempt ${attempt}): ${describe(error)}`);
    }
  }
}

async function start(): Promise<void> {
  const { getServices } = await import('@/lib/composition/services');
  const { DEMO_PASSWORD } = await import('@/lib/auth/ensure-accounts');
  const services = await getServices();
  const { config, accounts } = services;
  // Matrices are rebuilt and announced as soon as a branch moves, not on the first request after it.
  await services.matrices.distribution();
  const lines = [
    `Proctor Studio is ready at ${config.publicUrl}`,
    `  data folder:   ${config.dataDir} (git repository proctor-data.git${config.databaseUrl ? '' : ', embedded PGlite database db/'})`,
    `  database:      ${config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : 'embedded PGlite'}`,
    `  git upstream:  ${config.gitUrl ?? 'none (local repository)'}`,
    `  issue tracker: ${services.tracker.name === 'jira' ? 'JIRA' : 'built-in'}`,
  ];
  const demo = accounts.filter((account) => account.source === 'demo');
  if (demo.length > 0) {
    lines.push(`  demo accounts (password "${DEMO_PASSWORD}"): ${demo.map((account) => `${account.username} (${account.role})`).join(', ')}`);
  }
  const admin = accounts.find((account) => account.source === 'admin');
  if (admin) lines.push(`  admin from PROCTOR_ADMIN_USER: ${admin.username}`);
  console.log(lines.join('\n'));
}
