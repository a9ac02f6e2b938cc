import { chromium } from '@playwright/test';
const base = 'http://127.0.0.1:37220';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, baseURL: base });
const page = await ctx.newPage();
await page.request.post('/api/v1/session', { data: { username: 'erin', password: 'demo' }, headers: { origin: base } });
await page.goto(process.argv[2]); await page.waitForLoadState('networkidle');
console.log(await page.evaluate(() => {
  const g = document.querySelector('.lg\\:grid-cols-\\[1fr_20rem\\]'); g.style.gridTemplateColumns = 'minmax(0,1fr)';
  const w = document.documentElement.clientWidth;
  const over = [...document.querySelectorAll('body *')].filter((e) => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible' && e.clientWidth > 0).map((e) => `${e.tagName}.${String(e.className).slice(0, 60)} sw=${e.scrollWidth} cw=${e.clientWidth}`);
  return `scroll=${document.documentElement.scrollWidth}\n` + over.join('\n');
}));
await page.screenshot({ path: '/tmp/ex4.png', fullPage: true });
await browser.close();
