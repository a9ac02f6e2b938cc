/**
 * The only reader of process.env. Everything configurable is named here with its default, so the README and the
 * console can say exactly what the app runs with.
 */
import path from 'node:path';
import { parseTrustedProxies } from '@/lib/client-address';

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
  /** Seconds a push (or asking the upstream for its heads) may take; a push not answered by then is checked upstream (default 60). */
  gitTimeoutSeconds: number;
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
  /**
   * Separation of duties (issue #16): an issue is verified by a QA analyst who authored none of its changes
   * (PROCTOR_SEPARATION_OF_DUTIES, on by default; admins can also waive it per issue).
   */
  separationOfDuties: boolean;
  /** Trusted reverse-proxy header carrying the user name (SSO); off when unset. */
  trustedUserHeader?: string;
  /**
   * Reverse proxies (addresses / CIDR ranges) whose X-Forwarded-For and X-Forwarded-Host are believed; empty (the
   * default) = the socket peer is the client. See lib/http/client-address.ts.
   */
  trustedProxies: string[];
  committer: { name: string; email: string };
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Folder to publish each new matrix to (`<dir>/<env>/proctor-tests-matrix.json`, atomic replace); off when unset. */
  matrixPublishDir?: string;
  /** Consumers not heard from for this many minutes are no longer active (not checked on promotion; default 15). */
  consumerActiveMinutes: number;
  /**
   * Measurement events (issue #19): raw event ids are kept this many days for exact de-duplication, and events older
   * than that are refused as expired (default 30); at most this many events are being stored at once before
   * POST /api/v1/events answers 429 (default 20000).
   */
  events: { retentionDays: number; maxInFlight: number };
  /** JIRA as the issue tracker; absent (PROCTOR_JIRA_URL unset) = the built-in tracker. See docs/jira.md. */
  jira?: JiraConfig;
}

/** Canonical workflow status (as lib/issues/workflow.ts names it) → the name the JIRA workflow uses. */
export type JiraStatusNames = Partial<Record<'Open' | 'In Progress' | 'QA Ready' | 'In QA' | 'Production Ready' | 'In Production' | 'Closed', string>>;

