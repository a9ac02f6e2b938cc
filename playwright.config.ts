import { defineConfig } from '@playwright/test';

// The browser tests run against a production build (`next build` happens in scripts/test-e2e.mjs), served by
// `next start` on a free port with a throwaway data folder that globalSetup prepares.
const port = Number(process.env.E2E_PORT || 3210);
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
process.env.E2E_BASE_URL = `http://127.0.0.1:${port}`;

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
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    command: `node node_modules/next/dist/bin/next start -p ${port} -H 127.0.0.1`,
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
});
