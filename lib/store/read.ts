/**
 * Reading definitions out of commits. A branch listing is a snapshot keyed by the branch head; a new snapshot reuses
 * every test whose directory tree oid is unchanged, so after a write only the changed test is read and parsed again.
 * A listing cache on disk (listing-cache.ts) stands in for git on a cold listing.
 *
 * Memory (5,000 tests × 3 branches ≈ 12,800 distinct blobs, 21 MB of JSON): V8's JSON.parse returns string values as
 * slices of the source text, so a parsed definition kept the whole text alive (56 MB for the three listings). Listed
 * definitions have their strings copied out and interned, and when a blob's text is exactly
 * serializeDefinition(definition) — every file Proctor or this app wrote — the text is not kept but re-serialised when
 * asked for (listing consumers read definitions, rarely texts): 30 MB. That compaction costs several times the
 * parse itself, so it runs in the background after the listing is served (BlobCompactor); until then the text is kept.
 * Other files keep their raw text, byte for byte.
 */
import { parseDefinition } from '@/lib/proctor/parse-definition';
import { serializeDefinition } from '@/lib/proctor/serialize-definition';
import type { TestDefinition } from '@/lib/proctor/model';
import { Foreground } from './foreground';
import type { GitRepository } from './repository';
import type { CachedListing } from './listing-cache';
import { listTestTrees } from './tree-diff';
import { DEFINITION_FILE, METADATA_FILE } from './paths';

/** One definition.json blob as listed, shared by every test and branch whose file has that blob oid. */
export interface ListedBlob {
  /** The file's text; null once compaction found it is exactly serializeDefinition(definition), which stands in for it. */
  raw: string | null;
  /** null when the file does not parse (a foreign commit may contain anything). */
  definition: TestDefinition | null;
  parseError?: string;
}

/** The exact text of a listed blob (re-serialised when only the definition is kept). */
export function blobText(blob: ListedBlob): string {
  return blob.raw ?? serializeDefinition(blob.definition!);
}

export class SnapshotEntry {
  constructor(
    readonly testName: string,
    /** Tree oid of the test's directory and blob oid of its definition.json. */
    readonly treeOid: string,
    readonly blobOid: string,
    readonly blob: ListedBlob,
  ) {}

  get text(): string {
    return blobText(this.blob);
  }

  get definition(): TestDefinition | null {
    return this.blob.definition;
  }

  get parseError(): string | undefined {
    return this.blob.parseError;
  }
}

export interface BranchSnapshot {
  head: string | null;
  tests: Map<string, SnapshotEntry>;
  /** Definition blobs this build read out of git (not reused, not from the listing cache). */
  blobsRead: number;
}

