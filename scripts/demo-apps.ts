/**
 * Demo applications (issue #17): a few believable applications of the embedded demo that load their environment's
 * matrix with the REAL client (lib/client) and report themselves by heartbeat, so the Consumers page and each test's
 * Usage tab show who runs what, and a change an application could not load is refused with its name
 * ("refused: jobsearch-web 4.2.0 could not load this"). Try it: change checkout_button_color's payload type from
 * stringValue to stringArray on trunk and promote it to qa — jobsearch-web 4.3.0-rc1 expects strings there.
 *
 * Usage: node --import tsx scripts/demo-apps.ts [--url http://localhost:3000] [--user avery --password demo]
 * It signs in as the demo admin, revokes the application token it made on an earlier start (the secret is never kept
 * on disk) and makes a new one, then runs until stopped (npm start runs it beside the demo server).
 */
import { createProctorClient, type ProctorClient } from '../lib/client';
import type { ProctorSpecification } from '../lib/proctor/model';

const TOKEN_NAME = 'demo applications (heartbeats)';

function arg(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

const CONTEXT = { country: 'String', lang: 'String', loggedIn: 'boolean', userAgent: 'String', platform: 'String', pagePath: 'String', accountAgeDays: 'int', employeeCount: 'int', subscribedToDigest: 'boolean' };

/** The web front end: the checkout colour (a string payload), ranking weights (doubles), the salary banner. */
const JOBSEARCH_WEB: ProctorSpecification = {
  tests: {
    checkout_button_color: { buckets: { inactive: -1, control: 0, green: 1, orange: 2 }, fallbackValue: -1, payload: { type: 'stringValue' } },
    search_ranking_algo: { buckets: { inactive: -1, control: 0, learned_weights: 1 }, fallbackValue: -1, payload: { type: 'doubleArray' } },
    salary_estimate_banner: { buckets: { inactive: -1, control: 0, high_confidence: 1, any_confidence: 2 }, fallbackValue: -1, payload: { type: 'doubleValue' } },
    homepage_recommendations: { buckets: { inactive: -1, control: 0, personalized: 1, trending: 2 }, fallbackValue: -1, payload: { type: 'json' } },
  },
  providedContext: CONTEXT,
} as unknown as ProctorSpecification;

/** The apply back end: the mobile one-tap flow (no payload) and the ranking it shares with the front end. */
const APPLY_SERVICE: ProctorSpecification = {
  tests: {
    mobile_apply_flow: { buckets: { inactive: -1, control: 0, one_tap_apply: 1 }, fallbackValue: -1 },
    search_ranking_algo: { buckets: { inactive: -1, control: 0, learned_weights: 1 }, fallbackValue: -1, payload: { type: 'doubleArray' } },
  },
  providedContext: CONTEXT,
} as unknown as ProctorSpecification;

const APPS: { environment: 'trunk' | 'qa' | 'production'; name: string; version: string; instanceId: string; specification: ProctorSpecification }[] = [
  { environment: 'production', name: 'jobsearch-web', version: '4.2.0', instanceId: 'web-prod-1', specification: JOBSEARCH_WEB },
  { environment: 'production', name: 'jobsearch-web', version: '4.2.0', instanceId: 'web-prod-2', specification: JOBSEARCH_WEB },
  { environment: 'production', name: 'apply-service', version: '1.8.3', instanceId: 'apply-prod-1', specification: APPLY_SERVICE },
  { environment: 'qa', name: 'jobsearch-web', version: '4.3.0-rc1', instanceId: 'web-qa-1', specification: JOBSEARCH_WEB },
  { environment: 'qa', name: 'apply-service', version: '1.9.0-rc2', instanceId: 'apply-qa-1', specification: APPLY_SERVICE },
];

async function body(response: Response): Promise<any> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return { text };
  }
}

/** A fresh heartbeat token for the demo applications; the one an earlier start made is revoked. */
async function heartbeatToken(url: string, user: string, password: string): Promise<string> {
  const signIn = await fetch(`${url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ username: user, password }) });
  if (signIn.status !== 200) throw new Error(`signing in as ${user} failed (${signIn.status})`);
  const headers = { 'content-type': 'application/json', origin: url, cookie: (signIn.headers.get('set-cookie') ?? '').split(';')[0] };
  const listed = await body(await fetch(`${url}/api/v1/consumers/tokens`, { headers }));
  for (const token of listed.tokens ?? []) {
    if (token.name === TOKEN_NAME && !token.revokedAt) await fetch(`${url}/api/v1/consumers/tokens/${encodeURIComponent(token.id)}`, { method: 'DELETE', headers });
  }
  const created = await fetch(`${url}/api/v1/consumers/tokens`, { method: 'POST', headers, body: JSON.stringify({ name: TOKEN_NAME, environment: null, scope: 'heartbeat' }) });
  if (created.status !== 201) throw new Error(`creating the heartbeat token failed (${created.status}): ${JSON.stringify(await body(created))}`);
  return (await body(created)).token as string;
}

async function main(): Promise<void> {
  const url = arg('url', process.env.PROCTOR_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
  const token = await heartbeatToken(url, arg('user', 'avery'), arg('password', 'demo'));
  const clients: ProctorClient[] = [];
  for (const app of APPS) {
    clients.push(
      await createProctorClient({
        baseUrl: url,
        environment: app.environment,
        specification: app.specification,
        application: { name: app.name, version: app.version, instanceId: app.instanceId },
        token,
        stream: false,
        pollIntervalMs: 30_000,
        events: false,
        onError: (error) => console.warn(`[demo-apps] ${app.name} ${app.version} (${app.environment}): ${error.message}`),
      }),
    );
  }
  console.log(`[demo-apps] ${APPS.length} demo application instances report heartbeats to ${url} (see the Consumers page)`);
  // The client's timers do not keep a process alive (an application exits when it is done); these applications live
  // until stopped.
  const alive = setInterval(() => {}, 1 << 30);
  const stop = async () => {
    clearInterval(alive);
    await Promise.all(clients.map((client) => client.close()));
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(`[demo-apps] ${(error as Error).message}`);
  process.exit(1);
});
