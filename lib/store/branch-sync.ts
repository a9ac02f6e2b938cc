/**
 * The branches and their upstream: opening (or creating and seeding) the repository, reading branch heads, fetching
 * upstream and moving the local branches to it, publishing a commit (ref compare-and-swap locally, a push upstream),
 * periodic fetch and `git gc`. Upstream is the truth: local branches follow it.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { gitEnvironment } from './native-git';
import { ENVIRONMENTS, branchRef, type Environment } from './paths';
import { AppError } from '@/lib/errors';
import { displayUrl, RemoteSync } from './remote-sync';
import { GitRepository } from './repository';
import { loadSeedTests, publishSeed, seedRepository } from './seed';
import { gitRevision, type StoreCore } from './store-types';
import type { Revision } from '@/lib/domain/revision';

const execFileAsync = promisify(execFile);

/** The push went out, the upstream never answered, and it cannot be asked now: the person is told how to find out. */
function pushOutcomeUnknown(url: string, env: Environment, branch: string, commit: string, pushError: AppError): AppError {
  const reason = pushError.cause instanceof Error ? pushError.cause.message : pushError.message;
  return new AppError(
    'PUSH_OUTCOME_UNKNOWN',
    `Commit ${commit} was sent to the upstream git repository ${displayUrl(url)}, which did not answer (${reason}) and cannot be reached to check. ` +
      `It may or may not be saved on ${env}. Check with \`git ls-remote ${displayUrl(url)} refs/heads/${branch}\` (saved if it shows ${commit.slice(0, 7)} or a later commit containing it), ` +
      'or reload the page once the upstream is back. Retrying the same change is safe: if the commit did land, the retry is recognised as already saved.',
    { cause: pushError, data: { commit, branch: env } },
  );
}

export interface SyncState {
  at: number;
  error?: string;
}

export class BranchSync {
  private readonly remote?: RemoteSync;
  private timers: NodeJS.Timeout[] = [];
  /** The fetch in flight per branch for reads of commits not fetched yet (fetchForRead). */
  private readonly readFetches = new Map<Environment, Promise<void>>();
  lastSync: SyncState | null = null;
  closed = false;

  constructor(private readonly core: StoreCore) {
    if (core.options.remote) this.remote = new RemoteSync(core.repo, core.layout, core.options.remote);
  }

  get hasRemote(): boolean {
    return this.remote !== undefined;
  }

  /** Creates the repository when missing; adopts upstream (seeding an empty one) or seeds a new local repository. */
  async open(seed: boolean): Promise<void> {
    const { repo, layout, options } = this.core;
    await this.core.writeMutex.run(async () => {
      const existed = await GitRepository.exists(repo.gitdir);
      if (!existed) await GitRepository.initBare(repo.gitdir, layout.branches.trunk);
      if (this.remote) {
        await this.remote.configure();
        try {
          const heads = await this.fetchAndAdopt(ENVIRONMENTS);
          if (!heads.get('trunk') && seed && options.seedDir) await this.seedUpstream();
        } catch (error) {
          // Without upstream we still serve what we have; writes will report the outage.
          if (!existed) throw error;
          this.failed(error);
          this.core.reportError(error, 'initial fetch');
        }
      } else if (seed && options.seedDir && !(await repo.readRef(branchRef(layout, 'trunk')))) {
        await publishSeed(repo, layout, await this.buildSeed());
      }
    });
  }

  private async buildSeed() {
    const { options, repo, layout } = this.core;
    const tests = await loadSeedTests(options.seedDir!, layout.testDefinitionsDirectory);
    return seedRepository(repo, layout, options.committer, tests);
  }

  /** An empty upstream gets the seeded history pushed to it (so a fresh shared repository starts like a local one). */
  private async seedUpstream(): Promise<void> {
    const heads = await this.buildSeed();
    for (const env of ENVIRONMENTS) {
      const head = heads[env];
      if (!head) continue;
      const pushed = await this.remote!.push(head, env);
      if (!pushed.ok) {
        // Someone else seeded or wrote first: take theirs.
        await this.fetchAndAdopt(ENVIRONMENTS);
        return;
      }
      await this.setLocalRef(env, head);
    }
  }

  private failed(error: unknown): void {
    this.lastSync = { at: this.core.now(), error: error instanceof Error ? error.message : String(error) };
  }

  startTimers(): void {
    const { options } = this.core;
    const fetchSeconds = options.fetchIntervalSeconds ?? 15;
    if (this.remote && fetchSeconds > 0) this.every(fetchSeconds * 1000, () => this.sync(), 'periodic fetch');
    const gcHours = options.gcIntervalHours ?? 24;
    if (gcHours > 0) this.every(gcHours * 3_600_000, () => this.gc(), 'git gc');
  }

