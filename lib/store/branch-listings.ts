/**
 * Branch listings: every definition on a branch with its last-change revision, served from an in-memory snapshot per
 * branch (rebuilt incrementally when the branch moves) that a fresh process starts from the listing cache on disk.
 */
import path from 'node:path';
import type { TestDefinition } from '@/lib/proctor/model';
import type { Revision } from '@/lib/domain/revision';
import { Foreground } from './foreground';
import { ListingCache, type CachedTest } from './listing-cache';
import type { Environment } from './paths';
import { BlobCompactor, blobText, buildSnapshot, type BranchSnapshot, type SnapshotEntry } from './read';
import { gitRevision, type ListedDefinition, type StoreCore } from './store-types';

/** A listing is written to the cache when this many of its definitions had to be read out of git. */
const LISTING_SAVE_THRESHOLD = 64;
/** Time slice of background work that yields to requests in between. */
const BACKGROUND_SLICE_MS = 4;

/**
 * A listing row. Its text is re-serialised only when read (most callers use the definition; see read.ts), by a getter
 * on the prototype: an object literal with a getter cost a closure and an accessor per row (15-25 ms for 5,000).
 */
class ListedRow implements ListedDefinition {
  readonly #entry: SnapshotEntry;
  testName: string;
  revision: Revision | null;
  definition: TestDefinition | null;
  parseError?: string;

  constructor(entry: SnapshotEntry, revision: Revision | null) {
    this.#entry = entry;
    this.testName = entry.testName;
    this.revision = revision;
    this.definition = entry.definition;
    if (entry.parseError) this.parseError = entry.parseError;
  }

  get text(): string {
    return blobText(this.#entry.blob);
  }
}

export class BranchListings {
  private snapshots = new Map<Environment, BranchSnapshot>();
  private snapshotBuilds = new Map<string, Promise<BranchSnapshot>>();
  /** Snapshot builds are foreground work: compaction and listing cache writes wait for them. */
  private readonly foreground = new Foreground();
  /** Interns the strings of listed definitions across tests and branches, and drops texts it can rebuild (read.ts). */
  private readonly compactor = new BlobCompactor(undefined, this.foreground);
  private readonly listingCache: ListingCache;
  /** Per branch, the tree oid of every test as the listing cache on disk has it (to know when it is worth rewriting). */
  private cachedTrees = new Map<Environment, Map<string, string>>();
  private listingSaves = new Set<Promise<void>>();
  private listings = new Map<Environment, { snapshot: BranchSnapshot; changes: ReadonlyMap<string, unknown>; rows: ListedDefinition[] }>();

  constructor(private readonly core: StoreCore) {
    this.listingCache = new ListingCache(core.options.listingCacheDir ?? path.join(core.options.gitdir, 'proctor-studio', 'listings'));
  }

  /** Resolves when background work is done: compaction of listed definitions and listing cache writes. */
  async settled(): Promise<void> {
    await Promise.all([this.compactor.idle(), ...this.listingSaves]);
  }

  private async snapshot(env: Environment, head: string | null): Promise<BranchSnapshot> {
    const current = this.snapshots.get(env);
    if (current && current.head === head) return current;
    const key = `${env}:${head}`;
    let build = this.snapshotBuilds.get(key);
    if (!build) {
      const byBlob = new Map<string, SnapshotEntry>();
      for (const [other, snapshot] of this.snapshots) {
        if (other !== env) for (const entry of snapshot.tests.values()) byBlob.set(entry.blobOid, entry);
      }
      const leave = this.foreground.enter();
      build = (async () => {
        // A fresh process starts from the listing cache on disk; later builds from the branch's previous snapshot.
        const cached = current ? null : await this.listingCache.load(this.core.layout.branches[env]);
        if (cached) this.cachedTrees.set(env, new Map([...cached.tests].map(([testName, test]) => [testName, test.treeOid])));
        const built = await buildSnapshot(this.core.repo, head, this.core.dirSegments, { previous: current, byBlob, cached, compactor: this.compactor });
        if (built.blobsRead > LISTING_SAVE_THRESHOLD) this.saveListing(env, built);
        return built;
      })().finally(() => {
        this.snapshotBuilds.delete(key);
        leave();
      });
      this.snapshotBuilds.set(key, build);
    }
    const snapshot = await build;
    // The previous snapshot of the branch is dropped here (entries it shares with the new one live on).
    this.snapshots.set(env, snapshot);
    return snapshot;
  }

