import type { DefinitionChange } from '@/lib/proctor/diff-definitions';

/** The semantic summary of a diff ('control 10% → 50%', 'bucket b2 added'); warnings first and marked. */
export function SemanticChanges({ changes }: { changes: DefinitionChange[] }) {
  if (changes.length === 0) return <p className="text-sm text-slate-700 dark:text-slate-300">No changes: both sides are the same definition.</p>;
  const ordered = [...changes.filter((change) => change.warning), ...changes.filter((change) => !change.warning)];
  return (
    <ul className="space-y-1 text-sm" aria-label="Summary of changes">
      {ordered.map((change, index) => (
        <li key={index} className={`rounded px-2 py-1 ${change.warning ? 'border-l-4 border-amber-500 bg-amber-50 dark:bg-amber-950/50' : 'bg-slate-100 dark:bg-slate-800'}`} data-change-kind={change.kind}>
          {change.summary}
          {change.warning && <p className="text-xs font-medium text-amber-900 dark:text-amber-200">⚠ {change.warning}</p>}
        </li>
      ))}
    </ul>
  );
}