  private every(ms: number, task: () => Promise<unknown>, context: string): void {
    const timer = setInterval(() => {
      task().catch((error) => this.core.reportError(error, context));
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  stop(): void {
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  async head(env: Environment): Promise<Revision | null> {
    const oid = await this.core.repo.readRef(branchRef(this.core.layout, env));
    return oid === null ? null : gitRevision(oid);
  }

  /** Moves the local branch to `oid` whatever it was (the upstream is the truth). */
  private async setLocalRef(env: Environment, oid: string): Promise<void> {
    const ref = branchRef(this.core.layout, env);
    for (;;) {
      const current = await this.core.repo.readRef(ref);
      if (current === oid) return;
      if (await this.core.repo.compareAndSwapRef(ref, current, oid)) return;
    }
  }

  private async fetchAndAdopt(envs: readonly Environment[]): Promise<Map<Environment, string | null>> {
    const heads = await this.remote!.fetch(envs);
    for (const [env, oid] of heads) if (oid) await this.setLocalRef(env, oid);
    this.lastSync = { at: this.core.now() };
    return heads;
  }

  /** Fetches upstream (when configured) and brings the history index up to the branch heads. The webhook calls this. */
  async sync(): Promise<{ heads: Record<Environment, string | null> }> {
    if (this.remote && !this.closed) {
      await this.core.writeMutex.run(() =>
        this.core.gate.shared(async () => {
          try {
            await this.fetchAndAdopt(ENVIRONMENTS);
          } catch (error) {
            this.failed(error);
            throw error;
          }
        }),
      );
    }
    const heads = {} as Record<Environment, string | null>;
    for (const env of ENVIRONMENTS) {
      heads[env] = await this.head(env);
      await this.core.index.ensure(env, heads[env], { wait: true });
    }
    return { heads };
  }

  /** Packs loose objects (isomorphic-git never does). Runs with no isomorphic-git read in flight. */
  async gc(): Promise<void> {
    const { repo } = this.core;
    await this.core.writeMutex.run(() =>
      this.core.gate.exclusiveRun(async () => {
        await execFileAsync('git', ['--git-dir', repo.gitdir, 'gc', '--quiet'], { timeout: 10 * 60_000, env: gitEnvironment() });
        repo.resetCache();
      }),
    );
  }

  /**
   * The head a write builds on (called under the write lock): upstream's, fetched with `alsoFetch` (a promotion reads
   * its source branch), or the local branch's.
   */
  async headForWrite(env: Environment, alsoFetch: readonly Environment[] = []): Promise<string | null> {
    if (!this.remote) return this.core.repo.readRef(branchRef(this.core.layout, env));
    const heads = await this.fetchAndAdopt([env, ...alsoFetch]);
    return heads.get(env) ?? null;
  }

  /**
   * Fetches `envs` so that `revision` — a commit another instance made, which the shared history index already lists —
   * can be read here before the next periodic fetch. One fetch in flight per branch: concurrent readers share it, and a
   * reader that finds the commit already fetched does not fetch again. At most two fetches per call (the one in flight
   * may have asked the upstream before the commit arrived). Does nothing without an upstream.
   */
  async fetchForRead(revision: string, envs: readonly Environment[]): Promise<void> {
    if (!this.remote || this.closed) return;
    for (let round = 0; round < 2 && !(await this.hasCommit(revision)); round++) {
      await Promise.all(envs.map((env) => this.fetchOnce(env, revision)));
    }
  }

  private fetchOnce(env: Environment, revision: string): Promise<void> {
    let inFlight = this.readFetches.get(env);
    if (!inFlight) {
      inFlight = this.core.writeMutex
        .run(() =>
          this.core.gate.shared(async () => {
            if (await this.hasCommit(revision)) return;
            await this.fetchAndAdopt([env]);
          }),
        )
        .finally(() => this.readFetches.delete(env));
      this.readFetches.set(env, inFlight);
    }
    return inFlight;
  }

  private async hasCommit(revision: string): Promise<boolean> {
    try {
      await this.core.repo.readCommit(revision);
      return true;
    } catch {
      return false;
    }
  }

  /** Moves the branch from `head` to `commit`: false when someone else moved it first (the writer retries). */
  async publish(env: Environment, head: string | null, commit: string): Promise<boolean> {
    if (this.remote) {
      const pushed = await this.remote.push(commit, env);
      if (pushed.ok) await this.setLocalRef(env, commit);
      else if (pushed.unknown) return this.settleUnansweredPush(env, commit, pushed.unknown);
      return pushed.ok;
    }
    return this.core.repo.compareAndSwapRef(branchRef(this.core.layout, env), head, commit);
  }

  /**
   * A push the upstream did not answer (timeout, reset, 5xx after the pack went out) may still have been applied: the
   * upstream is asked before anyone is told anything. Saved when its branch holds the commit (as head or under a later
   * one): true, and the local branch follows. Not saved when it answers without it: the push's own error ("Nothing was
   * saved", safe to retry). Unknown when it cannot be asked either: PUSH_OUTCOME_UNKNOWN with the commit id.
   */
  private async settleUnansweredPush(env: Environment, commit: string, pushError: AppError): Promise<boolean> {
    let upstreamHead: string | null;
    try {
      upstreamHead = (await this.fetchAndAdopt([env])).get(env) ?? null;
    } catch (checkError) {
      this.failed(checkError);
      throw pushOutcomeUnknown(this.core.options.remote!.url, env, this.core.layout.branches[env], commit, pushError);
    }
    if (upstreamHead === commit) return true;
    if (upstreamHead && (await this.isAncestor(commit, upstreamHead))) return true;
    throw new AppError(pushError.code, pushError.message, { cause: pushError.cause, data: { ...pushError.data, commit, branch: env } });
  }

  private async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    try {
      await execFileAsync('git', ['--git-dir', this.core.repo.gitdir, 'merge-base', '--is-ancestor', ancestor, descendant], { env: gitEnvironment() });
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Calls `onChange` when a branch may have moved (ref files and packed-refs live in the git dir; other processes and
   * the git CLI move them too). Null when the platform cannot watch; callers poll `head()` anyway.
   */
  watchRefs(onChange: () => void): { close(): void } | null {
    try {
      const watcher = fs.watch(this.core.repo.gitdir, { recursive: true, persistent: false }, (_event, file) => {
        const name = String(file ?? '');
        if (name === '' || name.startsWith('refs') || name === 'packed-refs') onChange();
      });
      watcher.on('error', () => undefined);
      return watcher;
    } catch {
      return null;
    }
  }
}
