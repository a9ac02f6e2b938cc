/**
 * The only reader of process.env. Everything configurable is named here with its default, so the README and the
 * console can say exactly what the app runs with.
 */
import path from 'node:path';

export interface AppConfig {
  port: number;
  /** Folder with the bare git repository (`proctor-data.git`) and the embedded database (`db/`). */
  dataDir: string;
  /** PostgreSQL URL; when absent the embedded PGlite database in `<dataDir>/db` is used. */
  databaseUrl?: string;
  /** Upstream git repository (HTTP/HTTPS) to clone, fetch and push; absent = local repository only. */
  gitUrl?: string;
  gitUsername?: string;
  gitPassword?: string;
  /** Seconds between upstream fetches (default 15). */
  gitFetchIntervalSeconds: number;
  branches: { trunk: string; qa: string; production: string };
  testDefinitionsDirectory: string;
  /** Seed the repository from this folder when it is created (default: proctor-data/ of the app). */
  seedDir: string;
  adminUser?: string;
  adminPassword?: string;
  /** Demo mode creates one account per role with known passwords. On by default only for the embedded setup. */
  demoMode: boolean;
  /** Public base URL used in links written to issues (default http://localhost:PORT). */
  publicUrl: string;
  /** Trusted reverse-proxy header carrying the user name (SSO); off when unset. */
  trustedUserHeader?: string;
  committer: { name: string; email: string };
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

function readInt(value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const parsed = Number.parseInt(value, 10);
  return Number.isFinite(parsed) ? parsed : fallback;
}

function readBool(value: string | undefined): boolean | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return /^(1|true|yes|on)$/i.test(value.trim());
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const port = readInt(env.PORT, 3000);
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  const gitUrl = env.PROCTOR_GIT_URL?.trim() || undefined;
  const logLevel = (env.PROCTOR_LOG_LEVEL ?? 'info') as AppConfig['logLevel'];
  return {
    port,
    dataDir: path.resolve(/*turbopackIgnore: true*/ env.PROCTOR_DATA_DIR?.trim() || '.data'),
    databaseUrl,
    gitUrl,
    gitUsername: env.PROCTOR_GIT_USERNAME || undefined,
    gitPassword: env.PROCTOR_GIT_PASSWORD || undefined,
    gitFetchIntervalSeconds: readInt(env.PROCTOR_GIT_FETCH_INTERVAL, 15),
    branches: {
      trunk: env.PROCTOR_BRANCH_TRUNK || 'trunk',
      qa: env.PROCTOR_BRANCH_QA || 'qa',
      production: env.PROCTOR_BRANCH_PRODUCTION || 'production',
    },
    testDefinitionsDirectory: env.PROCTOR_TEST_DEFINITIONS_DIR || 'test-definitions',
    seedDir: path.resolve(/*turbopackIgnore: true*/ env.PROCTOR_SEED_DIR?.trim() || 'proctor-data'),
    adminUser: env.PROCTOR_ADMIN_USER || undefined,
    adminPassword: env.PROCTOR_ADMIN_PASSWORD || undefined,
    // Demo accounts only make sense for the self-contained setup: never with an external database or upstream.
    demoMode: readBool(env.PROCTOR_DEMO) ?? (!databaseUrl && !gitUrl),
    publicUrl: (env.PROCTOR_PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, ''),
    trustedUserHeader: env.PROCTOR_TRUSTED_USER_HEADER?.toLowerCase() || undefined,
    committer: {
      name: env.PROCTOR_COMMITTER_NAME || 'Proctor Studio',
      email: env.PROCTOR_COMMITTER_EMAIL || 'proctor-studio@localhost',
    },
    logLevel: ['debug', 'info', 'warn', 'error'].includes(logLevel) ? logLevel : 'info',
  };
}

let cached: AppConfig | undefined;
export function getConfig(): AppConfig {
  cached ??= loadConfig();
  return cached;
}
