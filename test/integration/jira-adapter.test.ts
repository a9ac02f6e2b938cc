/**
 * The real JIRA adapter (jira-client + our transport) over real HTTP against the fake JIRA server on 127.0.0.1:
 * mapping, narrow field lists, transitions by name/target status with workflow-specific ids, comments, remote links,
 * Server and Cloud search, HTTP status mapping, timeouts, caching, and secrets kept out of errors and logs.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JiraConfig } from '@/lib/config';
import { loadConfig } from '@/lib/config';
import { createIssueTracker } from '@/lib/issues/create-issue-tracker';
import { JiraIssueTracker, type JiraTrackerOptions } from '@/lib/issues/jira/jira-issue-tracker';
import { createLogger } from '@/lib/log/logger';
import { startFakeJira, type FakeJira } from '@/test/support/fake-jira/fake-jira-server';
import { caught } from '@/test/support/caught';

const TOKEN = 'jira-secret-token-4711';
const PAT = 'jira-secret-pat-0815';
let fake: FakeJira;
let cloud: FakeJira;

function settings(url: string, overrides: Partial<JiraTrackerOptions> = {}): JiraTrackerOptions {
  return {
    url,
    deployment: 'server',
    auth: { kind: 'basic', user: 'proctor-bot', apiToken: TOKEN },
    projects: ['PROTEST'],
    issueType: 'ProTest',
    statusNames: {},
    transitionNames: {},
    timeoutMs: 2000,
    cacheSeconds: 0,
    ...overrides,
  };
}

const SEED = [
  { key: 'PROTEST-1', summary: 'Button colour test', status: 'In Progress', assignee: 'erin' },
  { key: 'PROTEST-2', summary: 'Checkout flow redesign', status: 'QA Ready' },
  { key: 'PROTEST-3', summary: 'Closed experiment', status: 'Closed' },
  { key: 'PROTEST-4', summary: 'A bug about buttons', type: 'Bug' },
  { key: 'OTHER-1', summary: 'Button in another project' },
];

beforeAll(async () => {
  const accounts = { basic: { 'proctor-bot': TOKEN }, bearer: [PAT] };
  fake = await startFakeJira({ accounts, issues: SEED });
  cloud = await startFakeJira({ deployment: 'cloud', accounts, issues: SEED });
});
afterAll(async () => {
  await fake?.close();
  await cloud?.close();
});
afterEach(() => {
  fake.clearFaults();
  cloud.clearFaults();
});

describe('reading issues', () => {
  it('maps a JIRA issue to a TrackedIssue, asking only for the fields it needs', async () => {
    const tracker = new JiraIssueTracker(settings(fake.url));
    fake.requests.length = 0;
    expect(await tracker.getIssue('PROTEST-1')).toEqual({
      key: 'PROTEST-1',
      type: 'ProTest',
      status: 'In Progress',
      summary: 'Button colour test',
      url: `${fake.url}/browse/PROTEST-1`,
      assignee: 'erin',
    });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/rest/api/2/issue/PROTEST-1', auth: 'basic' });
    expect(fake.requests[0].query.fields.split(',').sort()).toEqual(['assignee', 'issuetype', 'project', 'status', 'summary']);
  });

  it('returns null for a missing issue (404) and for keys that cannot exist, without asking JIRA for the latter', async () => {
    const tracker = new JiraIssueTracker(settings(fake.url));
    expect(await tracker.getIssue('PROTEST-999')).toBeNull();
    fake.requests.length = 0;
    expect(await tracker.getIssue('protest-1/../x')).toBeNull();
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses issues outside the configured projects, naming them', async () => {
    const error = await caught(() => new JiraIssueTracker(settings(fake.url)).getIssue('OTHER-1'));
    expect(error.code).toBe('ISSUE_INVALID');
    expect(error.message).toBe('OTHER-1 belongs to JIRA project OTHER; Proctor Studio is set up for PROTEST. Use an issue from that project.');
  });

  it('translates configured type and status names to the workflow names and back', async () => {
    const local = await startFakeJira({
      workflow: {
        initialStatus: 'Backlog',
        statuses: [
          { name: 'Backlog', category: 'new' },
          { name: 'Ready for QA', category: 'indeterminate' },
          { name: 'Testing', category: 'indeterminate' },
        ],
        transitions: [
          { id: '701', name: 'Ship to QA env', from: ['Ready for QA'], to: 'Testing' },
          { id: '702', name: 'Back', from: '*', to: 'Backlog' },
        ],
      },
      issues: [{ key: 'AB-1', summary: 'x', type: 'A/B Test', status: 'Ready for QA' }],
    });
    try {
      const tracker = new JiraIssueTracker(
        settings(local.url, { projects: ['AB'], auth: { kind: 'bearer', personalAccessToken: 'jira-demo-pat' }, issueType: 'A/B Test', statusNames: { 'QA Ready': 'Ready for QA', 'In QA': 'Testing' } }),
      );
      expect(await tracker.getIssue('AB-1')).toMatchObject({ type: 'ProTest', status: 'QA Ready' });
      expect(await tracker.listTransitions('AB-1')).toEqual([
        { id: '701', name: 'Ship to QA env', to: 'In QA' },
        { id: '702', name: 'Back', to: 'Backlog' },
      ]);
      expect(await tracker.transition('AB-1', { to: 'In QA' }, 'rex')).toEqual({ key: 'AB-1', from: 'QA Ready', to: 'In QA', transition: 'Ship to QA env' });
      expect(local.issue('AB-1').status).toBe('Testing');
      expect(local.requests.every((r) => r.auth === 'bearer')).toBe(true);
    } finally {
      await local.close();
    }
  });
});

describe('transitions', () => {
  it('finds transitions by target status or by name (case-insensitive), using the workflow ids', async () => {
    const tracker = new JiraIssueTracker(settings(fake.url));
    const key = fake.createIssue({ summary: 'walk', status: 'Open' }).key;
    expect(await tracker.transition(key, { name: 'start progress' }, 'erin')).toEqual({ key, from: 'Open', to: 'In Progress', transition: 'Start Progress' });
    expect(await tracker.transition(key, { to: 'qa ready' }, 'erin')).toEqual({ key, from: 'In Progress', to: 'QA Ready', transition: 'Resolve' });
    const posted = fake.requests.filter((r) => r.method === 'POST' && r.path === `/rest/api/2/issue/${key}/transitions`).map((r) => r.body);
    expect(posted).toEqual([{ transition: { id: '11' } }, { transition: { id: '21' } }]);
    expect(fake.issue(key).history.map((h) => h.to)).toEqual(['In Progress', 'QA Ready']);
  });

  it('prefers the configured transition name when several transitions lead into the status', async () => {
    const local = await startFakeJira({
      workflow: {
        initialStatus: 'QA Ready',
        statuses: [
          { name: 'QA Ready', category: 'indeterminate' },
          { name: 'In QA', category: 'indeterminate' },
        ],
        transitions: [
          { id: '5', name: 'Skip checks', from: ['QA Ready'], to: 'In QA' },
          { id: '6', name: 'Deploy to QA', from: ['QA Ready'], to: 'In QA' },
        ],
      },
      issues: [{ key: 'PROTEST-1', summary: 'x' }],
    });
    try {
      const tracker = new JiraIssueTracker(settings(local.url, { auth: { kind: 'bearer', personalAccessToken: 'jira-demo-pat' }, transitionNames: { 'In QA': 'Deploy to QA' } }));
      expect((await tracker.transition('PROTEST-1', { to: 'In QA' }, 'rex')).transition).toBe('Deploy to QA');
    } finally {
      await local.close();
    }
  });

  it('refuses a transition the workflow does not offer, naming the status, the options and the settings', async () => {
    const tracker = new JiraIssueTracker(settings(fake.url));
    const error = await caught(() => tracker.transition('PROTEST-1', { to: 'In Production' }, 'rex'));
    expect(error.code).toBe('ISSUE_STATE_NOT_ALLOWED');
    expect(error.message).toBe(
      "PROTEST-1 is in status 'In Progress' and JIRA's workflow offers no way to move to 'In Production' from there. Available: 'Resolve' → 'QA Ready'. If JIRA names that status or its transition differently, an administrator sets PROCTOR_JIRA_STATUS_* / PROCTOR_JIRA_TRANSITION_* (docs/jira.md).",
    );
    expect(fake.issue('PROTEST-1').status).toBe('In Progress');
    expect((await caught(() => tracker.transition('PROTEST-1', { name: 'Teleport' }, 'rex'))).message).toMatch(/offers no way to take the transition 'Teleport'/);
  });

  it('reports a missing issue as ISSUE_NOT_FOUND', async () => {
    const error = await caught(() => new JiraIssueTracker(settings(fake.url)).transition('PROTEST-404', { to: 'In QA' }, 'rex'));
    expect(error.code).toBe('ISSUE_NOT_FOUND');
    expect(error.message).toBe('Issue PROTEST-404 does not exist in JIRA (or the account Proctor Studio uses cannot see it).');
  });
});

describe('comments and remote links', () => {
  it('comments (naming the person) and links the test page once per test', async () => {
    const tracker = new JiraIssueTracker(settings(fake.url));
    const key = fake.createIssue({ summary: 'links' }).key;
    await tracker.comment(key, 'Looks good', 'priya');
    await tracker.comment(key, 'erin committed test definition x', 'erin');
    expect(fake.issue(key).comments.map((c) => [c.author, c.body])).toEqual([
      ['proctor-bot', 'priya (via Proctor Studio): Looks good'],
      ['proctor-bot', 'erin committed test definition x'],
    ]);
    await tracker.linkTestPage(key, 'btn_tst', 'http://studio.test/tests/btn_tst');
    await tracker.linkTestPage(key, 'btn_tst', 'http://studio.test/tests/btn_tst');
    await tracker.addRemoteLink(key, { url: 'http://studio.test/tests/other_tst', title: 'Other' });
    expect(fake.issue(key).remoteLinks.map((l) => [l.globalId, l.object.url, l.object.title])).toEqual([
      ['proctor-studio:test:btn_tst', 'http://studio.test/tests/btn_tst', 'Proctor test btn_tst'],
      ['http://studio.test/tests/other_tst', 'http://studio.test/tests/other_tst', 'Other'],
    ]);
  });
});

describe('search for the typeahead', () => {
  const summaries = (issues: { key: string }[]) => issues.map((i) => i.key);

  it('on Server/Data Center: POST /rest/api/2/search, ProTest issues of the configured projects, exact keys looked up', async () => {
    const tracker = new JiraIssueTracker(settings(fake.url));
    fake.requests.length = 0;
    expect(summaries(await tracker.searchIssues('butt'))).toEqual(['PROTEST-1']);
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /rest/api/2/search']);
    expect((fake.requests[0].body as { jql: string }).jql).toBe('project in ("PROTEST") AND issuetype = "ProTest" AND summary ~ "butt*" ORDER BY updated DESC');
    expect(summaries(await tracker.searchIssues('protest-2'))).toEqual(['PROTEST-2']);
    expect(summaries(await tracker.searchIssues('PROTEST-4'))).toEqual([]);
    expect(await tracker.searchIssues('"quotes" and (parens) -*?')).toEqual([]);
  });

  it('on Cloud: POST /rest/api/2/search/jql with token paging, no total', async () => {
    for (let i = 0; i < 7; i++) cloud.createIssue({ summary: `Paged experiment ${i}` });
    const tracker = new JiraIssueTracker(settings(cloud.url, { deployment: 'cloud' }));
    cloud.requests.length = 0;
    const found = await tracker.searchIssues('paged', { limit: 5 });
    expect(found).toHaveLength(5);
    expect(found.every((i) => i.summary.startsWith('Paged experiment') && i.type === 'ProTest')).toBe(true);
    expect(cloud.requests.every((r) => r.path === '/rest/api/2/search/jql')).toBe(true);
    // Follows nextPageToken when JIRA returns shorter pages than asked for.
    cloud.maxPageSize = 3;
    cloud.requests.length = 0;
    try {
      const all = await tracker.searchIssues('paged', { limit: 50 });
      expect(all.map((i) => i.summary).sort()).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `Paged experiment ${i}`));
      expect(cloud.requests.map((r) => (r.body as { nextPageToken?: string }).nextPageToken !== undefined)).toEqual([false, true, true]);
    } finally {
      cloud.maxPageSize = 1000;
    }
  });

  it('a Cloud site configured as server falls back to /search/jql after the 410', async () => {
    const tracker = new JiraIssueTracker(settings(cloud.url));
    cloud.requests.length = 0;
    expect(summaries(await tracker.searchIssues('checkout'))).toEqual(['PROTEST-2']);
    expect(cloud.requests.map((r) => r.path)).toEqual(['/rest/api/2/search', '/rest/api/2/search/jql']);
    cloud.requests.length = 0;
    await tracker.searchIssues('closed');
    expect(cloud.requests.map((r) => r.path)).toEqual(['/rest/api/2/search/jql']);
  });

  it('caches lookups and searches briefly, sharing concurrent requests; our transitions invalidate them', async () => {
    let now = 1_000_000;
    const tracker = new JiraIssueTracker(settings(fake.url, { cacheSeconds: 30, now: () => now }));
    const key = fake.createIssue({ summary: 'Cached walk', status: 'QA Ready' }).key;
    fake.requests.length = 0;
    await Promise.all([tracker.searchIssues('cached'), tracker.searchIssues('cached'), tracker.searchIssues('CACHED ')]);
    await tracker.getIssue(key);
    await tracker.getIssue(key);
    expect(fake.requests.map((r) => r.path)).toEqual(['/rest/api/2/search', `/rest/api/2/issue/${key}`]);
    await tracker.transition(key, { to: 'In QA' }, 'rex');
    expect((await tracker.getIssue(key))?.status).toBe('In QA');
    expect((await tracker.searchIssues('cached'))[0].status).toBe('In QA');
    fake.setStatus(key, 'Production Ready');
    expect((await tracker.getIssue(key))?.status).toBe('In QA');
    now += 30_001;
    expect((await tracker.getIssue(key))?.status).toBe('Production Ready');
  });
});

describe('failures keep their HTTP status', () => {
  it('401 and 403 say JIRA rejected our credentials, as an admin problem, without the secret', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', write: (line: string) => lines.push(line) });
    const wrong = new JiraIssueTracker(settings(fake.url, { auth: { kind: 'basic', user: 'proctor-bot', apiToken: 'wrong-' + TOKEN } }));
    const error = await caught(() => wrong.getIssue('PROTEST-1'));
    expect(error.code).toBe('UPSTREAM_REJECTED');
    expect(error.message).toBe(
      "JIRA rejected our credentials (HTTP 401) while looking up PROTEST-1. This is a configuration problem for an administrator: check PROCTOR_JIRA_USER and PROCTOR_JIRA_TOKEN (or PROCTOR_JIRA_PAT) and that account's permissions in JIRA.",
    );
    fake.inject({ status: 403, times: 1 });
    const forbidden = await caught(() => new JiraIssueTracker(settings(fake.url)).searchIssues('x'));
    expect(forbidden.code).toBe('UPSTREAM_REJECTED');
    expect(forbidden.message).toMatch(/^JIRA rejected our credentials \(HTTP 403\) while searching issues\./);
    const badPat = await caught(() => new JiraIssueTracker(settings(fake.url, { auth: { kind: 'bearer', personalAccessToken: 'nope-' + PAT } })).listTransitions('PROTEST-1'));
    expect(badPat.code).toBe('UPSTREAM_REJECTED');
    logger.warn('issue lookup failed', { error });
    for (const e of [error, forbidden, badPat]) {
      const visible = JSON.stringify({ message: e.message, data: e.data, details: e.details, stack: e.stack, cause: String(e.cause) });
      expect(visible).not.toContain(TOKEN);
      expect(visible).not.toContain(PAT);
      expect(visible).not.toContain(Buffer.from(`proctor-bot:wrong-${TOKEN}`).toString('base64'));
    }
    expect(lines.join('\n')).not.toContain(TOKEN);
  });

  it('5xx is JIRA unavailable (UPSTREAM_UNAVAILABLE); a transition failure names the retry', async () => {
    const tracker = new JiraIssueTracker(settings(fake.url));
    fake.inject({ status: 500 });
    const error = await caught(() => tracker.getIssue('PROTEST-1'));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.message).toBe('JIRA unavailable (HTTP 500) while looking up PROTEST-1. Try again in a moment.');
    expect(error.data).toMatchObject({ status: 500 });
    fake.clearFaults();
    const key = fake.createIssue({ summary: 'retry', status: 'QA Ready' }).key;
    fake.inject({ method: 'POST', path: `/rest/api/2/issue/${key}/transitions`, status: 503 });
    const failed = await caught(() => tracker.transition(key, { to: 'In QA' }, 'rex'));
    expect(failed.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(failed.message).toBe(
      `JIRA unavailable (HTTP 503) while moving ${key} to 'In QA'. Retry the transition alone from the issue page: POST /api/v1/issues/${key}/retry-transition after a promotion, otherwise POST /api/v1/issues/${key}/transitions {"to": "In QA"}.`,
    );
    expect(fake.issue(key).status).toBe('QA Ready');
  });

  it('a slow JIRA times out as JIRA unavailable after the configured time; a closed port is unavailable too', async () => {
    const tracker = new JiraIssueTracker(settings(fake.url, { timeoutMs: 200 }));
    fake.inject({ delayMs: 1500 });
    const error = await caught(() => tracker.getIssue('PROTEST-1'));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.message).toBe('JIRA unavailable: it did not answer within 0.2 s while looking up PROTEST-1. Try again in a moment.');
    const closed = await startFakeJira();
    const url = closed.url;
    await closed.close();
    const refused = await caught(() => new JiraIssueTracker(settings(url)).getIssue('PROTEST-1'));
    expect(refused.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(refused.message).toBe('JIRA unavailable: it could not be reached (ECONNREFUSED) while looking up PROTEST-1. Try again in a moment.');
  });

  it('other 4xx keep JIRA\'s own error messages', async () => {
    fake.inject({ status: 400, errorMessages: ['Field customfield_1 is required.'] });
    const error = await caught(() => new JiraIssueTracker(settings(fake.url)).comment('PROTEST-1', 'x', 'erin'));
    expect(error.code).toBe('UPSTREAM_REJECTED');
    expect(error.message).toBe('JIRA refused the request (HTTP 400) while commenting on PROTEST-1: Field customfield_1 is required..');
  });
});

describe('configuration', () => {
  const env = (vars: Record<string, string>) => vars as NodeJS.ProcessEnv;
  const base = { PROCTOR_JIRA_URL: 'https://jira.example.com/jira/', PROCTOR_JIRA_USER: 'bot', PROCTOR_JIRA_TOKEN: TOKEN };

  it('reads PROCTOR_JIRA_* with defaults; JIRA is used only when the URL is set', () => {
    expect(loadConfig(env({})).jira).toBeUndefined();
    const jira = loadConfig(env({ ...base, PROCTOR_JIRA_PROJECTS: 'protest, ab', PROCTOR_JIRA_STATUS_QA_READY: 'Resolved', PROCTOR_JIRA_TRANSITION_IN_QA: 'Deploy' })).jira as JiraConfig;
    expect(jira).toEqual({
      url: 'https://jira.example.com/jira',
      deployment: 'server',
      auth: { kind: 'basic', user: 'bot', apiToken: TOKEN },
      projects: ['PROTEST', 'AB'],
      issueType: 'ProTest',
      statusNames: { 'QA Ready': 'Resolved' },
      transitionNames: { 'In QA': 'Deploy' },
      timeoutMs: 5000,
      cacheSeconds: 30,
    });
    expect(loadConfig(env({ PROCTOR_JIRA_URL: 'https://x.atlassian.net', PROCTOR_JIRA_DEPLOYMENT: 'Cloud', PROCTOR_JIRA_PAT: PAT, PROCTOR_JIRA_TIMEOUT_MS: '800' })).jira).toMatchObject({
      deployment: 'cloud',
      auth: { kind: 'bearer', personalAccessToken: PAT },
      timeoutMs: 800,
    });
    expect(createIssueTracker({} as never, { publicUrl: 'http://x', jira }).name).toBe('jira');
  });

  it('names a missing or wrong setting without echoing secrets', () => {
    expect(() => loadConfig(env({ PROCTOR_JIRA_URL: 'https://jira.example.com', PROCTOR_JIRA_USER: 'bot' }))).toThrow(
      'PROCTOR_JIRA_URL is set: also set PROCTOR_JIRA_USER and PROCTOR_JIRA_TOKEN (Basic) or PROCTOR_JIRA_PAT (personal access token).',
    );
    expect(() => loadConfig(env({ ...base, PROCTOR_JIRA_DEPLOYMENT: 'datacenter' }))).toThrow("PROCTOR_JIRA_DEPLOYMENT must be 'server' (Server/Data Center) or 'cloud'.");
  });
});
