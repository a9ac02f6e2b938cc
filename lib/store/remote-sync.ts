/**
 * Talking to the upstream repository (HTTP/HTTPS smart protocol only, as isomorphic-git supports): fetch branches into
 * `refs/remotes/origin/*` and push a commit to a branch. Every failure is turned into an AppError a user can act on:
 * a rejected push is reported as such (the caller rebuilds and retries), anything else is "upstream unavailable".
 */
import fs from 'node:fs';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { AppError } from '@/lib/errors';
import type { GitRepository } from './repository';
import { ENVIRONMENTS, remoteBranchRef, type Environment, type RepositoryLayout } from './paths';

export interface RemoteOptions {
  url: string;
  username?: string;
  password?: string;
  /** How long asking for the heads or pushing may take before it is given up (default 60 s); fetching has no limit. */
  timeoutMs?: number;
}

/**
 * `unknown`: the pack was sent (the receive-pack request had started) but no answer confirmed or refused it — a
 * timeout, a reset connection, a 5xx. The upstream may have applied it; the caller must look before answering.
 */
export type PushResult = { ok: true } | { ok: false; reason: string; unknown?: undefined } | { ok: false; unknown: AppError };

const DEFAULT_TIMEOUT_MS = 60_000;

/** The URL without credentials, for messages and logs. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//');
  }
}

export class RemoteSync {
  constructor(
    private readonly repo: GitRepository,
    private readonly layout: RepositoryLayout,
    private readonly remote: RemoteOptions,
  ) {}

  private onAuth = () =>
    this.remote.username || this.remote.password ? { username: this.remote.username ?? '', password: this.remote.password ?? '' } : undefined;

  /** The HTTP client with the timeout; `onPackSent` is told when a receive-pack request (the push itself) starts. */
  private client(onPackSent?: () => void): typeof http {
    const timeoutMs = this.remote.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return {
      request: (request) => {
        if (onPackSent && (request.method ?? 'GET').toUpperCase() === 'POST' && request.url.split('?')[0].endsWith('/git-receive-pack')) onPackSent();
        return http.request({ ...request, signal: request.signal ?? AbortSignal.timeout(timeoutMs) });
      },
    };
  }

  async configure(): Promise<void> {
    const gitdir = this.repo.gitdir;
    await git.setConfig({ fs, gitdir, path: 'remote.origin.url', value: displayUrl(this.remote.url) });
    await git.setConfig({ fs, gitdir, path: 'remote.origin.fetch', value: '+refs/heads/*:refs/remotes/origin/*' });
  }

  /** Fetches the given environments' branches (all three by default) and returns the upstream heads (null = absent). */
  async fetch(envs: readonly Environment[] = ENVIRONMENTS): Promise<Map<Environment, string | null>> {
    const heads = new Map<Environment, string | null>();
    let advertised: Map<string, string>;
    try {
      const info = await git.getRemoteInfo2({ http: this.client(), url: this.remote.url, onAuth: this.onAuth, protocolVersion: 1 });
      advertised = new Map((info.refs ?? []).map((r) => [r.ref, r.oid]));
    } catch (error) {
      throw upstreamError(this.remote.url, error);
    }
    for (const env of envs) {
      const name = this.layout.branches[env];
      const oid = advertised.get(`refs/heads/${name}`) ?? null;
      heads.set(env, oid);
      if (!oid) continue;
      const known = await this.repo.readRef(remoteBranchRef(this.layout, env));
      if (known === oid && (await this.hasObject(oid))) continue;
      try {
        // No timeout: a first fetch of a long history may take minutes; asking for the heads (above) has one.
        await git.fetch({
          fs,
          http,
          gitdir: this.repo.gitdir,
          cache: this.repo.cache,
          url: this.remote.url,
          remote: 'origin',
          ref: name,
          singleBranch: true,
          tags: false,
          onAuth: this.onAuth,
        });
      } catch (error) {
        throw upstreamError(this.remote.url, error);
      }
    }
    return heads;
  }

  private async hasObject(oid: string): Promise<boolean> {
    try {
      await this.repo.readCommit(oid);
      return true;
    } catch {
      return false;
    }
  }

  /** Pushes `commit` to the environment's branch; the server refuses non-fast-forward updates. */
  async push(commit: string, env: Environment, options: { create?: boolean } = {}): Promise<PushResult> {
    const remoteRef = `refs/heads/${this.layout.branches[env]}`;
    let packSent = false;
    try {
      const result = await git.push({
        fs,
        http: this.client(() => (packSent = true)),
        gitdir: this.repo.gitdir,
        cache: this.repo.cache,
        url: this.remote.url,
        remote: 'origin',
        ref: commit,
        remoteRef,
        onAuth: this.onAuth,
      });
      const refResult = result.refs?.[remoteRef];
      if (!result.ok || (refResult && !refResult.ok)) return { ok: false, reason: refResult?.error || result.error || 'rejected' };
      void options;
      return { ok: true };
    } catch (error) {
      const code = (error as { code?: string }).code;
      // Client-side fast-forward check (remote moved) or the remote head is unknown locally: fetch and retry.
      if (code === 'PushRejectedError' || code === 'NotFoundError' || code === 'GitPushError') {
        return { ok: false, reason: (error as Error).message };
      }
      const failure = upstreamError(this.remote.url, error);
      // Credentials refused: nothing was applied. Otherwise, once the pack went out, only the upstream knows.
      if (packSent && failure.code === 'UPSTREAM_UNAVAILABLE') return { ok: false, unknown: failure };
      throw failure;
    }
  }
}

export function upstreamError(url: string, error: unknown): AppError {
  if (error instanceof AppError) return error;
  const status = (error as { data?: { statusCode?: number } }).data?.statusCode;
  const message = error instanceof Error ? error.message : String(error);
  if (status === 401 || status === 403) {
    return new AppError('UPSTREAM_REJECTED', `The upstream git repository ${displayUrl(url)} refused the credentials (HTTP ${status}). Check PROCTOR_GIT_USERNAME / PROCTOR_GIT_PASSWORD.`, {
      cause: error,
      data: { statusCode: status },
    });
  }
  return new AppError('UPSTREAM_UNAVAILABLE', `The upstream git repository ${displayUrl(url)} is unavailable (${message}). Nothing was saved; try again when it is reachable.`, {
    cause: error,
    data: status ? { statusCode: status } : undefined,
  });
}
