import { chromium } from '@playwright/test';
const base = 'http://127.0.0.1:37220';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, baseURL: base });
const page = await ctx.newPage();
const r = await page.request.post('/api/v1/session', { data: { username: 'erin', password: 'demo' }, headers: { origin: base } });
console.log('login', r.status());
const nf = await page.goto('/tests/does_not_exist'); console.log('404?', nf.status());
for (const path of ['/tests', '/tests/search_ranking_algo/edit', '/tests/checkout_button_color?tab=diff', '/tests/search_ranking_algo?tab=diff', '/activity', '/tests/new']) {
  await page.goto(path); await page.waitForLoadState('networkidle');
  const info = await page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')].filter((e) => { const b = e.getBoundingClientRect(); return b.right > w + 1 && b.width > 0; }).slice(0, 6).map((e) => `${e.tagName}.${String(e.className).slice(0, 60)} r=${Math.round(e.getBoundingClientRect().right)}`);
    return { sw: document.documentElement.scrollWidth, w, wide };
  });
  console.log(path, JSON.stringify(info));
  await page.screenshot({ path: `/tmp/explore-${path.replace(/[^a-z]/g, '_')}.png`, fullPage: false });
}
await browser.close();
