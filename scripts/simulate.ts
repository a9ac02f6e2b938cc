/**
 * Demo traffic (issue #19): simulated users of a shop visit over weeks, get their buckets from the REAL Proctor client
 * (lib/client: getGroups / activate / track, its batching, ids and retries) and send their events to the REAL endpoint.
 * Three demo tests, in production:
 *   checkout_button_color     a clear winner: green converts ~50% better per visit (purchase, binary; revenue, a value goal)
 *   search_ranking_algo       flat: the learned weights change nothing (apply, a counting goal)
 *   mobile_apply_flow         a sample-ratio mismatch planted: the "one_tap_apply" arm never logs the exposures of the
 *                             users on a legacy app build (every fifth user) — the bug a real app has when one arm logs on
 *                             a code path the other does not. Per user, not per visit: a user who visits again would
 *                             otherwise be logged after all, and the mismatch would fade with return visits.
 * Usage: npm run simulate -- [--url http://localhost:3000] [--token pct_…] [--days 21] [--users 6000] [--seed 1]
 *        [--demo-once]  (npm start: only when this database has no demo traffic yet; a token named DEMO_TOKEN marks it)
 * Without --token it signs in as the demo admin (avery/demo, or --user/--password) and creates an events token.
 *
 * To lay down WEEKS of history, the simulator runs hour by hour of simulated time and flushes the client after each
 * hour; the client's `events.clock` is the simulated clock, so each event's `time` and its UUIDv7 id fall in its hour
 * (a retry carries the same event: the queue keeps its time).
 */
import { createProctorClient, type ProctorClient } from '../lib/client';

const DEMO_TOKEN = 'demo traffic (simulator)';
const HOUR = 3_600_000;

