// The embedded database's own process: PGlite (PostgreSQL compiled to WASM) on a data folder, served in PostgreSQL's
// wire protocol on a private Unix socket. Why a process of its own: PGlite holds ~200 MB of WASM memory from the start
// (more as it works, never returned) and runs every query synchronously, so in the web server's process it would
// take that memory and block the event loop for the length of each query. lib/db/client.ts starts this script, holds
// the data-folder lock, connects with node-postgres and migrates as for a PostgreSQL server; this process exits when
// its parent goes away (stdin closes) or asks it to (SIGTERM).
//
// Usage: node lib/db/pglite-server.mjs '{"dataDir":"…","socketPath":"…/.s.PGSQL.5432"}'  → prints "ready" when listening.
//        node lib/db/pglite-server.mjs '{"dataDir":"…","initOnly":true}'                → creates the database and exits.
// Creating a database (initdb) takes PGlite's WASM memory to ~750 MB, which a process never gets back; so a new folder
// is created by a short-lived process of its own first, and the serving process opens an existing database (~200 MB).
import { fsyncSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;

const { dataDir, socketPath, initOnly } = JSON.parse(process.argv[2] ?? '{}');
if (!dataDir || (!socketPath && !initOnly)) {
  console.error('usage: node lib/db/pglite-server.mjs \'{"dataDir":"…","socketPath":"…"}\' (or \'{"dataDir":"…","initOnly":true}\')');
  process.exit(2);
}

// Durability: PGlite starts PostgreSQL with fsync off (`-F`), and its Emscripten file system has no fsync, so a commit
// reached the kernel's page cache (it survives kill -9 of this process or of the web server) but not the disk (a power
// loss or kernel crash could take transactions already acknowledged). So: fsync on, the WAL flushed with fsync()
// (Emscripten's fdatasync() does nothing), and the file system's fsync made a real one. Then COMMIT answers only when
// the WAL is on disk, as on PostgreSQL. Measured here: ~5 ms per commit; one ingest batch of events is one commit.
const startParams = initOnly ? undefined : [...PGlite.defaultStartParams.filter((param) => param !== '-F'), '-c', 'wal_sync_method=fsync'];
const db = await PGlite.create(dataDir, startParams ? { startParams } : {});
if (!initOnly) {
  const nodefs = db.Module.NODEFS?.stream_ops;
  if (!nodefs) throw new Error('PGlite has no NODEFS stream operations: cannot make commits durable');
  nodefs.fsync = (stream) => {
    fsyncSync(stream.nfd);
    return 0;
  };
}
if (initOnly) {
  await db.close();
  process.exit(0);
}
const sockets = new Set();
// PGlite has one session: connections are served one at a time, in the order they came (the client uses one).
let turn = Promise.resolve();

/** Length of the next whole message in `buffer` (0 when more bytes are needed). Startup messages have no type byte. */
function nextLength(buffer, startup) {
  if (startup) return buffer.length >= 4 && buffer.length >= buffer.readInt32BE(0) ? buffer.readInt32BE(0) : 0;
  return buffer.length >= 5 && buffer.length >= 1 + buffer.readInt32BE(1) ? 1 + buffer.readInt32BE(1) : 0;
}

/** Serves one connection until it closes; an open transaction it leaves behind is rolled back. */
function serve(socket) {
  return new Promise((resolve) => {
    let buffer = Buffer.alloc(0);
    let startup = true;
    let work = Promise.resolve();
    let closed = false;

    const run = async (messages) => {
      for (const message of messages) {
        if (closed) return;
        if (startup) {
          const code = message.length >= 8 ? message.readInt32BE(4) : 0;
          if (code === SSL_REQUEST) {
            socket.write('N');
            continue;
          }
          if (code === CANCEL_REQUEST) continue;
          if (code === PROTOCOL_3) startup = false;
        } else if (message[0] === 0x58 /* Terminate */) {
          socket.end();
          return;
        }
        await db.execProtocolRawStream(new Uint8Array(message.buffer, message.byteOffset, message.length), {
          // A view into WASM memory that the next call reuses: copy before it is queued on the socket.
          onRawData: (data) => {
            if (!socket.destroyed) socket.write(Buffer.from(data));
          },
        });
      }
    };

    socket.on('data', (chunk) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      const messages = [];
      // The startup state of the messages split here follows the ones before them (a startup packet comes first).
      let splitting = startup;
      for (let length = nextLength(buffer, splitting); length > 0; length = nextLength(buffer, splitting)) {
        const message = buffer.subarray(0, length);
        if (splitting && length >= 8 && message.readInt32BE(4) === PROTOCOL_3) splitting = false;
        messages.push(message);
        buffer = buffer.subarray(length);
      }
      if (messages.length > 0) {
        work = work.then(() => run(messages)).catch((error) => {
          console.error(`[pglite-server] ${error instanceof Error ? error.message : String(error)}`);
          socket.destroy();
        });
      }
    });
    socket.on('error', () => undefined); // 'close' follows
    socket.on('close', () => {
      closed = true;
      sockets.delete(socket);
      work = work
        .then(async () => {
          if (db.isInTransaction()) await db.exec('ROLLBACK');
        })
        .catch(() => undefined)
        .finally(resolve);
    });
    socket.resume();
  });
}

const server = net.createServer((socket) => {
  // Held back until its turn: bytes wait in the kernel meanwhile.
  socket.pause();
  sockets.add(socket);
  turn = turn.then(() => serve(socket));
});

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  server.close();
  for (const socket of sockets) socket.destroy();
  // Queries already running finish (and roll back) before PGlite writes its files and closes.
  await Promise.race([turn, new Promise((resolve) => setTimeout(resolve, 5000))]);
  await db.close().catch(() => undefined);
  // The private folder the parent made for the socket: nobody else removes it when the parent was killed.
  rmSync(path.dirname(socketPath), { recursive: true, force: true });
  process.exit(0);
}

process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, stop);

// A socket file left by a predecessor that was killed (kill -9 skips stop()): the parent restarts this process on the
// same path so its connection pool finds the new one, and it holds the data-folder lock, so nobody else is listening.
rmSync(socketPath, { force: true });
server.listen(socketPath, () => process.stdout.write('ready\n'));
