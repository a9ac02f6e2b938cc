import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createDatabase } from '../lib/db/client';
import { openDefinitionStore } from '../lib/store';
const work = 'bench/.work';
const dir = `${work}/repo-v1-t5000-c50000-s1.git`;
const dbDir = `/tmp/prof-db-${process.pid}`;
const cacheDir = `/tmp/prof-cache-${process.pid}`;
async function main() {
  cpSync(`${work}/repo-v1-t5000-c50000-s1.index.pglite`, dbDir, { recursive: true });
  const db = await createDatabase({ dataDir: dbDir });
  const store = await openDefinitionStore({ gitdir: dir, listingCacheDir: cacheDir, prisma: db.prisma, branches: { trunk: 'trunk', qa: 'qa', production: 'production' }, testDefinitionsDirectory: 'test-definitions', committer: { name: 'x', email: 'x@x' }, fetchIntervalSeconds: 0, gcIntervalHours: 0 } as never, { seed: false, waitForIndex: true });
  const session = new Session(); session.connect(); await session.post('Profiler.enable'); await session.post('Profiler.setSamplingInterval', { interval: 100 }); await session.post('Profiler.start');
  const t0 = performance.now();
  await store.listDefinitions('trunk');
  console.log('first-ever list', (performance.now() - t0).toFixed(0));
  const { profile } = await session.post('Profiler.stop'); writeFileSync('/tmp/first.cpuprofile', JSON.stringify(profile));
  await store.settled();
  await store.close();
  await db.close();
  rmSync(dbDir, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
}
void main();