  /** Writes a branch listing to the cache in the background, gathering texts a few milliseconds at a time. */
  private saveListing(env: Environment, snapshot: BranchSnapshot): Promise<void> {
    const head = snapshot.head;
    if (!head) return Promise.resolve();
    const task = (async () => {
      const tests: Array<[string, CachedTest]> = [];
      let until = performance.now() + BACKGROUND_SLICE_MS;
      for (const entry of snapshot.tests.values()) {
        if (performance.now() > until) {
          await this.foreground.turn();
          until = performance.now() + BACKGROUND_SLICE_MS;
        }
        // Re-serialises a compacted definition (see read.ts); a fresh one still has its text.
        tests.push([entry.testName, { treeOid: entry.treeOid, blobOid: entry.blobOid, text: entry.text }]);
      }
      await this.listingCache.save(this.core.layout.branches[env], { head, tests });
      this.cachedTrees.set(env, new Map(tests.map(([testName, test]) => [testName, test.treeOid])));
    })()
      .catch((error) => this.core.reportError(error, `listing cache (${env})`))
      .finally(() => this.listingSaves.delete(task));
    this.listingSaves.add(task);
    return task;
  }

  /** On close: rewrites the cached listings that many tests have moved away from since they were written. */
  async saveDriftedListings(): Promise<void> {
    await Promise.all(this.listingSaves);
    const saves: Promise<void>[] = [];
    for (const [env, snapshot] of this.snapshots) {
      const cached = this.cachedTrees.get(env);
      let drifted = 0;
      for (const entry of snapshot.tests.values()) if (cached?.get(entry.testName) !== entry.treeOid) drifted++;
      if (drifted > LISTING_SAVE_THRESHOLD) saves.push(this.saveListing(env, snapshot));
    }
    await Promise.all(saves);
  }

  /** Every definition on a branch at `head` (already indexed) with its last-change revision. */
  async list(env: Environment, head: string | null): Promise<ListedDefinition[]> {
    const snapshot = await this.snapshot(env, head);
    const changes = this.core.index.lastChangesOf(env);
    // The rows only change with the snapshot or the index's map (both replaced when the branch moves): a warm listing
    // hands out the same rows in a new array instead of 5,000 new objects with a text getter each.
    const cached = this.listings.get(env);
    if (cached && cached.snapshot === snapshot && cached.changes === changes) return [...cached.rows];
    const rows: ListedDefinition[] = [];
    for (const entry of snapshot.tests.values()) {
      const change = changes.get(entry.testName);
      rows.push(new ListedRow(entry, change && !change.deleted ? gitRevision(change.revision) : null));
    }
    this.listings.set(env, { snapshot, changes, rows });
    return [...rows];
  }

  /**
   * The definitions of a branch as of one of its earlier commits (for the matrix's last good revision). Tests whose tree
   * is unchanged since the branch's current listing are reused, so a step back reads only what changed.
   */
  async listAt(env: Environment, commit: string): Promise<Array<Pick<ListedDefinition, 'testName' | 'definition' | 'parseError'>>> {
    const snapshot = await buildSnapshot(this.core.repo, commit, this.core.dirSegments, { previous: this.snapshots.get(env), compactor: this.compactor });
    return [...snapshot.tests.values()].map((entry) => ({ testName: entry.testName, definition: entry.definition, parseError: entry.parseError }));
  }
}
