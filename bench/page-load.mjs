// `node --experimental-websocket bench/page-load.mjs --base http://127.0.0.1:3000 [--path /tests/checkout_button_color] [--concurrency 50]
//   [--seconds 20] [--user rex] [--rests 10,30,60] [--inspect 9229 [--gc no]]`
// Load on one page or API route of a running production server, then rest, with the server's memory over time: signs
// in (cookie), fires `concurrency` requests at a time for `seconds`, prints req/s and latency percentiles, and the
// server's RSS (and its embedded database process's) before, at the peak, at the end of the load and after 10, 30 and
// 60 s of rest. With `--inspect <port>` (a server started with `node --inspect=<port>`, local investigation only) it
// also reads the server's V8 heap (heapUsed, external, arrayBuffers) through the inspector at each point, and after the
// last rest forces a full GC there: heap that stays after it is live (a leak or a cache); RSS above heap + external is
// memory the allocator keeps. Prints one JSON object.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .join(' ')
    .split(/\s*--/)
    .filter(Boolean)
    .map((pair) => pair.split(/\s+/)),
);
const base = args.base ?? 'http://127.0.0.1:3000';
const target = args.path ?? '/tests/checkout_button_color';
const concurrency = Number(args.concurrency ?? 50);
const seconds = Number(args.seconds ?? 20);
const user = args.user ?? 'rex';
const inspectPort = args.inspect ? Number(args.inspect) : null;
const rests = (args.rests ?? '10,30,60').split(',').map(Number);
/** `--gc no`: leave the heap as it is after the last rest (watch how it settles by itself). */
const forceGc = args.gc !== 'no';

/** The process listening on the server's port, and its children (the embedded database runs in one). */
function serverPids() {
  const port = new URL(base).port || '80';
  const listing = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
  const pid = Number(/pid=(\d+)/.exec(listing)?.[1]);
  if (!pid) throw new Error(`no process listens on port ${port}`);
  const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n').map(Number).filter(Boolean);
  return { pid, children };
}

const rssMb = (pid) => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
  } catch {
    return null;
  }
};
const round = (n) => (n === null ? null : Math.round(n * 10) / 10);

/** A minimal Chrome DevTools Protocol client over the inspector's WebSocket. */
async function inspector(port) {
  const [{ webSocketDebuggerUrl }] = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  if (!globalThis.WebSocket) throw new Error('--inspect needs a WebSocket: run with node --experimental-websocket (Node 20)');
  const socket = new WebSocket(webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  let id = 0;
  const waiting = new Map();
  socket.onmessage = (event) => {
    const message = JSON.parse(typeof event.data === 'string' ? event.data : event.data.toString());
    if (message.id && waiting.has(message.id)) {
      waiting.get(message.id)(message);
      waiting.delete(message.id);
    }
  };
  const send = (method, params = {}) =>
    new Promise((resolve) => {
      waiting.set(++id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  return {
    async memory() {
      const answer = await send('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true });
      const usage = JSON.parse(answer.result.result.value);
      return { heapUsed: round(usage.heapUsed / 2 ** 20), heapTotal: round(usage.heapTotal / 2 ** 20), external: round(usage.external / 2 ** 20), arrayBuffers: round(usage.arrayBuffers / 2 ** 20) };
    },
    collectGarbage: () => send('HeapProfiler.collectGarbage'),
    close: () => socket.close(),
  };
}

const { pid, children } = serverPids();
const v8 = inspectPort ? await inspector(inspectPort) : null;
async function sample(label) {
  return { at: label, rssMb: round(rssMb(pid)), databaseRssMb: children.map((child) => round(rssMb(child))), ...(v8 ? await v8.memory() : {}) };
}

const signIn = await fetch(new URL('/api/v1/session', base), {
  method: 'POST',
  headers: { 'content-type': 'application/json', origin: new URL(base).origin },
  body: JSON.stringify({ username: user, password: 'demo' }),
});
if (!signIn.ok) throw new Error(`sign-in: ${signIn.status} ${await signIn.text()}`);
const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');

const samples = [await sample('before')];
const latencies = [];
const statuses = {};
let peak = samples[0].rssMb;
const sampler = setInterval(() => {
  peak = Math.max(peak, rssMb(pid) ?? 0);
}, 250);
const started = performance.now();
const deadline = started + seconds * 1000;
async function worker() {
  while (performance.now() < deadline) {
    const t0 = performance.now();
    const response = await fetch(new URL(target, base), { headers: { cookie } });
    await response.arrayBuffer();
    latencies.push(performance.now() - t0);
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
const elapsed = (performance.now() - started) / 1000;
clearInterval(sampler);
samples.push({ ...(await sample('end of load')), peakRssMb: round(peak) });
let rested = 0;
for (const rest of rests) {
  await new Promise((resolve) => setTimeout(resolve, (rest - rested) * 1000));
  rested = rest;
  samples.push(await sample(`rest ${rest}s`));
}
if (v8 && forceGc) {
  await v8.collectGarbage();
  samples.push(await sample('after full GC'));
}
v8?.close();

latencies.sort((a, b) => a - b);
const pct = (p) => round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]);
console.log(
  JSON.stringify(
    { target, concurrency, seconds: round(elapsed), requests: latencies.length, statuses, reqPerSecond: round(latencies.length / elapsed), p50Ms: pct(50), p95Ms: pct(95), maxMs: round(latencies.at(-1)), samples },
    null,
    1,
  ),
);
