/**
 * The Node client: the core with Node's platform — host name and pid in the instance id, `file:` matrices, and the
 * event queue in an append-only file when `events.directory` is given (event-store-file.ts).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { FileEventStore } from './event-store-file';
import { ProctorClientCore, type ClientPlatform, type ProctorClientOptions } from './proctor-client';

export const NODE_PLATFORM: ClientPlatform = {
  instanceId: () => `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
  async readMatrixFile(file, lastMtimeMs) {
    const stat = await fs.promises.stat(file);
    if (stat.mtimeMs === lastMtimeMs) return null;
    return { text: await fs.promises.readFile(file, 'utf8'), mtimeMs: stat.mtimeMs };
  },
  eventStore: (options) => (options.directory ? new FileEventStore(options.directory) : null),
};

export class ProctorClient extends ProctorClientCore {
  constructor(options: ProctorClientOptions) {
    super(options, NODE_PLATFORM);
  }

  /** Creates the client and waits for the first load attempt (it never throws for an unreachable server). */
  static async create(options: ProctorClientOptions): Promise<ProctorClient> {
    const client = new ProctorClient(options);
    await client.start();
    return client;
  }
}

export function createProctorClient(options: ProctorClientOptions): Promise<ProctorClient> {
  return ProctorClient.create(options);
}
