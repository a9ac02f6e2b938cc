import Link from 'next/link';
import { EnvBadge } from '@/components/env-badge';
import { SemanticChanges } from '@/components/test-page/semantic-changes';
import type { MatrixComparison as Comparison } from '@/lib/services/read-matrix';
import { shortRevision } from '@/lib/ui/format';
import { linkClass } from '@/lib/ui/styles';

const testLink = (name: string) => (
  <Link href={`/tests/${encodeURIComponent(name)}`} className={`break-all font-mono ${linkClass}`}>{name}</Link>
);

/** Two environments' matrices compared: what applications of `to` get that those of `from` do not. */
export function MatrixComparison({ comparison }: { comparison: Comparison }) {
  const { from, to, diff } = comparison;
  const onlyVersion = diff.changed.filter((test) => test.changes.every((change) => change.kind === 'version-changed'));
  const changed = diff.changed.filter((test) => !onlyVersion.includes(test));
  return (
    <div className="space-y-3 text-sm" data-matrix-diff>
      <p>
        From <EnvBadge env={from.env} /> <code>{shortRevision(from.revision)}</code> to <EnvBadge env={to.env} /> <code>{shortRevision(to.revision)}</code>:{' '}
        {diff.added.length} added, {diff.removed.length} removed, {changed.length} changed, {diff.unchanged + onlyVersion.length} the same
        {onlyVersion.length > 0 && ` (${onlyVersion.length} differ only in the version a promotion records)`}.
      </p>
      {diff.added.length > 0 && (
        <div>
          <h3 className="font-semibold">Only in {to.env}</h3>
          <ul className="ml-5 list-disc" aria-label={`Tests only in ${to.env}`}>{diff.added.map((name) => <li key={name}>{testLink(name)}</li>)}</ul>
        </div>
      )}
      {diff.removed.length > 0 && (
        <div>
          <h3 className="font-semibold">Only in {from.env}</h3>
          <ul className="ml-5 list-disc" aria-label={`Tests only in ${from.env}`}>{diff.removed.map((name) => <li key={name}>{testLink(name)}</li>)}</ul>
        </div>
      )}
      {changed.map((test) => (
        <div key={test.testName} data-matrix-changed={test.testName}>
          <h3 className="mb-1 font-semibold">{testLink(test.testName)}</h3>
          <SemanticChanges changes={test.changes} />
        </div>
      ))}
    </div>
  );
}