export interface JiraConfig {
  /** Base URL, e.g. https://jira.example.com or https://example.atlassian.net (a context path is kept). */
  url: string;
  deployment: 'server' | 'cloud';
  /** Basic = user + API token (Cloud) or password; bearer = personal access token (Server/Data Center). */
  auth: { kind: 'basic'; user: string; apiToken: string } | { kind: 'bearer'; personalAccessToken: string };
  /** Project keys whose issues may be used (empty = any project). */
  projects: string[];
  /** JIRA's name of the ProTest issue type (default ProTest). */
  issueType: string;
  statusNames: JiraStatusNames;
  /** Transition names to prefer when moving an issue to a canonical status (default: any transition into that status). */
  transitionNames: JiraStatusNames;
  timeoutMs: number;
  /** How long issue lookups and searches are cached (default 30; 0 = no cache). */
  cacheSeconds: number;
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

const JIRA_STATUS_ENV: Record<keyof JiraStatusNames, string> = {
  Open: 'OPEN',
  'In Progress': 'IN_PROGRESS',
  'QA Ready': 'QA_READY',
  'In QA': 'IN_QA',
  'Production Ready': 'PRODUCTION_READY',
  'In Production': 'IN_PRODUCTION',
  Closed: 'CLOSED',
};

function readJiraNames(env: NodeJS.ProcessEnv, prefix: string): JiraStatusNames {
  const names: JiraStatusNames = {};
  for (const [status, suffix] of Object.entries(JIRA_STATUS_ENV) as [keyof JiraStatusNames, string][]) {
    const value = env[`${prefix}${suffix}`]?.trim();
    if (value) names[status] = value;
  }
  return names;
}

/** Settings problems are reported by name only; a secret's value never appears in the message. */
function loadJiraConfig(env: NodeJS.ProcessEnv): JiraConfig | undefined {
  const url = env.PROCTOR_JIRA_URL?.trim();
  if (!url) return undefined;
  if (!/^https?:\/\//i.test(url)) throw new Error('PROCTOR_JIRA_URL must start with http:// or https://.');
  const deployment = (env.PROCTOR_JIRA_DEPLOYMENT?.trim().toLowerCase() || 'server') as string;
  if (deployment !== 'server' && deployment !== 'cloud') throw new Error("PROCTOR_JIRA_DEPLOYMENT must be 'server' (Server/Data Center) or 'cloud'.");
  const pat = env.PROCTOR_JIRA_PAT?.trim();
  const user = env.PROCTOR_JIRA_USER?.trim();
  const apiToken = env.PROCTOR_JIRA_TOKEN?.trim();
  let auth: JiraConfig['auth'];
  if (pat) auth = { kind: 'bearer', personalAccessToken: pat };
  else if (user && apiToken) auth = { kind: 'basic', user, apiToken };
  else throw new Error('PROCTOR_JIRA_URL is set: also set PROCTOR_JIRA_USER and PROCTOR_JIRA_TOKEN (Basic) or PROCTOR_JIRA_PAT (personal access token).');
  return {
    url: url.replace(/\/+$/, ''),
    deployment,
    auth,
    projects: (env.PROCTOR_JIRA_PROJECTS ?? '').split(',').map((p) => p.trim().toUpperCase()).filter(Boolean),
    issueType: env.PROCTOR_JIRA_ISSUE_TYPE?.trim() || 'ProTest',
    statusNames: readJiraNames(env, 'PROCTOR_JIRA_STATUS_'),
    transitionNames: readJiraNames(env, 'PROCTOR_JIRA_TRANSITION_'),
    timeoutMs: Math.max(readInt(env.PROCTOR_JIRA_TIMEOUT_MS, 5000), 1),
    cacheSeconds: Math.max(readInt(env.PROCTOR_JIRA_CACHE_SECONDS, 30), 0),
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const port = readInt(env.PORT, 3000);
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  const gitUrl = env.PROCTOR_GIT_URL?.trim() || undefined;
  const logLevel = (env.PROCTOR_LOG_LEVEL ?? 'info') as AppConfig['logLevel'];
  const trustedUserHeader = env.PROCTOR_TRUSTED_USER_HEADER?.trim().toLowerCase() || undefined;
  const trustedProxies = parseTrustedProxies(env.PROCTOR_TRUSTED_PROXIES);
  if (trustedUserHeader && trustedProxies.length === 0) {
    // Without a list of proxies, anyone who can reach the app could send the header and be any user.
    throw new Error(
      `PROCTOR_TRUSTED_USER_HEADER (${trustedUserHeader}) is set but PROCTOR_TRUSTED_PROXIES is empty: set it to the address of the sign-in proxy (e.g. 127.0.0.1 when it runs on this machine), the only peer whose header is believed.`,
    );
  }
  return {
    port,
    dataDir: path.resolve(/*turbopackIgnore: true*/ env.PROCTOR_DATA_DIR?.trim() || '.data'),
    databaseUrl,
    gitUrl,
    gitUsername: env.PROCTOR_GIT_USERNAME || undefined,
    gitPassword: env.PROCTOR_GIT_PASSWORD || undefined,
    gitFetchIntervalSeconds: readInt(env.PROCTOR_GIT_FETCH_INTERVAL, 15),
    gitTimeoutSeconds: Math.max(readInt(env.PROCTOR_GIT_TIMEOUT, 60), 1),
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
    separationOfDuties: readBool(env.PROCTOR_SEPARATION_OF_DUTIES) ?? true,
    trustedUserHeader,
    trustedProxies,
    committer: {
      name: env.PROCTOR_COMMITTER_NAME || 'Proctor Studio',
      email: env.PROCTOR_COMMITTER_EMAIL || 'proctor-studio@localhost',
    },
    logLevel: ['debug', 'info', 'warn', 'error'].includes(logLevel) ? logLevel : 'info',
    matrixPublishDir: env.PROCTOR_MATRIX_PUBLISH_DIR?.trim() ? path.resolve(/*turbopackIgnore: true*/ env.PROCTOR_MATRIX_PUBLISH_DIR.trim()) : undefined,
    consumerActiveMinutes: readInt(env.PROCTOR_CONSUMER_ACTIVE_MINUTES, 15),
    events: { retentionDays: Math.max(readInt(env.PROCTOR_EVENTS_RETENTION_DAYS, 30), 1), maxInFlight: Math.max(readInt(env.PROCTOR_EVENTS_MAX_IN_FLIGHT, 20_000), 1000) },
    jira: loadJiraConfig(env),
  };
}

let cached: AppConfig | undefined;
export function getConfig(): AppConfig {
  cached ??= loadConfig();
  return cached;
}
