import { expect, test } from '@playwright/test';

// Issue #14 finding 4: after signing in through the form, the browser follows `next` — and must stay on our origin.
for (const next of ['/%5Cevil.example', '/%09/evil.example', '/.//evil.example', '/%2F%2Fevil.example']) {
  test(`signing in with next=${next} stays on our origin`, async ({ page, baseURL }) => {
    const ours = new URL(baseURL!).origin;
    const elsewhere: string[] = [];
    page.on('request', (request) => {
      if (request.isNavigationRequest() && new URL(request.url()).origin !== ours) elsewhere.push(request.url());
    });
    await page.goto(`/login?next=${next}`);
    await page.getByLabel('Username').fill('quinn');
    await page.getByLabel('Password').fill('demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname !== '/login');
    await page.waitForLoadState('load');
    expect(elsewhere).toEqual([]);
    expect(new URL(page.url()).origin).toBe(ours);
  });
}
