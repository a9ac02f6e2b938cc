/**
 * Issue pages carry the conversation (issue #17): comments by editors and QA, the description and assignee edited
 * without overwriting someone else's edit, and the tests an issue touched from the history index. Route handlers called
 * with real Requests against a real database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as issueDetail, PATCH as patchIssue } from '@/app/api/v1/issues/[key]/route';
import { POST as commentRoute } from '@/app/api/v1/issues/[key]/comments/route';
import { POST as createIssueRoute } from '@/app/api/v1/issues/route';
import { POST as loginRoute } from '@/app/api/v1/session/route';
import { mayDiscussIssues } from '@/lib/auth/issue-permissions';
import { ensureAccounts } from '@/lib/auth/ensure-accounts';
import { loadConfig } from '@/lib/config';
import { setServicesProvider } from '@/lib/composition/services';
import { BuiltinIssueTracker } from '@/lib/issues/builtin-tracker';
import { createTestDatabase } from '@/test/support/db';
import { createTestServices } from '@/test/support/test-services';

type Db = Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db;
const BASE = 'http://studio.test';
const config = { ...loadConfig({} as NodeJS.ProcessEnv), publicUrl: BASE, demoMode: true };
const cookies: Record<string, Record<string, string>> = {};
let key: string;

function request(method: string, path: string, options: { body?: object; headers?: Record<string, string> } = {}): Request {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Request(BASE + path, { method, body, headers: { host: 'studio.test', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers } });
}
const params = <P>(value: P) => ({ params: Promise.resolve(value) });

async function as(username: string): Promise<Record<string, string>> {
  if (cookies[username]) return cookies[username];
  const response = await loginRoute(request('POST', '/api/v1/session', { body: { username, password: 'demo' }, headers: { origin: BASE } }));
  expect(response.status).toBe(200);
  const session = /proctor_session=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')![1];
  return (cookies[username] = { cookie: `proctor_session=${session}`, origin: BASE });
}
const detail = async () => (await issueDetail(request('GET', `/api/v1/issues/${key}`, { headers: await as('quinn') }), params({ key }))).json();
const patch = async (username: string, body: object) => patchIssue(request('PATCH', `/api/v1/issues/${key}`, { body, headers: await as(username) }), params({ key }));

beforeAll(async () => {
  db = await createTestDatabase();
  await ensureAccounts(db.prisma, config);
  const tracker = new BuiltinIssueTracker(db.prisma, { publicUrl: BASE });
  setServicesProvider(async () => createTestServices({ prisma: db.prisma, config, tracker }));
  const created = await createIssueRoute(request('POST', '/api/v1/issues', { body: { summary: 'Exclude fr-CA', type: 'ProTest', description: 'First draft' }, headers: await as('erin') }));
  key = (await created.json()).key;
});
afterAll(async () => {
  setServicesProvider(undefined);
  await db?.close();
});

describe('issue comments', () => {
  it('editors and QA add comments, listed oldest first with their author; viewers are refused (403)', async () => {
    const added = await commentRoute(request('POST', `/api/v1/issues/${key}/comments`, { body: { body: 'verified fr-CA excluded' }, headers: await as('erin') }), params({ key }));
    expect(added.status).toBe(204);
    const refused = await commentRoute(request('POST', `/api/v1/issues/${key}/comments`, { body: { body: 'me too' }, headers: await as('vera') }), params({ key }));
    expect(refused.status).toBe(403);
    expect((await refused.json()).message).toMatch(/editor or QA role/);
    expect((await detail()).comments.map((c: { author: string; body: string }) => [c.author, c.body])).toEqual([['erin', 'verified fr-CA excluded']]);
  });

  it('one rule decides who may: editors and above and QA, not viewers', () => {
    expect(['viewer', 'editor', 'releaser', 'admin'].map((role) => mayDiscussIssues({ role } as never))).toEqual([false, true, true, true]);
    expect(mayDiscussIssues({ role: 'qa' } as never)).toBe(true);
    expect(mayDiscussIssues(null)).toBe(false);
  });
});

describe('editing the description and assignee', () => {
  it('changes both, checked against the values the editor started from', async () => {
    const response = await patch('priya', { description: 'Exclude fr-CA from the English launch', assignee: 'erin', previous: { description: 'First draft', assignee: null } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ key, assignee: 'erin' });
    expect(await detail()).toMatchObject({ description: 'Exclude fr-CA from the English launch', assignee: 'erin' });
  });

  it('refuses an edit made from a stale description (409) and keeps the newer text', async () => {
    const response = await patch('erin', { description: 'my older edit', previous: { description: 'First draft' } });
    expect(response.status).toBe(409);
    expect((await response.json()).message).toMatch(/changed by someone else meanwhile \(description\)/);
    expect((await detail()).description).toBe('Exclude fr-CA from the English launch');
  });

  it('a concurrent change of the OTHER field does not block this one', async () => {
    const response = await patch('erin', { assignee: 'priya', previous: { assignee: 'erin' } });
    expect(response.status).toBe(200);
    const again = await patch('erin', { description: 'Exclude fr-CA (verified)', previous: { description: 'Exclude fr-CA from the English launch' } });
    expect(again.status).toBe(200);
    expect(await detail()).toMatchObject({ description: 'Exclude fr-CA (verified)', assignee: 'priya' });
  });

  it('unassigns with null, refuses unknown assignees and missing `previous`, and viewers (403)', async () => {
    expect((await patch('erin', { assignee: null, previous: { assignee: 'priya' } })).status).toBe(200);
    expect((await detail()).assignee).toBeNull();
    const unknown = await patch('erin', { assignee: 'nobody_here', previous: { assignee: null } });
    expect(unknown.status).toBe(422);
    expect((await unknown.json()).details).toEqual([{ path: '/assignee', message: 'must be an active user' }]);
    const noPrevious = await patch('erin', { description: 'x', previous: {} });
    expect(noPrevious.status).toBe(422);
    expect((await noPrevious.json()).details).toEqual([{ path: '/previous/description', message: 'is required when changing it' }]);
    expect((await patch('vera', { description: 'x', previous: { description: 'Exclude fr-CA (verified)' } })).status).toBe(403);
    expect((await detail()).description).toBe('Exclude fr-CA (verified)');
  });
});
