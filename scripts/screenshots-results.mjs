// Screenshots of the results pages (issue #20): the Results tab of the demo's clear winner (checkout_button_color),
// its history graph, the sample-ratio banner of mobile_apply_flow, and the tests list's health badges, at 1280×800 and
// 390×844, light and dark: docs/screenshots/results-*.png. The demo traffic comes from the real simulator
// (scripts/simulate.ts --demo-once: run once per data folder).
// Called by scripts/screenshots.mjs (SCREENSHOT_SET=results); alone: SCREENSHOT_BASE_URL=… node scripts/screenshots-results.mjs
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const SIZES = [
  { label: '', viewport: { width: 1280, height: 800 } },
  { label: '-390', viewport: { width: 390, height: 844 } },
];

export async function resultsShots({ browser, base, outDir, schemes }) {
  const simulated = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/simulate.ts', '--url', base, '--demo-once', '--days', process.env.SCREENSHOT_SIM_DAYS || '14', '--users', process.env.SCREENSHOT_SIM_USERS || '3000'], { stdio: 'inherit' });
  if (simulated.status !== 0) throw new Error(`the simulator failed (${simulated.status})`);
  for (const scheme of schemes) {
    for (const size of SIZES) {
      const context = await browser.newContext({ viewport: size.viewport, colorScheme: scheme, baseURL: base });
      const login = await context.request.post('/api/v1/session', { data: { username: 'erin', password: 'demo' }, headers: { origin: base } });
      if (!login.ok()) throw new Error(`sign-in: ${login.status()}`);
      const page = await context.newPage();
      const file = (name) => path.join(outDir, `results-${name}${size.label}${scheme === 'dark' ? '-dark' : ''}.png`);
      const open = async (url, ready) => {
        await page.goto(url);
        await page.waitForLoadState('networkidle');
        await ready.waitFor();
      };
      await open('/tests/checkout_button_color?tab=results&env=production', page.locator('table[data-goal]').first());
      await page.screenshot({ path: file('tab'), fullPage: size.label === '-390' });
      const history = page.getByTestId('results-history');
      await history.locator('svg.recharts-surface').first().waitFor();
      await history.scrollIntoViewIfNeeded();
      await page.waitForTimeout(300);
      await history.screenshot({ path: file('history') });
      await open('/tests/mobile_apply_flow?tab=results&env=production', page.locator('table[data-goal]').first());
      await page.screenshot({ path: file('srm') });
      await open('/tests', page.locator('[data-health]').first());
      await page.screenshot({ path: file('tests') });
      console.log(`results-*${size.label}${scheme === 'dark' ? '-dark' : ''}.png`);
      await context.close();
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { chromium } = await import('@playwright/test');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    await resultsShots({ browser, base: process.env.SCREENSHOT_BASE_URL, outDir: process.env.SCREENSHOT_DIR || 'docs/screenshots', schemes: ['light', 'dark'] });
  } finally {
    await browser.close();
  }
}
