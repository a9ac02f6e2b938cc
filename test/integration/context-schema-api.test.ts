/**
 * The rule context schema over real HTTP against the production build (issue #17): GET = the union of the
 * applications' providedContext (from their heartbeats) and the team's list; PUT replaces the team's list for editors
 * only, against the revision read (a concurrent or stale save is a 409, never an overwrite), checked, and audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startAppServer, type AppServer } from '@/test/support/app-server';

let app: AppServer;
let admin: ApiClient;
let editor: ApiClient;
let viewer: ApiClient;

beforeAll(async () => {
  app = await startAppServer();
  admin = await new ApiClient(app.baseUrl).login('avery');
  editor = await new ApiClient(app.baseUrl).login('erin');
  viewer = await new ApiClient(app.baseUrl).login('quinn');
  // An application reports its specification, whose providedContext names lang and country.
  const token = await admin.post('/api/v1/consumers/tokens', { name: 'context-schema-app', scope: 'heartbeat' });
  expect(token.status).toBe(201);
  const heartbeat = await ApiClient.withToken(app.baseUrl, token.json.token).post('/api/v1/heartbeat', {
    application: 'search-web',
    version: '2.1.0',
    environment: 'qa',
    instanceId: 'host-1',
    matrixRevision: null,
    matrixLoadedAt: Date.now(),
    specification: { tests: {}, providedContext: { lang: 'String', country: 'String', accountAgeDays: 'Integer' } },
    fallbackTests: [],
  });
  expect(heartbeat.status).toBe(200);
}, 600_000);
afterAll(async () => {
  await app?.stop();
});

describe('GET /api/v1/context-schema', () => {
  it("lists the applications' providedContext for any signed-in user; nothing for anonymous callers", async () => {
    const read = await viewer.get('/api/v1/context-schema');
    expect(read.status).toBe(200);
    expect(read.json.revision).toBe(0);
    expect(read.json.variables).toEqual([]);
    expect(read.json.applications).toContainEqual({ name: 'country', types: ['String'], providedBy: ['search-web 2.1.0'] });
    expect(read.json.known).toEqual(expect.arrayContaining(['accountAgeDays', 'country', 'lang']));
    expect((await new ApiClient(app.baseUrl).get('/api/v1/context-schema')).status).toBe(401);
  });
});

describe('PUT /api/v1/context-schema', () => {
  it('needs the editor role', async () => {
    const refused = await viewer.put('/api/v1/context-schema', { baseRevision: 0, variables: [{ name: 'platform', type: 'String' }] });
    expect(refused.status).toBe(403);
    expect((await new ApiClient(app.baseUrl).put('/api/v1/context-schema', { baseRevision: 0, variables: [] })).status).toBe(401);
    expect((await viewer.get('/api/v1/context-schema')).json.revision).toBe(0);
  });

  it('refuses names that are not variables, duplicates and bad types, naming each', async () => {
    const refused = await editor.put('/api/v1/context-schema', {
      baseRevision: 0,
      variables: [
        { name: 'platform', type: 'String' },
        { name: 'platform', type: 'String' },
        { name: 'user agent', type: 'String' },
        { name: 'tier', type: 'not a type' },
      ],
    });
    expect(refused.status).toBe(422);
    expect(refused.json.code).toBe('VALIDATION_FAILED');
    expect(refused.json.details.map((d: { path: string }) => d.path)).toEqual(['/variables/1/name', '/variables/2/name', '/variables/3/type']);
    // Unknown fields are refused by the body schema, before the use case.
    const unknownField = await editor.put('/api/v1/context-schema', { baseRevision: 0, variables: [{ name: 'x', type: 'String', extra: 1 }] });
    expect(unknownField.status).toBe(422);
    expect(JSON.stringify(unknownField.json.details)).toContain('extra');
  });

  it('saves for an editor, adds to the known names, and is audited', async () => {
    const saved = await editor.put('/api/v1/context-schema', { baseRevision: 0, variables: [{ name: 'platform', type: 'String', description: 'ios, android or web' }] });
    expect(saved.status).toBe(200);
    expect(saved.json).toMatchObject({ revision: 1, updatedBy: 'erin', variables: [{ name: 'platform', type: 'String', description: 'ios, android or web' }] });
    expect(saved.json.known).toEqual(expect.arrayContaining(['country', 'lang', 'platform']));
    const audit = await admin.get('/api/v1/audit?limit=20');
    const entry = audit.json.entries.find((e: { action: string; outcome: string }) => e.action === 'context-schema.update' && e.outcome === 'success');
    expect(entry).toMatchObject({ actor: 'erin', target: 'context-schema', details: { revision: 1, added: ['platform'], removed: [] } });
  });

  it('refuses a save from an old revision (409) and keeps the list', async () => {
    const stale = await editor.put('/api/v1/context-schema', { baseRevision: 0, variables: [] });
    expect(stale.status).toBe(409);
    expect(stale.json).toMatchObject({ code: 'STALE_REVISION', data: { expected: 0, actual: 1 } });
    const read = await viewer.get('/api/v1/context-schema');
    expect(read.json.revision).toBe(1);
    expect(read.json.variables.map((v: { name: string }) => v.name)).toEqual(['platform']);
  });

  it('of two saves from the same revision at once, exactly one wins', async () => {
    const base = (await viewer.get('/api/v1/context-schema')).json.revision;
    const [a, b] = await Promise.all([
      editor.put('/api/v1/context-schema', { baseRevision: base, variables: [{ name: 'first', type: 'String' }] }),
      admin.put('/api/v1/context-schema', { baseRevision: base, variables: [{ name: 'second', type: 'Boolean' }] }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = a.status === 200 ? 'first' : 'second';
    const read = await viewer.get('/api/v1/context-schema');
    expect(read.json.revision).toBe(base + 1);
    expect(read.json.variables.map((v: { name: string }) => v.name)).toEqual([winner]);
  });
});