function arg(name: string, fallback?: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

/** mulberry32: the same seed gives the same users and behaviour. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function json(response: Response): Promise<any> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return { text };
  }
}

/** Signs in as an admin and creates an events-only token (or, with demoOnce, finds that one was made before). */
async function demoToken(url: string, user: string, password: string, demoOnce: boolean): Promise<string | null> {
  const signIn = await fetch(`${url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ username: user, password }) });
  if (signIn.status !== 200) throw new Error(`signing in as ${user} failed (${signIn.status}): pass --token pct_… instead`);
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0];
  const headers = { 'content-type': 'application/json', origin: url, cookie };
  if (demoOnce) {
    const list = await json(await fetch(`${url}/api/v1/consumers/tokens`, { headers }));
    if ((list.tokens ?? []).some((token: { name: string }) => token.name === DEMO_TOKEN)) return null;
  }
  const created = await fetch(`${url}/api/v1/consumers/tokens`, { method: 'POST', headers, body: JSON.stringify({ name: demoOnce ? DEMO_TOKEN : `simulator ${new Date().toISOString()}`, environment: 'production', scope: 'events' }) });
  if (created.status !== 201) throw new Error(`creating an events token failed (${created.status}): ${JSON.stringify(await json(created))}`);
  return (await json(created)).token as string;
}

interface User {
  id: string;
  country: string;
  lang: string;
  loggedIn: boolean;
  userAgent: string;
  platform: string;
  firstDay: number;
  /** On the legacy app build whose one-tap code path forgets to log the exposure (the planted mismatch). */
  legacyApp: boolean;
}

async function main(): Promise<void> {
  const url = (arg('url', process.env.PROCTOR_URL ?? 'http://localhost:3000') as string).replace(/\/+$/, '');
  const days = Number(arg('days', '21'));
  const userCount = Number(arg('users', '6000'));
  const seed = Number(arg('seed', String(Date.now() % 100000)));
  const demoOnce = flag('demo-once');
  const token = arg('token', process.env.PROCTOR_APP_TOKEN) ?? (await demoToken(url, arg('user', 'avery')!, arg('password', 'demo')!, demoOnce));
  if (!token) {
    console.log('[simulate] demo traffic is already recorded in this database; nothing to do');
    return;
  }
  const rng = random(seed);
  const pick = <T>(items: T[], weights: number[]) => {
    let r = rng() * weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < items.length; i++) if ((r -= weights[i]) < 0) return items[i];
    return items[items.length - 1];
  };
  const users: User[] = Array.from({ length: userCount }, (_, i) => {
    const country = pick(['US', 'GB', 'DE', 'CA'], [6, 2, 1, 1]);
    return {
      id: `sim-${seed}-${i}`,
      country,
      lang: country === 'DE' ? 'de' : 'en',
      loggedIn: rng() < 0.7,
      userAgent: rng() < 0.4 ? 'Mozilla/5.0 (iPhone) Mobile' : 'Mozilla/5.0 (X11; Linux x86_64)',
      platform: pick(['ios', 'android', 'web'], [2, 2, 3]),
      firstDay: Math.floor(rng() * days),
      legacyApp: i % 5 === 0,
    };
  });

  // The simulated clock: events (their time and their UUIDv7 id) are stamped with it, so weeks of history land in their
  // hours; it moves forward visit by visit through each simulated hour.
  let now = 0;
  const client: ProctorClient = await createProctorClient({
    baseUrl: url,
    environment: 'production',
    specification: {
      tests: { checkout_button_color: { fallbackValue: -1 }, search_ranking_algo: { fallbackValue: -1 }, mobile_apply_flow: { fallbackValue: -1 } },
      providedContext: { country: 'String', lang: 'String', loggedIn: 'boolean', userAgent: 'String', platform: 'String' },
    },
    stream: false,
    pollIntervalMs: 0,
    events: { token, batchSize: 500, maxBatchEvents: 1000, maxQueue: 200_000, flushIntervalMs: 1000, dedupeSize: 200_000, clock: () => now },
  });
  if (!client.revision) throw new Error(`the client could not load the production matrix from ${url}: ${client.status().lastError?.message ?? 'unknown'}`);

  const start = Date.now();
  const firstHour = Math.floor((Date.now() - days * 24 * HOUR) / HOUR) * HOUR;
  let visits = 0;
  for (let day = 0; day < days; day++) {
    // Arrivals ramp up over the first week, with a weekly rhythm; returning users come back at random.
    const weekday = new Date(firstHour + day * 24 * HOUR).getUTCDay();
    const todays = users.filter((user) => user.firstDay === day || (user.firstDay < day && rng() < (weekday === 0 || weekday === 6 ? 0.12 : 0.2)));
    for (let hour = 0; hour < 24; hour++) {
      const hourStart = firstHour + (day * 24 + hour) * HOUR;
      if (hourStart > Date.now() - HOUR) break;
      const share = hour >= 8 && hour <= 22 ? 1.6 : 0.3;
      const thisHour = todays.filter((_, i) => i % 24 === hour && rng() < share / 1.6 + 0.2);
      for (const [index, user] of thisHour.entries()) {
        visits++;
        now = hourStart + Math.floor(((index + rng()) / thisHour.length) * HOUR);
        const identifiers = { USER: user.id };
        const context = { country: user.country, lang: user.lang, loggedIn: user.loggedIn, userAgent: user.userAgent, platform: user.platform };
        const groups = client.getGroups(identifiers, context);
        const checkout = groups.activate('checkout_button_color');
        const ranking = groups.activate('search_ranking_algo');
        const mobile = groups.value('mobile_apply_flow');
        // The planted sample-ratio mismatch: the one-tap arm logs no exposure for users on the legacy app build.
        if (!(mobile === 1 && user.legacyApp)) groups.activate('mobile_apply_flow');
        const purchaseRate = checkout === 1 ? 0.15 : 0.1;
        if (rng() < purchaseRate) {
          client.track('purchase', identifiers, { unique: true });
          client.track('revenue', identifiers, { value: Math.round(2000 + rng() * 6000) / 100 });
        }
        const applies = rng() < 0.3 ? 1 + Math.floor(rng() * 3) : 0;
        for (let i = 0; i < applies; i++) client.track('apply', identifiers);
        if (ranking >= 0 && rng() < 0.05) client.track('search_refined', identifiers);
        if (mobile >= 0 && rng() < 0.2) client.track('mobile_apply_started', identifiers);
      }
      while (!(await client.flush())) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    process.stdout.write(`[simulate] day ${day + 1}/${days}: ${visits} visits so far\n`);
  }
  while (!(await client.flush())) await new Promise((resolve) => setTimeout(resolve, 500));
  const stats = client.eventStats()!;
  await client.close();
  const seconds = (Date.now() - start) / 1000;
  console.log(
    `[simulate] ${visits} visits of ${userCount} users over ${days} days: ${stats.accepted} events accepted, ${stats.duplicates} duplicates, ${stats.rejected} rejected, ${stats.refused} refused, ${stats.dropped} dropped, ${stats.retries} retries (${seconds.toFixed(1)} s)`,
  );
  if (stats.refused > 0 || stats.dropped > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(`[simulate] ${(error as Error).message}`);
  process.exit(1);
});
