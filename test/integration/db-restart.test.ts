/**
 * Issue #14 finding 6 against the production build: the embedded database process is `kill -9`ed in the middle of a
 * burst of saves. Checked: the server restarts it by itself (a new pid in the data-folder lock); saves during the gap
 * are answered 503 DATABASE_UNAVAILABLE with Retry-After, never 500; a signed-in user who opens a page meanwhile sees
 * "the database is restarting", not the sign-in page; every acknowledged (2xx) save is in git (native `git log`), and
 * after recovery in the history index, in the audit log and readable through the API; no refused save left a commit behind; the
 * repository passes `git fsck --strict`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, REPO_ROOT, git, startAppServer, type ApiResponse, type AppServer } from '@/test/support/app-server';

const WORKERS = 4;
/** Acknowledged saves wanted before the kill, and again after the restart. */
const ACKS_BEFORE_KILL = 4;
const ACKS_AFTER_RESTART = 4;

const SEED = JSON.parse(readFileSync(path.join(REPO_ROOT, 'proctor-data/test-definitions/checkout_button_color/definition.json'), 'utf8'));
const testName = (worker: number) => `db_restart_${"abcdefgh"[worker]}`;
const definition = (worker: number, description: string) => ({ ...structuredClone(SEED), salt: `&${testName(worker)}`, description });

let app: AppServer;
let erin: ApiClient;
let issueKey: string;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The lock names the server first, then the database process serving the folder (lib/db/data-dir-lock.ts). */
function lockedPids(): { server: number; database: number[] } {
  const [server, ...database] = readFileSync(path.join(app.dataDir, 'db.lock'), 'utf8').split('\n').filter(Boolean).map(Number);
  return { server, database };
}

/** Polls until `probe` gives a value; the test's own timeout ends a wait that never succeeds. */
async function until<T>(_what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(100);
  }
}

interface Attempt {
  worker: number;
  marker: string;
  status: number;
  code?: string;
  retryAfter: string | null;
  requestId: string | null;
  revision?: string;
}

beforeAll(async () => {
  app = await startAppServer();
  erin = await new ApiClient(app.baseUrl).login('erin');
  issueKey = (await erin.post('/api/v1/issues', { summary: 'Database restart', type: 'ProTest' })).json.key;
}, 900_000);
afterAll(async () => {
  await app?.stop();
});

