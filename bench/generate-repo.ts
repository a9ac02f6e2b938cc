/**
 * Builds a large, realistic Proctor data repository (bare git, branches trunk/qa/production) for the benchmarks, by
 * streaming commands into `git fast-import`. Trunk is written first with exported marks; promotions to qa/production
 * need the trunk commit SHAs (they become the promoted definitions' `version`), so they are a second fast-import run.
 * Generated repositories are cached under bench/.work/ keyed by their parameters.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import type { Allocation, TestBucket, TestDefinition } from '../lib/proctor/model';
import { serializeDefinition } from '../lib/proctor/serialize-definition';
import { parseDefinition } from '../lib/proctor/parse-definition';

export interface BenchRepoOptions {
  tests: number;
  commits: number;
  seed: number;
}

export interface BenchRepoInfo extends BenchRepoOptions {
  dir: string;
  testNames: string[];
  trunkCommits: number;
  qaCommits: number;
  productionCommits: number;
  /** Time the generation took when the repository was built (from the cache record on reuse). */
  generationMs: number;
  cached: boolean;
}

export const DEFINITIONS_DIR = 'test-definitions';
export const WORK_DIR = path.resolve(__dirname, '.work');
const CACHE_VERSION = 1;
const VERSION_PLACEHOLDER = '@@TRUNK_REVISION@@';
const START_SECONDS = Date.UTC(2021, 0, 4, 9, 0, 0) / 1000;

/** Deterministic PRNG (mulberry32) so a seed always produces the same repository. */
export function createRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const AUTHORS = [
  'Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Edsger Dijkstra', 'Barbara Liskov', 'Donald Knuth', 'Frances Allen',
  'Ken Thompson', 'Margaret Hamilton', 'Dennis Ritchie', 'Radia Perlman', 'John Backus', 'Leslie Lamport', 'Tony Hoare',
  'Shafi Goldwasser', 'Niklaus Wirth', 'Adele Goldberg', 'Butler Lampson', 'Jean Sammet', 'Robin Milner',
].map((name) => ({ name, email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.com` }));

const AREAS = ['search', 'serp', 'jobpage', 'apply', 'resume', 'alerts', 'homepage', 'mobile', 'email', 'company', 'salary', 'ads'];
const FEATURES = ['ranking', 'layout', 'button', 'color', 'copy', 'filter', 'snippet', 'badge', 'banner', 'onboarding', 'cache', 'algo'];
const RULES = [
  null,
  "${country == 'US'}",
  "${lang == 'en'}",
  '${loggedIn}',
  '${userAgent.android}',
  '${userAgent.IOS && userAgent.OS.majorVersion >= 8}',
  "${country == 'GB' || country == 'CA'}",
  '${isEmployer}',
  "${proctor:contains(TARGET_LANGS, lang)}",
];
const COMMENTS = [
  'ramp up', 'ramp down', 'rebalance after analysis', 'target more countries', 'fix rule', 'update description',
  'add tracking constant', 'add bucket for new variant', 'tag for quarterly review', 'roll back allocation', 'expand to mobile',
];

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)];
}

function testName(index: number): string {
  return `${AREAS[index % AREAS.length]}${FEATURES[Math.floor(index / AREAS.length) % FEATURES.length]}_${index}tst`;
}

/** Ranges giving `active` to the test buckets (split evenly) and the rest to inactive; lengths sum to exactly 1. */
function makeRanges(buckets: TestBucket[], active: number): Allocation['ranges'] {
  const testing = buckets.filter((b) => b.value >= 0);
  const each = Math.round((active / Math.max(1, testing.length)) * 10000) / 10000;
  const ranges = testing.map((b) => ({ bucketValue: b.value, length: each }));
  const used = ranges.reduce((s, r) => s + r.length, 0);
  return [{ bucketValue: -1, length: Math.round((1 - used) * 10000) / 10000 }, ...ranges];
}

const ACTIVE_FRACTIONS = [0, 0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1];

function newDefinition(rand: () => number, name: string, issue: number): TestDefinition {
  const buckets: TestBucket[] = [
    { name: 'inactive', value: -1, description: 'inactive' },
    { name: 'control', value: 0, description: 'current behaviour' },
  ];
  const variants = 1 + Math.floor(rand() * 3);
  for (let v = 1; v <= variants; v++) {
    const bucket: TestBucket = { name: `test${v}`, value: v, description: `variant ${v}` };
    if (rand() < 0.3) bucket.payload = { stringValue: `variant-${v}-${Math.floor(rand() * 1000)}` };
    buckets.push(bucket);
  }
  if (buckets.some((b) => b.payload)) for (const b of buckets) b.payload ??= { stringValue: 'default' };
  const allocationCount = 1 + Math.floor(rand() * 3);
  const allocations: Allocation[] = [];
  for (let a = 0; a < allocationCount; a++) {
    const last = a === allocationCount - 1;
    allocations.push({
      rule: last ? null : pick(rand, RULES.slice(1)),
      ranges: makeRanges(buckets, pick(rand, ACTIVE_FRACTIONS)),
      id: `#${String.fromCharCode(65 + a)}1`,
      name: '',
    });
  }
  return {
    version: '-1',
    constants: rand() < 0.3 ? { TARGET_LANGS: ['en', 'de', 'fr'] } : {},
    specialConstants: rand() < 0.2 ? { __COUNTRIES: ['US', 'CA', 'GB'] } : {},
    salt: `&${name}`,
    rule: rand() < 0.4 ? pick(rand, RULES.slice(1)) : null,
    buckets,
    allocations,
    silent: false,
    metaTags: rand() < 0.3 ? [pick(rand, AREAS)] : [],
    testType: pick(rand, ['USER', 'USER', 'USER', 'ACCOUNT', 'EMAIL', 'RANDOM']),
    description: `PROTEST-${issue}: ${name.replace(/_\d+tst$/, '')} experiment`,
    dependsOn: null,
    evaluateForIncognitoUsers: false,
    enableUnitlessAllocations: false,
    forceLogging: false,
    payloadExperimentConfig: null,
  };
}

