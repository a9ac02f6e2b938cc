import { test, type APIRequestContext, type Page } from '@playwright/test';

export const DEMO_PASSWORD = 'demo';

/** The origin of the server the running test's project talks to (projects may use different servers). */
export function appOrigin(): string {
  let base: string | undefined;
  try {
    base = test.info().project.use.baseURL;
  } catch {
    // Outside a test or hook: the default project's server.
  }
  return new URL(base ?? process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3210').origin;
}

/** Signs the page's browser context in as a demo user through the real API (the cookie lands in the context). */
export async function signIn(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  const baseURL = page.url() === 'about:blank' ? appOrigin() : new URL(page.url()).origin;
  const response = await page.request.post('/api/v1/session', {
    data: { username, password },
    headers: { origin: baseURL },
  });
  if (!response.ok()) throw new Error(`sign-in as ${username} failed: ${response.status()} ${await response.text()}`);
}

/** An API token for scripts-style setup calls in a test (bearer auth skips the Origin check). */
export async function apiToken(request: APIRequestContext, username: string, password = DEMO_PASSWORD): Promise<string> {
  const base = appOrigin();
  const login = await request.post('/api/v1/session', { data: { username, password }, headers: { origin: base } });
  if (!login.ok()) throw new Error(`sign-in as ${username} failed: ${login.status()}`);
  const created = await request.post('/api/v1/tokens', { data: { name: `e2e-${Date.now()}` }, headers: { origin: base } });
  if (!created.ok()) throw new Error(`token for ${username} failed: ${created.status()} ${await created.text()}`);
  return (await created.json()).token as string;
}

/** A test name nobody else in this run uses. */
export function uniqueTestName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`.replace(/[^a-z0-9_]/g, '_') + 'x';
}
