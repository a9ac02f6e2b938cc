'use client';
/**
 * "Force me into this bucket" for QA: per environment and bucket, Proctor's `prforceGroups` parameter (the test name
 * directly followed by the bucket value), which Proctor's libraries and lib/client honour. With the address of the
 * application in that environment (kept in this browser) each becomes a link to open it forced into the bucket.
 */
import { useMemo, useState, useSyncExternalStore } from 'react';
import { EnvBadge } from '@/components/env-badge';
import { FORCE_GROUPS_PARAMETER, formatForceGroups, forceGroupsUrl } from '@/lib/client/force-groups';
import { ENV_NAMES, type EnvName } from '@/lib/ui/environments';
import { buttonClass, inputClass, linkClass } from '@/lib/ui/styles';

export interface EnvBuckets {
  env: EnvName;
  /** Null: the test is not in this environment. */
  buckets: { name: string; value: number }[] | null;
}

const storageKey = (env: EnvName) => `proctor-studio:application-url:${env}`;

/** The addresses kept in this browser's localStorage, as one JSON snapshot (stable while unchanged). */
const listeners = new Set<() => void>();
function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('storage', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', listener);
  };
}
function snapshot(): string {
  try {
    return JSON.stringify(Object.fromEntries(ENV_NAMES.map((env) => [env, window.localStorage.getItem(storageKey(env)) ?? ''])));
  } catch {
    return '{}'; // storage unavailable: links stay parameters to copy
  }
}
function keep(env: EnvName, value: string): void {
  try {
    window.localStorage.setItem(storageKey(env), value);
  } catch {
    // not kept
  }
  for (const listener of listeners) listener();
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

export function ForceBucketLinks({ testName, environments }: { testName: string; environments: EnvBuckets[] }) {
  const stored = useSyncExternalStore(subscribe, snapshot, () => '{}');
  const urls = useMemo(() => JSON.parse(stored) as Partial<Record<EnvName, string>>, [stored]);
  const [copied, setCopied] = useState<string | null>(null);
  const copy = (text: string) => {
    void navigator.clipboard?.writeText(text).then(() => setCopied(text), () => undefined);
  };
  const shown = environments.filter((e) => e.buckets !== null);
  return (
    <section aria-labelledby="force-heading" className="space-y-3" data-testid="force-links">
      <div>
        <h2 id="force-heading" className="text-base font-semibold">
          Force me into a bucket (QA)
        </h2>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Proctor&apos;s <code>{FORCE_GROUPS_PARAMETER}</code> parameter puts you in a bucket without evaluating the rules, so QA can see each bucket. It does not
          exercise the rule: use the check above for that.
        </p>
      </div>
      {shown.length === 0 && <p className="text-sm">The test is in no environment.</p>}
      {shown.map(({ env, buckets }) => {
        const base = (urls[env] ?? '').trim();
        const usable = isHttpUrl(base);
        return (
          <div key={env} className="rounded-md border border-slate-200 p-3 dark:border-slate-700" data-force-env={env}>
            <div className="flex flex-wrap items-center gap-2">
              <EnvBadge env={env} />
              <label htmlFor={`force-url-${env}`} className="text-sm">
                Application address in {env}
              </label>
              <input
                id={`force-url-${env}`}
                className={`${inputClass} min-w-0 flex-1 font-mono`}
                type="url"
                placeholder="https://qa.example.com/search"
                value={urls[env] ?? ''}
                onChange={(e) => keep(env, e.target.value)}
                aria-describedby={`force-url-hint-${env}`}
              />
            </div>
            <p id={`force-url-hint-${env}`} className="mt-1 text-xs text-slate-600 dark:text-slate-400">
              Kept in this browser. {base && !usable ? 'Give an http(s) address to get links.' : ''}
            </p>
            <ul className="mt-2 space-y-1 text-sm">
              {buckets!.map((bucket) => {
                const parameter = `${FORCE_GROUPS_PARAMETER}=${formatForceGroups({ groups: { [testName]: bucket.value } })}`;
                return (
                  <li key={bucket.value} className="flex flex-wrap items-center gap-2" data-force-bucket={bucket.value}>
                    <span className="min-w-32 font-medium">
                      {bucket.name} ({bucket.value})
                    </span>
                    {usable ? (
                      <a className={`${linkClass} break-all font-mono text-xs`} href={forceGroupsUrl(base, testName, bucket.value)} target="_blank" rel="noopener noreferrer">
                        Open {env} in {bucket.name}
                      </a>
                    ) : null}
                    <code className="break-all text-xs">{parameter}</code>
                    <button type="button" className={`${buttonClass} px-2 py-0.5 text-xs`} onClick={() => copy(usable ? forceGroupsUrl(base, testName, bucket.value) : parameter)} aria-label={`Copy the ${bucket.name} force ${usable ? 'link' : 'parameter'} for ${env}`}>
                      {copied === (usable ? forceGroupsUrl(base, testName, bucket.value) : parameter) ? 'Copied' : 'Copy'}
                    </button>
                  </li>
                );
              })}
            </ul>
          </div>
        );
      })}
    </section>
  );
}