/** One realistic edit, mostly allocation changes (what release managers do all day). Returns a comment for the log. */
function mutateDefinition(rand: () => number, def: TestDefinition): string {
  const roll = rand();
  if (roll < 0.6) {
    const alloc = pick(rand, def.allocations);
    alloc.ranges = makeRanges(def.buckets, pick(rand, ACTIVE_FRACTIONS));
    alloc.id = alloc.id.replace(/\d+$/, (n) => String(Number(n) + 1));
    return pick(rand, ['ramp up', 'ramp down', 'rebalance after analysis', 'roll back allocation']);
  }
  if (roll < 0.7) {
    def.description = `${def.description?.replace(/ \(rev \d+\)$/, '')} (rev ${Math.floor(rand() * 1000)})`;
    return 'update description';
  }
  if (roll < 0.8) {
    const key = `LIMIT_${Math.floor(rand() * 4)}`;
    if (key in def.constants && rand() < 0.5) delete def.constants[key];
    else def.constants[key] = Math.floor(rand() * 100);
    return 'add tracking constant';
  }
  if (roll < 0.9) {
    const alloc = pick(rand, def.allocations.slice(0, Math.max(1, def.allocations.length - 1)));
    alloc.rule = def.allocations.length > 1 ? pick(rand, RULES.slice(1)) : alloc.rule;
    return 'fix rule';
  }
  if (roll < 0.95 && def.buckets.length < 8) {
    const value = Math.max(...def.buckets.map((b) => b.value)) + 1;
    const bucket: TestBucket = { name: `test${value}`, value, description: `variant ${value}` };
    if (def.buckets.some((b) => b.payload)) bucket.payload = { stringValue: `variant-${value}` };
    def.buckets.push(bucket);
    return 'add bucket for new variant';
  }
  def.metaTags = def.metaTags.includes('review') ? def.metaTags.filter((t) => t !== 'review') : [...def.metaTags, 'review'];
  return pick(rand, COMMENTS);
}

/** Buffers fast-import commands and writes them with backpressure. */
class StreamWriter {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly out: Writable) {}
  async write(text: string): Promise<void> {
    const buf = Buffer.from(text, 'utf8');
    this.chunks.push(buf);
    this.size += buf.length;
    if (this.size >= 1 << 20) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.size === 0) return;
    const data = Buffer.concat(this.chunks);
    this.chunks = [];
    this.size = 0;
    if (!this.out.write(data)) await new Promise<void>((resolve) => this.out.once('drain', resolve));
  }
}

