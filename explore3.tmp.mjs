import { chromium } from '@playwright/test';
const base = 'http://127.0.0.1:37220';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, baseURL: base });
const page = await ctx.newPage();
await page.request.post('/api/v1/session', { data: { username: 'erin', password: 'demo' }, headers: { origin: base } });
await page.goto(process.argv[2]); await page.waitForLoadState('networkidle');
console.log(await page.evaluate(() => {
  const w = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')].filter((e) => { const b = e.getBoundingClientRect(); return b.right > w - 16; }).map((e) => { const s = getComputedStyle(e); return `${e.tagName}.${String(e.className).slice(0, 60)} pos=${s.position} w=${Math.round(e.getBoundingClientRect().width)} r=${Math.round(e.getBoundingClientRect().right)}`; }).join('\n');
}));
await browser.close();
