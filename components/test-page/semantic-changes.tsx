import type { DefinitionChange } from '@/lib/proctor/diff-definitions';
import { shortRevision } from '@/lib/ui/format';
import { condenseWordDiff, diffWords, type WordDiffPart } from '@/lib/ui/word-diff';

/** Changes of free text, shown word by word instead of as two quoted (and possibly truncated) sides. */
const TEXT_CHANGES = new Set<DefinitionChange['kind']>(['description-changed', 'bucket-description-changed']);

function TextSide({ parts, side }: { parts: WordDiffPart[]; side: 'before' | 'after' }) {
  const hidden = side === 'before' ? 'added' : 'removed';
  const shown = parts.filter((part) => part.kind !== hidden);
  if (shown.every((part) => part.text.trim() === '')) return <span className="italic text-slate-600 dark:text-slate-400">empty</span>;
  return (
    <>
      {shown.map((part, index) =>
        part.kind === 'removed' ? (
          <del key={index} className="rounded-sm bg-red-200 px-0.5 text-red-950 decoration-red-700 dark:bg-red-900 dark:text-red-50" data-word-change="removed">
            {part.text}
          </del>
        ) : part.kind === 'added' ? (
          <ins key={index} className="rounded-sm bg-emerald-200 px-0.5 text-emerald-950 no-underline dark:bg-emerald-900 dark:text-emerald-50" data-word-change="added">
            {part.text}
          </ins>
        ) : (
          <span key={index}>{part.text}</span>
        ),
      )}
    </>
  );
}

/** "Description changed": the old and new text with the removed and added words marked, unchanged stretches shortened around them. */
function TextChange({ change }: { change: DefinitionChange }) {
  const before = typeof change.before === 'string' ? change.before : '';
  const after = typeof change.after === 'string' ? change.after : '';
  const parts = condenseWordDiff(diffWords(before, after));
  const title = change.kind === 'description-changed' ? 'Description changed' : change.summary.replace(/ description changed.*$/s, ' description changed');
  return (
    <>
      <span className="font-medium">{title}:</span>
      <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-2 gap-y-0.5 text-sm">
        <dt className="text-xs text-slate-600 dark:text-slate-400">before</dt>
        <dd className="min-w-0 break-words" data-text-side="before">
          <TextSide parts={parts} side="before" />
        </dd>
        <dt className="text-xs text-slate-600 dark:text-slate-400">after</dt>
        <dd className="min-w-0 break-words" data-text-side="after">
          <TextSide parts={parts} side="after" />
        </dd>
      </dl>
    </>
  );
}

/** `version` is the trunk revision a promoted copy records: bookkeeping of the promotion, not a change to the test. */
export function versionChangeText(change: DefinitionChange): string {
  const show = (value: unknown) => (typeof value === 'string' && /^[0-9a-f]{40}$/.test(value) ? shortRevision(value) : value === undefined || value === null ? 'none' : String(value));
  return `${show(change.before)} → ${show(change.after)}`;
}

function VersionNote({ change }: { change: DefinitionChange }) {
  return (
    <p className="mt-2 text-xs text-slate-600 dark:text-slate-400" data-change-kind="version-changed">
      Promotion bookkeeping: <code>version</code> {versionChangeText(change)} (the trunk revision a promoted copy records as its source; trunk keeps <code>-1</code>).
    </p>
  );
}

/** The semantic summary of a diff ('control 10% → 50%', 'bucket b2 added'); warnings first and marked, the version bookkeeping apart. */
export function SemanticChanges({ changes }: { changes: DefinitionChange[] }) {
  if (changes.length === 0) return <p className="text-sm text-slate-700 dark:text-slate-300">No changes: both sides are the same definition.</p>;
  const version = changes.find((change) => change.kind === 'version-changed');
  const rest = changes.filter((change) => change.kind !== 'version-changed');
  const ordered = [...rest.filter((change) => change.warning), ...rest.filter((change) => !change.warning)];
  return (
    <div>
      {ordered.length > 0 && (
        <ul className="space-y-1 text-sm" aria-label="Summary of changes">
          {ordered.map((change, index) => (
            <li key={index} className={`rounded px-2 py-1 ${change.warning ? 'border-l-4 border-amber-500 bg-amber-50 dark:bg-amber-950/50' : 'bg-slate-100 dark:bg-slate-800'}`} data-change-kind={change.kind}>
              {TEXT_CHANGES.has(change.kind) ? <TextChange change={change} /> : change.summary}
              {change.warning && <p className="text-xs font-medium text-amber-900 dark:text-amber-200">⚠ {change.warning}</p>}
            </li>
          ))}
        </ul>
      )}
      {version && <VersionNote change={version} />}
    </div>
  );
}
