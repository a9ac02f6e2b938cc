// Browser tests: Debian's Chromium via Playwright against a fresh production build and a throwaway data folder.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { needsBuild } from './build-freshness.mjs';
import { ensureChromium } from './system-deps.mjs';

const chromium = ensureChromium();
const nextBin = path.join('node_modules', 'next', 'dist', 'bin', 'next');
if (needsBuild()) {
  console.log('[test:e2e] next build');
  const build = spawnSync(process.execPath, [nextBin, 'build'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
} else {
  console.log('[test:e2e] the production build is up to date with the sources');
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'proctor-e2e-'));
// The second server (project chromium-jira, JIRA as the tracker) gets its own data folder.
const jiraDataDir = mkdtempSync(path.join(os.tmpdir(), 'proctor-e2e-jira-'));
const env = { ...process.env, CHROMIUM_PATH: chromium, E2E_DATA_DIR: dataDir, E2E_JIRA_DATA_DIR: jiraDataDir };
const result = spawnSync(process.execPath, ['node_modules/@playwright/test/cli.js', 'test', ...process.argv.slice(2)], { stdio: 'inherit', env });
// A failure in CI leaves only this output: print what the page showed (Playwright's aria snapshot of it).
if (result.status !== 0 && existsSync('test-results')) {
  for (const entry of readdirSync('test-results', { recursive: true })) {
    if (!String(entry).endsWith('error-context.md')) continue;
    const lines = readFileSync(path.join('test-results', String(entry)), 'utf8').split('\n');
    console.log(`\n[test:e2e] ${entry} (${lines.length} lines)\n${lines.slice(0, 150).join('\n')}`);
  }
}
rmSync(dataDir, { recursive: true, force: true });
rmSync(jiraDataDir, { recursive: true, force: true });
process.exit(result.status ?? 1);
