/**
 * Child process for the multi-process store tests (run with tsx). Opens its own DefinitionStore (own in-memory
 * database) on a local bare repository or on an upstream URL, prints "ready", waits for a line on stdin, then creates
 * the given tests concurrently and prints one JSON line with the results.
 *
 * argv[2] = JSON {gitdir, remoteUrl?, testNames: string[], template: TestDefinition}
 */
import readline from 'node:readline';
import { createTestDatabase } from './db';
import { openDefinitionStore } from '@/lib/store';
import { BRANCHES, COMMITTER, SEED_DIR } from './temp-repo';
import { key, name, rev } from '@/test/support/typed-values';

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2]);
  const db = await createTestDatabase();
  const store = await openDefinitionStore({
    gitdir: args.gitdir,
    prisma: db.prisma,
    branches: BRANCHES,
    testDefinitionsDirectory: 'test-definitions',
    committer: COMMITTER,
    seedDir: SEED_DIR,
    remote: args.remoteUrl ? { url: args.remoteUrl } : undefined,
    fetchIntervalSeconds: 0,
    gcIntervalHours: 0,
    maxWriteAttempts: 100,
  });
  process.stdout.write('ready\n');
  const rl = readline.createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => rl.once('line', () => resolve()));
  rl.close();
  const results = await Promise.allSettled(
    (args.testNames as string[]).map((testName) =>
      store.createTest({
        testName: name(testName),
        definition: { ...args.template, description: `Created by process ${process.pid}` },
        author: { name: `Process ${process.pid}`, email: `p${process.pid}@example.com` },
        issueKey: key('PROTEST-77'),
        comment: `create ${testName}`,
      }),
    ),
  );
  const out = results.map((r, i) => (r.status === 'fulfilled' ? { testName: args.testNames[i], revision: r.value.revision } : { testName: args.testNames[i], error: String((r.reason as Error).message) }));
  process.stdout.write(`${JSON.stringify(out)}\n`);
  await store.close();
  await db.close();
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
