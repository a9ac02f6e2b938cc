import type { DriftState } from '@/lib/domain/drift';

/** "trunk ahead of production" and friends: how an environment relates to trunk. */
export function DriftBadge({ env, state }: { env: 'qa' | 'production'; state: DriftState }) {
  if (state === 'current') {
    return <span className="text-xs text-emerald-800 dark:text-emerald-300">in sync with trunk</span>;
  }
  if (state === 'none') {
    return <span className="text-xs text-slate-600 dark:text-slate-400">not in {env}</span>;
  }
  return (
    <span className={`rounded px-1 text-xs font-medium ${env === 'production' ? 'bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200' : 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200'}`}>
      trunk ahead of {env}
    </span>
  );
}
