/**
 * Reading definitions out of commits. A branch listing is a snapshot keyed by the branch head; a new snapshot reuses
 * every test whose directory tree oid is unchanged, so after a write only the changed test is read and parsed again.
 */
import { parseDefinition } from '@/lib/proctor/parse-definition';
import type { TestDefinition } from '@/lib/proctor/model';
import type { GitRepository } from './repository';
import { listTestTrees } from './tree-diff';
import { DEFINITION_FILE, METADATA_FILE } from './paths';

export interface SnapshotEntry {
  testName: string;
  /** Tree oid of the test's directory and blob oid of its definition.json. */
  treeOid: string;
  blobOid: string;
  text: string;
  /** null when the file does not parse (a foreign commit may contain anything). */
  definition: TestDefinition | null;
  parseError?: string;
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
    blobs.set(testName, file.oid);
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
  const reading = new Map<string, Promise<{ text: string; definition: TestDefinition | null; parseError?: string }>>();
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
          tests.set(testName, { ...same, testName, treeOid });
          return;
        }
        let read = reading.get(blobOid);
        if (!read) {
          read = repo.readBlobText(blobOid).then((text) => ({ text, ...parseOrError(text) }));
          reading.set(blobOid, read);
        }
        tests.set(testName, { testName, treeOid, blobOid, ...(await read) });
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