export function parseOrError(text: string): { definition: TestDefinition | null; parseError?: string } {
  try {
    return { definition: parseDefinition(text) };
  } catch (error) {
    return { definition: null, parseError: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Strings shared by the definitions of a store (rules, descriptions, bucket names repeat across tests and branches).
 * Values are copied out of the JSON text they were sliced from, so the text can be collected.
 */
export class StringPool {
  private pool = new Map<string, string>();

  constructor(private readonly limit = 200_000) {}

  intern(value: string): string {
    const known = this.pool.get(value);
    if (known !== undefined) return known;
    // A fresh flat copy: a sliced string would keep its (large) parent alive. Short strings are never slices.
    const copy = value.length >= 13 ? Buffer.from(value, 'utf8').toString('utf8') : value;
    // Unbounded growth would pin strings of long-gone definitions: start over (later strings are shared again).
    if (this.pool.size >= this.limit) this.pool = new Map();
    this.pool.set(copy, copy);
    return copy;
  }

  /** Interns every string value below a plain JSON-like value in place (class instances such as DoubleValue are left as they are). */
  internDeep<T>(value: T): T {
    const visit = (node: unknown): unknown => {
      if (typeof node === 'string') return this.intern(node);
      if (Array.isArray(node)) {
        for (let i = 0; i < node.length; i++) node[i] = visit(node[i]);
        return node;
      }
      if (node !== null && typeof node === 'object' && Object.getPrototypeOf(node) === Object.prototype) {
        const record = node as Record<string, unknown>;
        // Always written back: a copy compares equal (===) to the slice it replaces.
        for (const key of Object.keys(record)) record[key] = visit(record[key]);
      }
      return node;
    };
    return visit(value) as T;
  }
}

/** A freshly read blob: parsed now, compacted later. */
function readListedBlob(text: string): ListedBlob {
  const { definition, parseError } = parseOrError(text);
  return definition ? { raw: text, definition } : { raw: text, definition: null, ...(parseError ? { parseError } : {}) };
}

/** A flat copy of a string (a slice would keep its parent alive). */
function flatCopy(value: string): string {
  return Buffer.from(value, 'utf8').toString('utf8');
}

/** Interns the definition's strings and drops the text when re-serialising gives it back (~70 µs a definition). */
function compactBlob(blob: ListedBlob, pool: StringPool): void {
  if (!blob.definition || blob.raw === null) return;
  pool.internDeep(blob.definition);
  let canonical = false;
  try {
    canonical = serializeDefinition(blob.definition) === blob.raw;
  } catch {
    canonical = false;
  }
  blob.raw = canonical ? null : flatCopy(blob.raw);
}

/** Time slice of background compaction: requests wait at most this long behind it. */
const COMPACTION_SLICE_MS = 4;

/**
 * Compacts listed blobs in the background, a few milliseconds per event-loop turn and none while a snapshot is being
 * built (Foreground), so a cold listing is served as soon as its definitions are parsed. Compaction only replaces
 * strings by equal strings and drops a text that serializeDefinition gives back, so readers see the same values
 * before, during and after it.
 */
export class BlobCompactor {
  private queue: ListedBlob[] = [];
  private running: Promise<void> | null = null;

  constructor(
    readonly pool: StringPool = new StringPool(),
    private readonly foreground: Foreground = new Foreground(),
  ) {}

  add(blobs: Iterable<ListedBlob>): void {
    for (const blob of blobs) if (blob.definition && blob.raw !== null) this.queue.push(blob);
    this.running ??= this.run();
  }

  /** Resolves when every blob added so far is compacted. */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private async run(): Promise<void> {
    try {
      for (let done = 0; ; ) {
        await this.foreground.turn();
        const until = performance.now() + COMPACTION_SLICE_MS;
        while (done < this.queue.length && performance.now() < until) compactBlob(this.queue[done++], this.pool);
        if (done >= this.queue.length) {
          this.queue = [];
          return;
        }
      }
    } finally {
      // Synchronously with the last check above: a blob added after it starts a new run.
      this.running = null;
    }
  }
}

/** Above this many definitions to read from git, ask for them by path rather than reading each test's tree first. */
const BULK_LISTING_THRESHOLD = 64;

export interface SnapshotSources {
  /** The branch's previous snapshot: every test whose tree oid is unchanged is reused as it is. */
  previous?: BranchSnapshot;
  /** Entries of other branches' snapshots by blob oid: a definition promoted qa → production is the same blob. */
  byBlob?: Map<string, SnapshotEntry>;
  /** The branch's listing from the cache on disk: texts of unchanged trees without reading git. */
  cached?: CachedListing | null;
  compactor?: BlobCompactor;
}

export async function buildSnapshot(repo: GitRepository, head: string | null, dirSegments: string[], sources: SnapshotSources = {}): Promise<BranchSnapshot> {
  const { previous, byBlob = new Map(), cached, compactor = new BlobCompactor() } = sources;
  const tests = new Map<string, SnapshotEntry>();
  if (!head) return { head, tests, blobsRead: 0 };
  const { tree } = await repo.readCommit(head);
  const dir = await repo.lookup(tree, dirSegments);
  const dirTree = dir && dir.type === 'tree' ? dir.oid : null;
  const testTrees = await listTestTrees(repo, dirTree);
  const changed: Array<[string, string]> = [];
  let fromGit = 0;
  for (const [testName, treeOid] of testTrees) {
    const old = previous?.tests.get(testName);
    if (old && old.treeOid === treeOid) tests.set(testName, old);
    else {
      changed.push([testName, treeOid]);
      if (cached?.tests.get(testName)?.treeOid !== treeOid) fromGit++;
    }
  }
  // A cold listing (or a big catch-up) asks git for `<test tree>:definition.json` straight away, for all tests in one
  // pipelined run: no tree read per test, no ls-tree before the blobs flow, and each definition is parsed as it comes
  // out of the pipe. A small change reads the test's tree first, so an unchanged blob (only metadata.json changed) is
  // reused without reading it.
  const byPath = fromGit > BULK_LISTING_THRESHOLD;
  // Blobs parsed in this build, by oid: two tests with identical files are parsed once.
  const parsed = new Map<string, ListedBlob>();
  const reading = new Map<string, Promise<string>>();
  let blobsRead = 0;
  /** The entry of an unchanged blob of this test or of another branch: shares its text and parsed definition. */
  const shared = (testName: string, blobOid: string): ListedBlob | undefined => {
    const old = previous?.tests.get(testName);
    return (old && old.blobOid === blobOid ? old : byBlob.get(blobOid))?.blob ?? parsed.get(blobOid);
  };
  const place = (testName: string, treeOid: string, blobOid: string, text: string, fromGit: boolean): void => {
    let blob = shared(testName, blobOid);
    if (!blob) {
      blob = readListedBlob(text);
      parsed.set(blobOid, blob);
      if (fromGit) blobsRead++;
    }
    tests.set(testName, new SnapshotEntry(testName, treeOid, blobOid, blob));
  };
  const viaPath: Array<[string, string]> = [];
  const viaTree: Array<Promise<void>> = [];
  for (const [testName, treeOid] of changed) {
    const hit = cached?.tests.get(testName);
    if (hit && hit.treeOid === treeOid) place(testName, treeOid, hit.blobOid, hit.text, false);
    else if (byPath) viaPath.push([testName, treeOid]);
    else {
      viaTree.push(
        (async () => {
          const blobOid = (await repo.readTree(treeOid)).find((e) => e.path === DEFINITION_FILE && e.type === 'blob')?.oid;
          if (!blobOid) return;
          let text = '';
          if (!shared(testName, blobOid)) {
            let read = reading.get(blobOid);
            if (!read) reading.set(blobOid, (read = repo.readBlobText(blobOid)));
            text = await read;
          }
          place(testName, treeOid, blobOid, text, true);
        })(),
      );
    }
  }
  // One of the two is empty (byPath decides), so no read is left without a handler while the other is awaited.
  if (viaPath.length > 0) {
    await repo.readBlobsIn(
      viaPath.map(([, treeOid]) => treeOid),
      DEFINITION_FILE,
      (index, found) => {
        if (found) place(viaPath[index][0], viaPath[index][1], found.oid, found.text, true);
      },
    );
  }
  await Promise.all(viaTree);
  // Only now: compaction slices between the reads above would hold up the listing they belong to.
  compactor.add(parsed.values());
  return { head, tests: new Map([...tests.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))), blobsRead };
}

/** definition.json and metadata.json of one test at a commit; null when the test is absent there. */
export async function readTestFiles(
  repo: GitRepository,
  commit: string,
  dirSegments: string[],
  testName: string,
): Promise<{ text: string; blobOid: string; metadataText: string | null } | null> {
  const { tree } = await repo.readCommit(commit);
  const testDir = await repo.lookup(tree, [...dirSegments, testName]);
  if (!testDir || testDir.type !== 'tree') return null;
  const entries = await repo.readTree(testDir.oid);
  const file = entries.find((e) => e.path === DEFINITION_FILE && e.type === 'blob');
  if (!file) return null;
  const metadata = entries.find((e) => e.path === METADATA_FILE && e.type === 'blob');
  return {
    text: await repo.readBlobText(file.oid),
    blobOid: file.oid,
    metadataText: metadata ? await repo.readBlobText(metadata.oid) : null,
  };
}
