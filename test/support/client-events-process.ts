/**
 * A real application process that logs events with lib/client: started by the client-events tests with
 * `node --import tsx test/support/client-events-process.ts '<json ProctorClientOptions>'`. Commands on stdin, one per
 * line: `activate {"test","identifiers","context"}`, `track {"goal","identifiers","options"}`, `persisted` (answers
 * once every event so far is in the queue file), `flush`, `stats`, `exit`. Answers one JSON line each on stdout.
 */
import readline from 'node:readline';
import { ProctorClient, type ProctorClientOptions } from '@/lib/client';

const print = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ ...line, at: Date.now() })}\n`);

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as ProctorClientOptions;
  const client = new ProctorClient({ ...options, onError: (error) => print({ event: 'error', message: error.message }) });
  await client.start();
  print({ event: 'ready', revision: client.revision });
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    const space = line.indexOf(' ');
    const command = space < 0 ? line : line.slice(0, space);
    const args = space < 0 ? {} : JSON.parse(line.slice(space + 1));
    void (async () => {
      if (command === 'activate') print({ event: 'activated', test: args.test, value: client.activate(args.test, args.identifiers ?? {}, args.context ?? {}) });
      else if (command === 'track') {
        client.track(args.goal, args.identifiers ?? {}, args.options ?? {});
        print({ event: 'tracked' });
      } else if (command === 'persisted') {
        await client.eventsPersisted();
        print({ event: 'persisted', stats: client.eventStats() });
      } else if (command === 'flush') print({ event: 'flushed', ok: await client.flush(), stats: client.eventStats() });
      else if (command === 'stats') print({ event: 'stats', stats: client.eventStats() });
      else if (command === 'exit') {
        await client.close();
        process.exit(0);
      }
    })().catch((error) => print({ event: 'fatal', message: (error as Error).message }));
  });
}

main().catch((error) => {
  print({ event: 'fatal', message: (error as Error).message });
  process.exit(1);
});
