// Makes app/favicon.ico from app/icon.svg (browsers ask for /favicon.ico whatever the page links): Chromium draws the
// SVG at 16, 32 and 48 px, and each PNG goes into the .ico as is (ICO holds PNG images since Windows Vista).
// Run by hand after changing the icon: node scripts/make-favicon.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { ensureChromium } from './system-deps.mjs';

const svg = readFileSync('app/icon.svg', 'utf8');
const browser = await chromium.launch({ executablePath: ensureChromium() });
const sizes = [16, 32, 48];
const images = [];
for (const size of sizes) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`);
  images.push(await page.screenshot({ omitBackground: true }));
  await page.close();
}
await browser.close();

const header = Buffer.alloc(6);
header.writeUInt16LE(0, 0);
header.writeUInt16LE(1, 2); // 1 = icon
header.writeUInt16LE(images.length, 4);
let offset = 6 + 16 * images.length;
const entries = images.map((png, i) => {
  const entry = Buffer.alloc(16);
  entry.writeUInt8(sizes[i] % 256, 0);
  entry.writeUInt8(sizes[i] % 256, 1);
  entry.writeUInt16LE(1, 4); // colour planes
  entry.writeUInt16LE(32, 6); // bits per pixel
  entry.writeUInt32LE(png.length, 8);
  entry.writeUInt32LE(offset, 12);
  offset += png.length;
  return entry;
});
writeFileSync('app/favicon.ico', Buffer.concat([header, ...entries, ...images]));
console.log(`app/favicon.ico: ${sizes.join(', ')} px`);
