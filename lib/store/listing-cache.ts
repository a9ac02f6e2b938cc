/**
 * Branch listings kept on disk between processes: per branch, the head it was taken at and every test's directory
 * tree oid, definition.json blob oid and text. A fresh process lists 5,000 tests from this file instead of reading
 * 5,000 blobs out of packs (resolving their delta chains is most of a cold listing's git time).
 *
 * Content-addressed, so never stale: a tree oid fixes the blob inside it, and a blob oid fixes its bytes (checked on
 * load: a text whose git blob hash is not its oid is dropped and read from git instead — about 20 ms for 5,000). A file
 * taken at an older head still serves every test whose tree is unchanged; the others are read from git as usual. A file
 * that is missing, unreadable or of another format is ignored (and replaced at the next save).
 *
 * Format: one JSON header line `{"format":1,"head":…,"tests":[[name, treeOid, blobOid, byteLength], …]}`, then the
 * texts' UTF-8 bytes back to back. Each text is decoded on its own (no string slices of one large file string).
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';

const FORMAT = 1;
/** Texts written per write call (about 200 KB of definitions): no whole-file buffer in memory. */
const WRITE_BATCH = 128;

export interface CachedTest {
  treeOid: string;
  blobOid: string;
  text: string;
}

export interface CachedListing {
  head: string;
  tests: Map<string, CachedTest>;
}

/** The oid git gives these bytes as a blob. */
export function gitBlobOid(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

type HeaderRow = [testName: string, treeOid: string, blobOid: string, byteLength: number];

export class ListingCache {
  constructor(private readonly dir: string) {}

  private file(branch: string): string {
    // Branch names are validated ref names; '/' (e.g. `release/qa`) becomes a flat file name.
    return path.join(this.dir, `${branch.replaceAll('/', '%2F')}.listing`);
  }

  async load(branch: string): Promise<CachedListing | null> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.file(branch));
    } catch {
      return null;
    }
    try {
      const newline = bytes.indexOf(10);
      if (newline < 0) return null;
      const header = JSON.parse(bytes.toString('utf8', 0, newline)) as { format?: number; head?: string; tests?: HeaderRow[] };
      if (header.format !== FORMAT || typeof header.head !== 'string' || !Array.isArray(header.tests)) return null;
      const tests = new Map<string, CachedTest>();
      let offset = newline + 1;
      for (const [testName, treeOid, blobOid, length] of header.tests) {
        if (offset + length > bytes.length) return null;
        const text = bytes.subarray(offset, offset + length);
        offset += length;
        if (gitBlobOid(text) !== blobOid) continue;
        tests.set(testName, { treeOid, blobOid, text: text.toString('utf8') });
      }
      return offset === bytes.length ? { head: header.head, tests } : null;
    } catch {
      return null;
    }
  }

  /** Writes the listing atomically (a temporary file renamed over the old one), a few hundred KB at a time. */
  async save(branch: string, listing: { head: string; tests: Iterable<[string, CachedTest]> }): Promise<void> {
    const tests = [...listing.tests];
    const rows: HeaderRow[] = tests.map(([testName, test]) => [testName, test.treeOid, test.blobOid, Buffer.byteLength(test.text, 'utf8')]);
    await mkdir(this.dir, { recursive: true });
    const file = this.file(branch);
    const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
    const handle = await open(temporary, 'w');
    try {
      await handle.write(`${JSON.stringify({ format: FORMAT, head: listing.head, tests: rows })}\n`);
      for (let start = 0; start < tests.length; start += WRITE_BATCH) {
        await handle.write(tests.slice(start, start + WRITE_BATCH).map(([, test]) => test.text).join(''));
      }
      await handle.close();
      await rename(temporary, file);
    } catch (error) {
      await handle.close().catch(() => undefined);
      await rm(temporary, { force: true });
      throw error;
    }
  }
}
