/**
 * The issue operations the workflow spec needs, for either tracker: project "chromium" runs against the built-in
 * tracker (issues live in the app, created through its API), project "chromium-jira" against a server configured for
 * the fake JIRA that playwright.config.ts starts (issues live in JIRA, created through JIRA's REST API: Proctor Studio
 * cannot create JIRA issues).
 */
import { test, type APIRequestContext } from '@playwright/test';

export type TrackerMode = 'builtin' | 'jira';

/** The account scripts/fake-jira.mjs accepts (FAKE_JIRA_DEFAULT_ACCOUNTS), as a person in JIRA would use it. */
const FAKE_JIRA_AUTH = `Basic ${Buffer.from('proctor-bot:jira-demo-token').toString('base64')}`;
const FAKE_JIRA_PROJECT = 'PROTEST';

export function trackerMode(): TrackerMode {
  return test.info().project.name.endsWith('-jira') ? 'jira' : 'builtin';
}

function fakeJiraUrl(): string {
  const url = process.env.E2E_FAKE_JIRA_URL;
  if (!url) throw new Error('E2E_FAKE_JIRA_URL is not set (playwright.config.ts sets it)');
  return url;
}

/** A fresh ProTest issue in the project's tracker; `token` is an editor's API token for the app. */
export async function createIssue(request: APIRequestContext, token: string, summary: string): Promise<string> {
  if (trackerMode() === 'builtin') {
    const created = await request.post('/api/v1/issues', { headers: { authorization: `Bearer ${token}` }, data: { type: 'ProTest', summary } });
    if (!created.ok()) throw new Error(`issue: ${created.status()} ${await created.text()}`);
    return (await created.json()).key as string;
  }
  const created = await request.post(`${fakeJiraUrl()}/rest/api/2/issue`, {
    headers: { authorization: FAKE_JIRA_AUTH },
    data: { fields: { project: { key: FAKE_JIRA_PROJECT }, issuetype: { name: 'ProTest' }, summary } },
  });
  if (!created.ok()) throw new Error(`JIRA issue: ${created.status()} ${await created.text()}`);
  return (await created.json()).key as string;
}

/** The issue's status as the tracker itself holds it (not as the app shows it). */
export async function trackerStatus(request: APIRequestContext, token: string, key: string): Promise<string> {
  if (trackerMode() === 'builtin') {
    const found = await request.get(`/api/v1/issues/${encodeURIComponent(key)}`, { headers: { authorization: `Bearer ${token}` } });
    if (!found.ok()) throw new Error(`issue ${key}: ${found.status()} ${await found.text()}`);
    return (await found.json()).status as string;
  }
  const found = await request.get(`${fakeJiraUrl()}/rest/api/2/issue/${encodeURIComponent(key)}?fields=status`, { headers: { authorization: FAKE_JIRA_AUTH } });
  if (!found.ok()) throw new Error(`JIRA issue ${key}: ${found.status()} ${await found.text()}`);
  return (await found.json()).fields.status.name as string;
}

export interface FakeJiraIssueState {
  key: string;
  status: string;
  comments: { author: string; body: string }[];
  remoteLinks: { object: { url: string; title: string } }[];
  history: { from: string; to: string; transition: string; by: string }[];
}

/** JIRA mode only: what the fake JIRA recorded for the issue (comments, remote links, status history). */
export async function fakeJiraIssue(request: APIRequestContext, key: string): Promise<FakeJiraIssueState> {
  const listed = await request.get(`${fakeJiraUrl()}/_fake/issues`);
  if (!listed.ok()) throw new Error(`fake JIRA state: ${listed.status()}`);
  const issue = ((await listed.json()) as FakeJiraIssueState[]).find((candidate) => candidate.key === key);
  if (!issue) throw new Error(`fake JIRA has no issue ${key}`);
  return issue;
}
