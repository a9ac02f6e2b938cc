// `node bench/listing-floor.mjs <gitdir> <branch> <dir>`: the least a node process can do to list every definition of a
// branch from git, timed from its first line: start one `git cat-file --batch`, read the commit, the root tree and the
// definitions tree, ask for every `<test tree>:definition.json` in one write, and keep each test's text and
// JSON.parse'd value. No model checks, no revisions, no database. The store bench runs it in fresh processes beside the
// store's own first-ever listing, so the figure's machine floor is measured in the same run. Prints one JSON line.
import { spawn } from 'node:child_process';

const started = performance.now();
const [gitdir, branch, dir] = process.argv.slice(2);
const git = spawn('git', ['--git-dir', gitdir, 'cat-file', '--batch'], { stdio: ['pipe', 'pipe', 'inherit'] });

/** Answer handlers in request order: (oid, buffer, start, end). */
const waiting = [];
let next = 0;
let pending = Buffer.alloc(0);
git.stdout.on('data', (chunk) => {
  let buffer = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
  let offset = 0;
  for (;;) {
    const newline = buffer.indexOf(10, offset);
    if (newline < 0) break;
    const header = buffer.toString('latin1', offset, newline);
    if (header.endsWith(' missing')) throw new Error(`git cat-file: ${header}`);
    const size = Number(header.slice(header.lastIndexOf(' ') + 1));
    if (buffer.length < newline + 2 + size) break;
    waiting[next++](header.slice(0, 40), buffer, newline + 1, newline + 1 + size);
    offset = newline + 2 + size;
  }
  pending = buffer.subarray(offset);
});

function ask(names, each) {
  for (let i = 0; i < names.length; i++) waiting.push(each);
  git.stdin.write(`${names.join('\n')}\n`);
}

const readOne = (name) => new Promise((resolve) => ask([name], (_oid, buffer, start, end) => resolve(Buffer.from(buffer.subarray(start, end)))));

/** [name, oid, isTree] of a raw tree object. */
function treeEntries(data) {
  const entries = [];
  for (let i = 0; i < data.length; ) {
    const space = data.indexOf(32, i);
    const nul = data.indexOf(0, space);
    entries.push([data.toString('utf8', space + 1, nul), data.toString('hex', nul + 1, nul + 21), data.toString('latin1', i, space) === '40000']);
    i = nul + 21;
  }
  return entries;
}

const commit = (await readOne(`refs/heads/${branch}`)).toString('latin1');
const definitions = treeEntries(await readOne(commit.slice(5, 45))).find(([name]) => name === dir);
const tests = treeEntries(await readOne(definitions[1])).filter(([, , isTree]) => isTree);
const listed = new Map();
await new Promise((resolve) => {
  let answered = 0;
  ask(
    tests.map(([, oid]) => `${oid}:definition.json`),
    (oid, buffer, start, end) => {
      const text = buffer.toString('utf8', start, end);
      listed.set(tests[answered][0], { treeOid: tests[answered][1], blobOid: oid, text, value: JSON.parse(text) });
      if (++answered === tests.length) resolve();
    },
  );
});
const ms = performance.now() - started;
git.stdin.end();
console.log(JSON.stringify({ ms, listed: listed.size }));
process.exit(0);
