import { defineConfig } from '@playwright/test';

// The browser tests run against a production build (`next build` happens in scripts/test-e2e.mjs), served by
// `next start` on a free port with a throwaway data folder that globalSetup prepares.
// The workflow spec runs a second time ("chromium-jira") against a second `next start` configured for JIRA, pointing
// at the fake JIRA (scripts/fake-jira.mjs) started for the run; its ports default to E2E_PORT + 1 and + 2.
const port = Number(process.env.E2E_PORT || 3210);
const jiraAppPort = Number(process.env.E2E_JIRA_PORT || port + 1);
const fakeJiraPort = Number(process.env.E2E_FAKE_JIRA_PORT || port + 2);
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
process.env.E2E_BASE_URL = `http://127.0.0.1:${port}`;
process.env.E2E_JIRA_BASE_URL = `http://127.0.0.1:${jiraAppPort}`;
process.env.E2E_FAKE_JIRA_URL = `http://127.0.0.1:${fakeJiraPort}`;

const nextStart = (p: number) => `node node_modules/next/dist/bin/next start -p ${p} -H 127.0.0.1`;

export default defineConfig({
  testDir: 'test/e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: chromium,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
    trace: 'off',
  },
  projects: [
    { name: 'chromium', use: { browserName: 'chromium' } },
    // test/e2e/support/issues.ts switches the issue operations on this project's name.
    { name: 'chromium-jira', testMatch: /(promote|results)\.spec\.ts$/, use: { browserName: 'chromium', baseURL: `http://127.0.0.1:${jiraAppPort}` } },
  ],
  webServer: [
    {
      command: nextStart(port),
      url: `http://127.0.0.1:${port}/api/health`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'pipe',
      stderr: 'pipe',
      env: {
        PROCTOR_DATA_DIR: process.env.E2E_DATA_DIR || '.data-e2e',
        PROCTOR_DEMO: '1',
        PORT: String(port),
        PROCTOR_PUBLIC_URL: `http://127.0.0.1:${port}`,
      },
    },
    {
      command: `node scripts/fake-jira.mjs --port ${fakeJiraPort}`,
      url: `http://127.0.0.1:${fakeJiraPort}/_fake/issues`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: nextStart(jiraAppPort),
      url: `http://127.0.0.1:${jiraAppPort}/api/health`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'pipe',
      stderr: 'pipe',
      env: {
        PROCTOR_DATA_DIR: process.env.E2E_JIRA_DATA_DIR || '.data-e2e-jira',
        PROCTOR_DEMO: '1',
        PORT: String(jiraAppPort),
        PROCTOR_PUBLIC_URL: `http://127.0.0.1:${jiraAppPort}`,
        // The account scripts/fake-jira.mjs accepts (FAKE_JIRA_DEFAULT_ACCOUNTS).
        PROCTOR_JIRA_URL: `http://127.0.0.1:${fakeJiraPort}`,
        PROCTOR_JIRA_DEPLOYMENT: 'server',
        PROCTOR_JIRA_USER: 'proctor-bot',
        PROCTOR_JIRA_TOKEN: 'jira-demo-token',
        PROCTOR_JIRA_PROJECTS: 'PROTEST',
      },
    },
  ],
});
