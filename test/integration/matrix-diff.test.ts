/**
 * The Matrix page's comparison (issue #17): two environments' matrices, as applications get them, compared test by test
 * through GET /api/v1/matrix-diff (a real Request, a real database for the session; the store is the in-memory fake).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as matrixDiffRoute } from '@/app/api/v1/matrix-diff/route';
import { POST as loginRoute } from '@/app/api/v1/session/route';
import { ensureAccounts } from '@/lib/auth/ensure-accounts';
import { loadConfig } from '@/lib/config';
import { setServicesProvider } from '@/lib/composition/services';
import { promoteDefinition } from '@/lib/services/promote-definition';
import { createDefinition, updateDefinition } from '@/lib/services/save-definition';
import { createTestDatabase } from '@/test/support/db';
import { createTestServices, type TestServices } from '@/test/support/test-services';
import { erin, inactiveDefinition, rex, runningDefinition, withMoreGreen } from '@/test/support/use-case-fixtures';

type Db = Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db;
let services: TestServices;
let headers: Record<string, string>;
const BASE = 'http://studio.test';
const config = { ...loadConfig({} as NodeJS.ProcessEnv), publicUrl: BASE, demoMode: true };

const diff = (query: string) => matrixDiffRoute(new Request(`${BASE}/api/v1/matrix-diff?${query}`, { headers: { host: 'studio.test', ...headers } }));

beforeAll(async () => {
  db = await createTestDatabase();
  await ensureAccounts(db.prisma, config);
  services = createTestServices({ prisma: db.prisma, config });
  setServicesProvider(async () => services);
  const login = await loginRoute(new Request(`${BASE}/api/v1/session`, { method: 'POST', body: JSON.stringify({ username: 'quinn', password: 'demo' }), headers: { host: 'studio.test', origin: BASE, 'content-type': 'application/json' } }));
  headers = { cookie: `proctor_session=${/proctor_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')![1]}`, origin: BASE };

  // Three tests promoted to qa; then on trunk one changes and one is added.
  const key = services.tracker.add({ status: 'In Progress' }).key;
  for (const name of ['checkout_colour', 'search_ranking', 'same_everywhere']) {
    await createDefinition(services, erin, { name, definition: name === 'search_ranking' ? inactiveDefinition(name) : runningDefinition(name), issueKey: key });
  }
  for (const name of ['checkout_colour', 'search_ranking', 'same_everywhere']) {
    services.tracker.issues.get(key)!.status = 'QA Ready';
    await promoteDefinition(services, rex, { name, from: 'trunk', to: 'qa', issueKey: key });
  }
  services.tracker.issues.get(key)!.status = 'In Progress';
  const current = await services.store.readDefinition('checkout_colour' as never, { branch: 'trunk' });
  await updateDefinition(services, erin, { name: 'checkout_colour', definition: withMoreGreen(runningDefinition('checkout_colour')), baseRevision: current!.revision, issueKey: key });
  await createDefinition(services, erin, { name: 'brand_new', definition: runningDefinition('brand_new'), issueKey: key });
});
afterAll(async () => {
  setServicesProvider(undefined);
  await db?.close();
});

describe('GET /api/v1/matrix-diff', () => {
  it('names the tests added, removed and changed between two environments, with their semantic changes', async () => {
    const response = await diff('from=qa&to=trunk');
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.from.env).toBe('qa');
    expect(body.to.env).toBe('trunk');
    expect(body.diff.added).toEqual(['brand_new']);
    expect(body.diff.removed).toEqual([]);
    const changed = Object.fromEntries(body.diff.changed.map((test: { testName: string; changes: { kind: string }[] }) => [test.testName, test.changes.map((c) => c.kind)]));
    // Promoted copies differ from trunk in `version` only; the edited one also in its allocation.
    expect(changed.checkout_colour).toContain('allocation-ranges-changed');
    expect(changed.same_everywhere).toEqual(['version-changed']);
    expect(Object.keys(changed).sort()).toEqual(['checkout_colour', 'same_everywhere', 'search_ranking']);

    const reverse = await (await diff('from=trunk&to=qa')).json();
    expect(reverse.diff.removed).toEqual(['brand_new']);
    expect(reverse.diff.added).toEqual([]);
  });

  it('takes a build by revision (fromRevision/toRevision): a revision the branch does not hold is 404, a malformed one 400', async () => {
    // The fake store keeps no history, so the only build it holds by revision is the head's (the real cache's history
    // lookup is covered by matrix-serving.test.ts); what is checked here is that the revisions reach it.
    const trunkHead = (await services.store.head('trunk'))!;
    const byRevision = await (await diff(`from=qa&to=trunk&toRevision=${trunkHead}`)).json();
    expect(byRevision.to).toEqual({ env: 'trunk', revision: trunkHead });
    expect(byRevision.diff.added).toEqual(['brand_new']);
    const unknown = await diff(`from=trunk&fromRevision=${'0'.repeat(40)}&to=trunk`);
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).message).toMatch(/not a recent revision of trunk/);
    expect((await diff('from=trunk&fromRevision=abc&to=trunk')).status).toBe(400);
  });

  it('refuses a missing or unknown environment (422) and an environment with no matrix yet (NOT_READY)', async () => {
    expect((await diff('from=qa')).status).toBe(422);
    expect((await diff('from=qa&to=prod')).status).toBe(422);
    const none = await diff('from=production&to=qa');
    expect((await none.json()).code).toBe('NOT_READY');
  });
});
