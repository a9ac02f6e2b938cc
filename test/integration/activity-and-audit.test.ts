/**
 * Activity and the audit log carry the conversation (issue #17): Activity filtered by test, user, issue and environment,
 * with issue transitions among the changes; the audit log filtered, searched and exported as CSV. Route handlers called
 * with real Requests against a real database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as activityRoute } from '@/app/api/v1/activity/route';
import { GET as auditRoute } from '@/app/api/v1/audit/route';
import { GET as auditExportRoute } from '@/app/api/v1/audit/export/route';
import { POST as loginRoute } from '@/app/api/v1/session/route';
import { csvCell } from '@/lib/audit/audit-csv';
import { recordAudit } from '@/lib/audit/record-audit';
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
const sessions: Record<string, Record<string, string>> = {};

function request(path: string, headers: Record<string, string>): Request {
  return new Request(BASE + path, { headers: { host: 'studio.test', ...headers } });
}
async function as(username: string): Promise<Record<string, string>> {
  if (sessions[username]) return sessions[username];
  const response = await loginRoute(new Request(BASE + '/api/v1/session', { method: 'POST', body: JSON.stringify({ username, password: 'demo' }), headers: { host: 'studio.test', origin: BASE, 'content-type': 'application/json' } }));
  const session = /proctor_session=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')![1];
  return (sessions[username] = { cookie: `proctor_session=${session}`, origin: BASE });
}
async function activity(query: string) {
  const response = await activityRoute(request(`/api/v1/activity?${query}`, await as('quinn')));
  expect(response.status).toBe(200);
  return response.json() as Promise<{ total: number; entries: Array<Record<string, string>> }>;
}
const describeEntry = (e: Record<string, string>) => (e.type === 'change' ? `${e.env} ${e.testName} ${e.issueKey} ${e.authorName}` : `${e.issueKey} ${e.from}→${e.to} ${e.actor}`);

let issueA: string;
let issueB: string;
const at = (minute: number) => new Date(Date.UTC(2030, 0, 1, 12, minute));

beforeAll(async () => {
  db = await createTestDatabase();
  await ensureAccounts(db.prisma, config);
  const tracker = new BuiltinIssueTracker(db.prisma, { publicUrl: BASE });
  setServicesProvider(async () => createTestServices({ prisma: db.prisma, config, tracker }));
  issueA = (await tracker.createIssue({ summary: 'Exclude fr-CA', type: 'ProTest' }, 'erin')).key;
  issueB = (await tracker.createIssue({ summary: 'Green button', type: 'ProTest' }, 'priya')).key;
  await tracker.transition(issueA, { to: 'In Progress' }, 'erin');
  // Put the issue events at known times between the changes below.
  const events = await db.prisma.issueEvent.findMany({ orderBy: { id: 'asc' } });
  for (const [index, event] of events.entries()) await db.prisma.issueEvent.update({ where: { id: event.id }, data: { at: at(10 + index * 10) } });
  const change = (minute: number, branch: string, testName: string, issueKey: string, author: string) => ({
    branch, testName, issueKey, revision: `${minute}`.padStart(40, '0'), authorName: author, authorEmail: `${author}@example.com`, authoredAt: at(minute), committedAt: at(minute), message: `${issueKey}: change ${minute}`, seq: minute,
  });
  await db.prisma.historyEntry.createMany({
    data: [
      change(5, 'trunk', 'search_ranking_algo', issueA, 'erin'),
      change(15, 'trunk', 'checkout_button_color', issueB, 'priya'),
      change(25, 'qa', 'search_ranking_algo', issueA, 'rex'),
      change(35, 'production', 'search_ranking_algo', issueA, 'rex'),
    ],
  });
});
afterAll(async () => {
  setServicesProvider(undefined);
  await db?.close();
});

describe('Activity', () => {
  it('merges changes and issue transitions, newest first', async () => {
    const all = await activity('');
    expect(all.total).toBe(7);
    expect(all.entries.map(describeEntry)).toEqual([
      `production search_ranking_algo ${issueA} rex`,
      `${issueA} Open→In Progress erin`,
      `qa search_ranking_algo ${issueA} rex`,
      `${issueB} null→Open priya`,
      `trunk checkout_button_color ${issueB} priya`,
      `${issueA} null→Open erin`,
      `trunk search_ranking_algo ${issueA} erin`,
    ]);
    const paged = await activity('limit=2&offset=2');
    expect(paged.entries.map(describeEntry)).toEqual(all.entries.slice(2, 4).map(describeEntry));
  });

  it('filters by issue (changes and transitions), user, test and environment', async () => {
    expect((await activity(`issue=${issueA.toLowerCase()}`)).entries.map(describeEntry)).toEqual([
      `production search_ranking_algo ${issueA} rex`,
      `${issueA} Open→In Progress erin`,
      `qa search_ranking_algo ${issueA} rex`,
      `${issueA} null→Open erin`,
      `trunk search_ranking_algo ${issueA} erin`,
    ]);
    expect((await activity('user=erin')).entries.map(describeEntry)).toEqual([`${issueA} Open→In Progress erin`, `${issueA} null→Open erin`, `trunk search_ranking_algo ${issueA} erin`]);
    expect((await activity('test=search_ranking_algo&user=rex')).entries.map(describeEntry)).toEqual([`production search_ranking_algo ${issueA} rex`, `qa search_ranking_algo ${issueA} rex`]);
    expect((await activity('env=trunk')).entries.map(describeEntry)).toEqual([`trunk checkout_button_color ${issueB} priya`, `trunk search_ranking_algo ${issueA} erin`]);
    const bad = await activityRoute(request('/api/v1/activity?env=prod', await as('quinn')));
    expect(bad.status).toBe(422);
  });
});

describe('audit log', () => {
  beforeAll(async () => {
    const entry = (action: string, actor: string, target: string, outcome: 'success' | 'refused', message: string) => recordAudit(db.prisma, { actor, actorKind: 'user', action, target, outcome, message });
    await entry('definition.save', 'erin', 'test:search_ranking_algo', 'success', 'saved, with "quotes", commas');
    await entry('definition.promote', 'rex', 'test:search_ranking_algo', 'refused', 'PROTEST-9 is not QA Ready');
    await entry('issue.comment', 'erin', '=HYPERLINK("http://evil")', 'success', 'multi\nline');
  });
  const list = async (query: string) => (await (await auditRoute(request(`/api/v1/audit?${query}`, await as('avery')))).json()).entries.map((e: { action: string }) => e.action);

  it('filters by user, action family and outcome, and searches any text', async () => {
    expect(await list('actor=erin&action=definition')).toEqual(['definition.save']);
    expect(await list('action=definition')).toEqual(['definition.promote', 'definition.save']);
    expect(await list('outcome=refused&action=definition')).toEqual(['definition.promote']);
    expect(await list('q=qa%20READY')).toEqual(['definition.promote']);
    expect(await list('q=evil')).toEqual(['issue.comment']);
    expect((await auditRoute(request('/api/v1/audit?outcome=maybe', await as('avery')))).status).toBe(422);
  });

  it('exports the filtered log as CSV: quoted where needed, formulas defused, admins only', async () => {
    const response = await auditExportRoute(request('/api/v1/audit/export?action=definition.save', await as('avery')));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="proctor-studio-audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = (await response.text()).split('\r\n');
    expect(lines[0]).toBe('id,at,actor,actorKind,action,target,outcome,message,requestId,ip,details');
    expect(lines).toHaveLength(3); // header, one entry, the final CRLF
    expect(lines[1]).toMatch(/^\d+,\d{4}-\d\d-\d\dT[\d:.]+Z,erin,user,definition\.save,test:search_ranking_algo,success,"saved, with ""quotes"", commas",,,\{\}$/);

    const all = await (await auditExportRoute(request('/api/v1/audit/export?q=evil', await as('avery')))).text();
    expect(all).toContain(`'=HYPERLINK(""http://evil"")`);
    expect(all).toContain('"multi\nline"');
    expect((await auditExportRoute(request('/api/v1/audit/export', await as('erin')))).status).toBe(403);
  });

  it('csvCell leaves plain text alone and defuses every formula start', () => {
    expect(csvCell('plain text')).toBe('plain text');
    expect(['=1+1', '+1', '-1', '@SUM(A1)', '\tx'].map(csvCell)).toEqual(["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx"]);
  });
});
