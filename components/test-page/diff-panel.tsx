import type { DefinitionDiff } from '@/lib/store';
import { shortRevision } from '@/lib/ui/format';
import { cardClass, inputClass, buttonClass } from '@/lib/ui/styles';
import { SemanticChanges, versionChangeText } from './semantic-changes';
import { SideBySideDiff } from './side-by-side-diff';

function sideLabel(side: DefinitionDiff['before']): string {
  return side.label.replace(/[0-9a-f]{40}/g, (revision) => shortRevision(revision));
}

/** Diff of two revisions or environments: the semantic summary first, the JSON side by side below. */
export function DiffPanel({ name, diff, from, to }: { name: string; diff: DefinitionDiff; from: string; to: string }) {
  const before = sideLabel(diff.before);
  const after = sideLabel(diff.after);
  const onlyVersion = diff.changes.length === 1 && diff.changes[0].kind === 'version-changed' ? diff.changes[0] : undefined;
  return (
    <div className="space-y-4">
      <form action={`/tests/${encodeURIComponent(name)}`} method="get" className="flex flex-wrap items-end gap-2">
        <input type="hidden" name="tab" value="diff" />
        <div className="flex flex-col gap-1">
          <label htmlFor="diff-from" className="text-xs font-medium">From (environment or revision)</label>
          <input id="diff-from" name="from" defaultValue={from} className={`${inputClass} font-mono`} />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="diff-to" className="text-xs font-medium">To (environment or revision)</label>
          <input id="diff-to" name="to" defaultValue={to} className={`${inputClass} font-mono`} />
        </div>
        <button type="submit" className={buttonClass}>Compare</button>
      </form>
      <section className={cardClass} aria-labelledby="diff-summary-title">
        <h2 id="diff-summary-title" className="mb-2 font-semibold">
          What changed from {before} to {after}
        </h2>
        {!diff.before.text && <p className="mb-2 text-sm">The test does not exist at {before}.</p>}
        {!diff.after.text && <p className="mb-2 text-sm">The test does not exist at {after}.</p>}
        {onlyVersion ? (
          <p className="mb-2 text-sm" data-diff-only-version>
            Same definition: only <code>version</code> differs ({versionChangeText(onlyVersion)}), the trunk revision a promoted copy records as its source (trunk itself keeps <code>-1</code>).
          </p>
        ) : (
          <SemanticChanges changes={diff.changes} />
        )}
      </section>
      <section aria-labelledby="diff-json-title">
        <h2 id="diff-json-title" className="mb-2 font-semibold">definition.json</h2>
        {diff.before.text === diff.after.text ? (
          <p className="text-sm">The files are identical.</p>
        ) : (
          <SideBySideDiff before={diff.before.text ?? ''} after={diff.after.text ?? ''} beforeLabel={before} afterLabel={after} />
        )}
      </section>
    </div>
  );
}
