// Browser tests: Debian's Chromium via Playwright against a fresh production build and a throwaway data folder.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureChromium } from './system-deps.mjs';

const chromium = ensureChromium();
const nextBin = path.join('node_modules', 'next', 'dist', 'bin', 'next');
console.log('[test:e2e] next build');
const build = spawnSync(process.execPath, [nextBin, 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'proctor-e2e-'));
const env = { ...process.env, CHROMIUM_PATH: chromium, E2E_DATA_DIR: dataDir };
const result = spawnSync(process.execPath, ['node_modules/@playwright/test/cli.js', 'test', ...process.argv.slice(2)], { stdio: 'inherit', env });
rmSync(dataDir, { recursive: true, force: true });
process.exit(result.status ?? 1);
