/**
 * Reading definitions out of commits. A branch listing is a snapshot keyed by the branch head; a new snapshot reuses
 * every test whose directory tree oid is unchanged, so after a write only the changed test is read and parsed again.
 *
 * Memory (5,000 tests × 3 branches ≈ 12,800 distinct blobs, 21 MB of JSON): V8's JSON.parse returns string values as
 * slices of the source text, so a parsed definition kept the whole text alive (56 MB for the three listings). Listed
 * definitions have their strings copied out and interned, and when a blob's text is exactly
 * serializeDefinition(definition) — every file Proctor or this app wrote — the text is not kept but re-serialised when
 * asked for (listing consumers read definitions, rarely texts): 30 MB. Other files keep their raw text, byte for byte.
 */
import { parseDefinition } from '@/lib/proctor/parse-definition';
import { serializeDefinition } from '@/lib/proctor/serialize-definition';
import type { TestDefinition } from '@/lib/proctor/model';
import type { GitRepository } from './repository';
import { listTestTrees } from './tree-diff';
import { DEFINITION_FILE, METADATA_FILE } from './paths';

/** One definition.json blob as listed, shared by every test and branch whose file has that blob oid. */
export interface ListedBlob {
  /** The file's text; null when it is exactly serializeDefinition(definition), which then stands in for it. */
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

function readListedBlob(text: string, pool: StringPool): ListedBlob {
  const { definition, parseError } = parseOrError(text);
  if (!definition) return { raw: text, definition: null, ...(parseError ? { parseError } : {}) };
  pool.internDeep(definition);
  // Checked when read (~70 µs a definition, once per blob): every file Proctor or this app wrote passes.
  let canonical = false;
  try {
    canonical = serializeDefinition(definition) === text;
  } catch {
    canonical = false;
  }
  return { raw: canonical ? null : text, definition };
}

/** Above this many tests to (re)read, one `git ls-tree -r` of the definitions folder beats a tree read per test. */
const BULK_LISTING_THRESHOLD = 64;

/** definition.json blob oid of every test directory below the definitions tree, from one ls-tree; null without git. */
async function definitionBlobsBelow(repo: GitRepository, dirTree: string): Promise<Map<string, string> | null> {
  const files = await repo.listFilesBelow(dirTree);
  if (!files) return null;
  const suffix = `/${DEFINITION_FILE}`;
  const blobs = new Map<string, string>();
  for (const file of files) {
    if (file.type !== 'blob' || !file.path.endsWith(suffix)) continue;
    const testName = file.path.slice(0, -suffix.length);
    // Only `<test>/definition.json`, as a tree read of the test directory would find it (first entry wins).
    if (testName.includes('/') || blobs.has(testName)) continue;
    // A flat copy: the oid is a slice of the whole ls-tree output, which it would otherwise keep alive.
    blobs.set(testName, Buffer.from(file.oid, 'latin1').toString('latin1'));
  }
  return blobs;
}

export async function buildSnapshot(
  repo: GitRepository,
  head: string | null,
  dirSegments: string[],
  previous: BranchSnapshot | undefined,
  /** Entries of other branches' snapshots by blob oid: a definition promoted qa → production is the same blob. */
  byBlob: Map<string, SnapshotEntry> = new Map(),
  pool: StringPool = new StringPool(),
): Promise<BranchSnapshot> {
  const tests = new Map<string, SnapshotEntry>();
  if (!head) return { head, tests };
  const { tree } = await repo.readCommit(head);
  const dir = await repo.lookup(tree, dirSegments);
  const dirTree = dir && dir.type === 'tree' ? dir.oid : null;
  const testTrees = await listTestTrees(repo, dirTree);
  const changed: Array<[string, string]> = [];
  for (const [testName, treeOid] of testTrees) {
    const old = previous?.tests.get(testName);
    if (old && old.treeOid === treeOid) tests.set(testName, old);
    else changed.push([testName, treeOid]);
  }
  // A cold listing (or a big catch-up) learns every definition blob from one ls-tree instead of a tree read per test.
  const bulk = dirTree && changed.length > BULK_LISTING_THRESHOLD ? await definitionBlobsBelow(repo, dirTree) : null;
  // Blobs read in this build, by oid: two tests with identical files are read and parsed once.
  const reading = new Map<string, Promise<ListedBlob>>();
  const pending: Promise<void>[] = [];
  for (const [testName, treeOid] of changed) {
    const old = previous?.tests.get(testName);
    pending.push(
      (async () => {
        let blobOid: string | undefined;
        if (bulk) blobOid = bulk.get(testName);
        else blobOid = (await repo.readTree(treeOid)).find((e) => e.path === DEFINITION_FILE && e.type === 'blob')?.oid;
        if (!blobOid) return;
        const same = old && old.blobOid === blobOid ? old : byBlob.get(blobOid);
        if (same) {
          // Shares the text and the parsed definition (both immutable once listed).
          tests.set(testName, new SnapshotEntry(testName, treeOid, blobOid, same.blob));
          return;
        }
        let read = reading.get(blobOid);
        if (!read) {
          read = repo.readBlobText(blobOid).then((text) => readListedBlob(text, pool));
          reading.set(blobOid, read);
        }
        tests.set(testName, new SnapshotEntry(testName, treeOid, blobOid, await read));
      })(),
    );
    // Reads are pipelined through one `git cat-file --batch`; the bound keeps memory flat on large trees.
    if (pending.length >= 1024) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  return { head, tests: new Map([...tests.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) };
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
