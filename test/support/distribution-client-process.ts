/**
 * A real application process using lib/client: started by the distribution tests (and bench) with
 * `node --import tsx test/support/distribution-client-process.ts '<json options>'`. It prints one JSON line per
 * event on stdout: {"event":"ready"|"update"|"error"|"groups", …}. A line "groups <json identifiers>" on stdin prints
 * the assignment for those identifiers with the matrix in use.
 */
import readline from 'node:readline';
import { ProctorClient, type ProctorClientOptions } from '@/lib/client';

const print = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ ...line, at: Date.now() })}\n`);

async function main(): Promise<void> {
const options = JSON.parse(process.argv[2] ?? '{}') as ProctorClientOptions;

const client = new ProctorClient({ ...options, onError: (error) => print({ event: 'error', message: error.message }) });
client.onUpdate((update) => print({ event: 'update', revision: update.revision, previousRevision: update.previousRevision, fallbackTests: update.fallbackTests }));
await client.start();
print({ event: 'ready', revision: client.revision, instance: client.instance });

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, ...rest] = line.split(' ');
  if (command === 'groups') {
    const { identifiers, context, forceGroups } = JSON.parse(rest.join(' ') || '{}');
    const groups = client.getGroups(identifiers ?? {}, context ?? {}, { forceGroups });
    const values = Object.fromEntries(Object.keys(options.specification.tests ?? {}).map((test) => [test, groups.value(test)]));
    print({ event: 'groups', revision: groups.revision, values, forced: groups.forced, status: { ...client.status(), verification: undefined } });
  } else if (command === 'exit') {
    client.close();
    process.exit(0);
  }
});
process.on('SIGTERM', () => {
  client.close();
  process.exit(0);
});
}

main().catch((error) => {
  print({ event: 'fatal', message: (error as Error).message });
  process.exit(1);
});