function dataBlock(text: string): string {
  return `data ${Buffer.byteLength(text, 'utf8')}\n${text}\n`;
}

interface CommitSpec {
  ref: string;
  mark?: number;
  from?: string;
  author: { name: string; email: string };
  seconds: number;
  message: string;
  files: { path: string; content: string }[];
}

function commitCommand(c: CommitSpec): string {
  const who = `${c.author.name} <${c.author.email}> ${c.seconds} +0000`;
  let out = `commit ${c.ref}\n`;
  if (c.mark !== undefined) out += `mark :${c.mark}\n`;
  out += `author ${who}\ncommitter ${who}\n${dataBlock(c.message)}`;
  if (c.from) out += `from ${c.from}\n`;
  for (const f of c.files) out += `M 100644 inline ${f.path}\n${dataBlock(f.content)}`;
  return out + '\n';
}

/** Runs `git fast-import` in `dir`, feeding it from `produce`. */
async function fastImport(dir: string, args: string[], produce: (w: StreamWriter) => Promise<void>): Promise<void> {
  const child = spawn('git', ['fast-import', '--quiet', '--done', ...args], { cwd: dir, stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
  const writer = new StreamWriter(child.stdin);
  try {
    await produce(writer);
    await writer.write('done\n');
    await writer.flush();
  } finally {
    child.stdin.end();
  }
  const code = await exited;
  if (code !== 0) throw new Error(`git fast-import failed (${code}): ${stderr}`);
}

function git(dir: string, args: string[], input?: string): string {
  const result = spawnSync('git', args, { cwd: dir, encoding: 'utf8', input, maxBuffer: 1 << 30 });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

function definitionPath(name: string, file = 'definition.json'): string {
  return `${DEFINITIONS_DIR}/${name}/${file}`;
}

function trailers(name: string, kind: string, issue: string, extra: string[] = []): string {
  return [`Proctor-Test: ${name}`, `Proctor-Change: ${kind}`, `Proctor-Issue: ${issue}`, ...extra].join('\n');
}

interface Promotion {
  target: 'qa' | 'production';
  mark: number;
  name: string;
  /** Definition text with the version placeholder, as it was at the trunk commit. */
  text: string;
  issue: string;
  sourceMessage: string;
  seconds: number;
}

/**
 * Generates a bare repository at `dir` (must not exist or be empty): `tests` tests created first, then
 * `commits - tests` updates of random tests on trunk; then promotion commits on qa and production.
 */
export async function generateBenchRepo(dir: string, options: BenchRepoOptions): Promise<BenchRepoInfo> {
  const started = performance.now();
  const { tests, commits, seed } = options;
  if (commits < tests) throw new Error('commits must be >= tests (the first commits create the tests)');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  git(dir, ['init', '--quiet', '--bare', '--initial-branch=trunk']);
  const rand = createRandom(seed);
  const names = Array.from({ length: tests }, (_, i) => testName(i));
  const defs: TestDefinition[] = [];
  const promotions: Promotion[] = [];
  const promotedTo = { qa: new Set<string>(), production: new Set<string>() };
  const lastMark = new Map<string, { mark: number; text: string; issue: string; message: string; seconds: number }>();
  let seconds = START_SECONDS;
  let issueCounter = 1000;
  const marksFile = path.join(dir, 'bench-trunk.marks');

  await fastImport(dir, [`--export-marks=${marksFile}`], async (w) => {
    for (let c = 0; c < commits; c++) {
      const mark = c + 1;
      seconds += 60 + Math.floor(rand() * 1800);
      const issue = `PROTEST-${++issueCounter}`;
      let index: number;
      let comment: string;
      let kind: string;
      const files: CommitSpec['files'] = [];
      if (c < tests) {
        index = c;
        defs.push(newDefinition(rand, names[index], issueCounter));
        comment = `create ${names[index]}`;
        kind = 'create';
        files.push({ path: definitionPath(names[index], 'metadata.json'), content: '{ }' });
      } else {
        // Skewed choice: a few tests are edited often (long histories), most rarely.
        index = Math.floor(tests * rand() ** 2);
        comment = mutateDefinition(rand, defs[index]);
        kind = 'update';
      }
      const name = names[index];
      const text = serializeDefinition(defs[index]);
      files.unshift({ path: definitionPath(name), content: text });
      const message = `${issue}: ${comment}\n\n${trailers(name, kind, issue)}\n`;
      await w.write(commitCommand({ ref: 'refs/heads/trunk', mark, author: pick(rand, AUTHORS), seconds, message, files }));
      const promotable = { mark, text: serializeDefinition({ ...defs[index], version: VERSION_PLACEHOLDER }), issue, message, seconds };
      lastMark.set(name, promotable);
      for (const [target, p] of [['qa', 0.12], ['production', 0.05]] as const) {
        if (rand() < p) {
          promotions.push({ target, mark, name, text: promotable.text, issue, sourceMessage: message, seconds: seconds + 300 });
          promotedTo[target].add(name);
        }
      }
    }
  });
  // Every test reaches qa, and most reach production, at their latest trunk revision.
  for (const target of ['qa', 'production'] as const) {
    for (const [i, name] of names.entries()) {
      if (promotedTo[target].has(name)) continue;
      if (target === 'production' && i % 5 === 4) continue;
      const last = lastMark.get(name)!;
      promotions.push({ target, mark: last.mark, name, text: last.text, issue: last.issue, sourceMessage: last.message, seconds: last.seconds + 600 });
    }
  }
  promotions.sort((a, b) => a.seconds - b.seconds || a.mark - b.mark);

  const shaByMark = new Map<number, string>();
  for (const line of readFileSync(marksFile, 'utf8').split('\n')) {
    const m = /^:(\d+) ([0-9a-f]{40})$/.exec(line);
    if (m) shaByMark.set(Number(m[1]), m[2]);
  }
  const counts = { qa: 0, production: 0 };
  const present = { qa: new Set<string>(), production: new Set<string>() };
  await fastImport(dir, [], async (w) => {
    for (const p of promotions) {
      const sha = shaByMark.get(p.mark);
      if (!sha) throw new Error(`no sha for mark ${p.mark}`);
      const quoted = p.sourceMessage.split('\n\n')[0];
      const message =
        `Promoting ${p.name} (trunk r${sha}) to ${p.target}\n\n${quoted}\n\n` +
        trailers(p.name, 'promote', p.issue, ['Proctor-Source-Branch: trunk', `Proctor-Source-Revision: ${sha}`]) +
        '\n';
      const isNew = !present[p.target].has(p.name);
      present[p.target].add(p.name);
      const files = [{ path: definitionPath(p.name), content: p.text.replace(VERSION_PLACEHOLDER, sha) }];
      if (isNew) files.push({ path: definitionPath(p.name, 'metadata.json'), content: '{ }' });
      counts[p.target]++;
      await w.write(commitCommand({ ref: `refs/heads/${p.target}`, author: pick(rand, AUTHORS), seconds: p.seconds, message, files }));
    }
  });
  rmSync(marksFile, { force: true });
  git(dir, ['symbolic-ref', 'HEAD', 'refs/heads/trunk']);
  repackLikeALiveRepository(dir);

  return {
    ...options,
    dir,
    testNames: names,
    trunkCommits: commits,
    qaCommits: counts.qa,
    productionCommits: counts.production,
    generationMs: performance.now() - started,
    cached: false,
  };
}

/**
 * fast-import deltas every new version against the one before, so in its pack each test's newest definition sits at
 * the end of a delta chain up to 50 deep, and reading the current definitions costs git ~3× what it does in a real
 * repository. A live data repository is written commit by commit (loose objects) and packed by `git gc`, whose fresh
 * delta search keeps recent versions whole — what `repack -a -d -f` gives the generated history too. Both our store
 * and the native git baselines read this same repacked repository.
 */
function repackLikeALiveRepository(dir: string): void {
  git(dir, ['repack', '-a', '-d', '-f', '-q']);
}

/** Where the cached repository for these parameters lives. */
export function benchRepoPath(options: BenchRepoOptions): string {
  return path.join(WORK_DIR, `repo-v${CACHE_VERSION}-t${options.tests}-c${options.commits}-s${options.seed}.git`);
}

/** Returns the cached repository for these parameters, generating it (into a temp dir, then renamed) when missing. */
export async function ensureBenchRepo(options: BenchRepoOptions): Promise<BenchRepoInfo> {
  const dir = benchRepoPath(options);
  const record = path.join(dir, 'bench-repo.json');
  if (existsSync(record)) {
    const info = JSON.parse(readFileSync(record, 'utf8')) as BenchRepoInfo & { repacked?: boolean };
    if (!info.repacked) {
      // Generated before repacking was part of generation (same commits, so cached indexes stay valid).
      repackLikeALiveRepository(dir);
      writeFileSync(record, JSON.stringify({ ...info, repacked: true }, null, 2));
    }
    return { ...info, dir, cached: true };
  }
  const tmp = `${dir}.tmp-${process.pid}`;
  const info = await generateBenchRepo(tmp, options);
  writeFileSync(path.join(tmp, 'bench-repo.json'), JSON.stringify({ ...info, dir, repacked: true }, null, 2));
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return { ...info, dir };
}

/** Copies a repository (cheap relative to generating it) so a bench can write to it without spoiling the cache. */
export function copyRepo(source: string, target: string): void {
  rmSync(target, { recursive: true, force: true });
  mkdirSync(path.dirname(target), { recursive: true });
  const result = spawnSync('cp', ['-a', source, target]);
  if (result.status !== 0) throw new Error(`cp failed: ${result.stderr}`);
}

/**
 * Adds `n` update commits to trunk (what other writers pushed upstream), starting from the current trunk definitions.
 * Returns the trunk heads before and after.
 */
export async function appendUpstreamCommits(dir: string, n: number, seed = 7): Promise<{ from: string; to: string; ms: number }> {
  const started = performance.now();
  const from = git(dir, ['rev-parse', 'refs/heads/trunk']).trim();
  const listing = git(dir, ['ls-tree', '-r', from, DEFINITIONS_DIR]);
  const entries = listing
    .split('\n')
    .map((line) => /^\d+ blob ([0-9a-f]{40})\t(.+)\/([^/]+)\/definition\.json$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ oid: m[1], name: m[3] }));
  const texts = readBlobs(dir, entries.map((e) => e.oid));
  const defs = entries.map((e, i) => ({ name: e.name, def: parseDefinition(texts[i]) }));
  const rand = createRandom(seed);
  const lastSeconds = Number(git(dir, ['log', '-1', '--format=%ct', from]).trim());
  let seconds = lastSeconds;
  await fastImport(dir, [], async (w) => {
    for (let c = 0; c < n; c++) {
      const target = defs[Math.floor(defs.length * rand() ** 2)];
      const comment = mutateDefinition(rand, target.def);
      seconds += 30 + Math.floor(rand() * 600);
      const issue = `PROTEST-${90000 + c}`;
      await w.write(
        commitCommand({
          ref: 'refs/heads/trunk',
          from: c === 0 ? from : undefined,
          author: pick(rand, AUTHORS),
          seconds,
          message: `${issue}: ${comment}\n\n${trailers(target.name, 'update', issue)}\n`,
          files: [{ path: definitionPath(target.name), content: serializeDefinition(target.def) }],
        }),
      );
    }
  });
  const to = git(dir, ['rev-parse', 'refs/heads/trunk']).trim();
  return { from, to, ms: performance.now() - started };
}

/** Reads many blobs with one `git cat-file --batch`. */
export function readBlobs(dir: string, oids: string[]): string[] {
  const result = spawnSync('git', ['cat-file', '--batch'], { cwd: dir, input: oids.join('\n') + '\n', maxBuffer: 1 << 30 });
  if (result.status !== 0) throw new Error(`git cat-file failed: ${result.stderr}`);
  const out = result.stdout;
  const texts: string[] = [];
  let pos = 0;
  for (let i = 0; i < oids.length; i++) {
    const eol = out.indexOf(10, pos);
    const header = out.subarray(pos, eol).toString('utf8');
    const size = Number(header.split(' ')[2]);
    texts.push(out.subarray(eol + 1, eol + 1 + size).toString('utf8'));
    pos = eol + 1 + size + 1;
  }
  return texts;
}