describe('kill -9 of the embedded database process during a burst of saves', () => {
  it('loses no acknowledged save, answers 503 during the gap, and recovers by itself', async () => {
    const bases = new Map<number, string>();
    for (let worker = 0; worker < WORKERS; worker++) {
      const created = await erin.post('/api/v1/tests', { name: testName(worker), definition: definition(worker, 'created'), issueKey });
      expect(created.status, created.text).toBe(201);
      bases.set(worker, created.json.revision);
    }
    const before = lockedPids();
    expect(before.server).not.toBe(process.pid);
    // The process that created the folder (gone) may be listed first; the one serving it is the last.
    const killedPid = before.database.at(-1)!;
    expect(isAlive(killedPid)).toBe(true);

    const attempts: Attempt[] = [];
    let stop = false;
    let killed = false;
    let restartedPid: number | undefined;
    let acksAfterRestart = 0;
    const worker = async (index: number) => {
      for (let n = 0; !stop; n++) {
        const marker = `w${index}-save-${n}`;
        const response: ApiResponse = await erin.put(`/api/v1/tests/${testName(index)}`, {
          definition: definition(index, marker),
          baseRevision: bases.get(index),
          issueKey,
          comment: marker,
        });
        attempts.push({ worker: index, marker, status: response.status, code: response.json?.code, retryAfter: response.headers.get('retry-after'), requestId: response.headers.get('x-request-id'), revision: response.json?.revision });
        if (response.status === 200) {
          bases.set(index, response.json.revision);
          if (restartedPid !== undefined) acksAfterRestart++;
        } else {
          await sleep(50);
        }
      }
    };
    const burst = Promise.all(Array.from({ length: WORKERS }, (_, index) => worker(index)));
    try {
      await until('saves before the kill', () => (attempts.filter((a) => a.status === 200).length >= ACKS_BEFORE_KILL ? true : undefined));
      process.kill(killedPid, 'SIGKILL');
      killed = true;
      await until('the database process to die', () => (isAlive(killedPid) ? undefined : true));

      // A signed-in user opening a page now: told the database is restarting, still signed in (no /login redirect).
      const page = await erin.get('/tests');
      expect(page.status).toBe(200);
      expect(page.headers.get('location')).toBeNull();
      expect(page.text).toContain('The database is restarting');
      expect(page.text).not.toContain('Sign in');

      restartedPid = await until('the restarted database process in the lock', () => {
        const pids = lockedPids().database;
        const serving = pids.at(-1);
        return serving !== undefined && !pids.includes(killedPid) && isAlive(serving) ? serving : undefined;
      });
      await until('saves after the restart', () => (acksAfterRestart >= ACKS_AFTER_RESTART ? true : undefined));
    } finally {
      stop = true;
      await burst;
    }
    expect(killed).toBe(true);
    expect(lockedPids().server).toBe(before.server);
    expect(app.stderr.join('\n')).toMatch(new RegExp(`embedded database process \\(pid ${killedPid}\\) died \\(signal SIGKILL\\); restarting it`));

    // Every answer was a success or "the database is restarting": never a 500.
    const acknowledged = attempts.filter((a) => a.status === 200);
    const refused = attempts.filter((a) => a.status !== 200);
    for (const attempt of refused) expect({ ...attempt, revision: undefined }).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE', retryAfter: '3' });
    expect(refused.length).toBeGreaterThan(0);
    console.info(`db-restart: ${attempts.length} saves, ${acknowledged.length} acknowledged, ${refused.length} answered 503; database pid ${killedPid} → ${restartedPid}`);
    expect(acknowledged.length).toBeGreaterThanOrEqual(ACKS_BEFORE_KILL + ACKS_AFTER_RESTART);

    // Native git: every acknowledged save is on trunk with its marker; no refused save left a commit.
    const trunkLog = git(app.repoDir, 'log', '--format=%H %s', 'trunk');
    for (const attempt of acknowledged) expect(trunkLog).toContain(`${attempt.revision} ${issueKey}: ${attempt.marker}\n`);
    for (const attempt of refused) expect(trunkLog).not.toContain(`: ${attempt.marker}\n`);
    expect(git(app.repoDir, 'rev-list', '--all', '--grep', 'save-', '--count').trim()).toBe(String(acknowledged.length));
    git(app.repoDir, 'fsck', '--strict');

    // After recovery: each save in the history index, and each revision readable through the API.
    for (let index = 0; index < WORKERS; index++) {
      const history = await erin.get(`/api/v1/tests/${testName(index)}/history?env=trunk&limit=500`);
      expect(history.status, history.text).toBe(200);
      const indexed = (history.json.entries as Array<{ revision: string }>).map((entry) => entry.revision);
      const mine = acknowledged.filter((a) => a.worker === index);
      expect(indexed).toHaveLength(mine.length + 1); // and the creation
      expect(indexed).toEqual(expect.arrayContaining(mine.map((a) => a.revision)));
      for (const attempt of mine) {
        const read = await erin.get(`/api/v1/tests/${testName(index)}?revision=${attempt.revision}`);
        expect(read.status, read.text).toBe(200);
        expect(read.json.definition.description).toBe(attempt.marker);
      }
    }
    // The audit entry of every acknowledged save, including those written while the database was gone (kept and
    // written once it answered again).
    const avery = await new ApiClient(app.baseUrl).login('avery');
    const audited = await until('every acknowledged save in the audit log', async () => {
      const entries = (await avery.get('/api/v1/audit?limit=500')).json?.entries as Array<{ requestId: string; action: string; outcome: string }> | undefined;
      const saves = new Map((entries ?? []).filter((e) => e.action === 'test.update').map((e) => [e.requestId, e.outcome]));
      return acknowledged.every((a) => saves.has(a.requestId!)) ? saves : undefined;
    });
    for (const attempt of acknowledged) expect(audited.get(attempt.requestId!)).toBe('success');
    const health = await new ApiClient(app.baseUrl).get('/api/health');
    expect(health.status, health.text).toBe(200);
  }, 900_000);
});
