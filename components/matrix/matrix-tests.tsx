import Link from 'next/link';
import { AllocationBar } from '@/components/allocation-bar';
import type { TestMatrixArtifact } from '@/lib/proctor/model';
import { percent } from '@/lib/ui/format';
import { linkClass } from '@/lib/ui/styles';

/** Rows shown at once; the search narrows a large matrix. */
export const MATRIX_ROWS = 100;

/** What one environment's matrix holds: each test with its type, buckets and allocations (rule and split). */
export function MatrixTests({ artifact, env, q }: { artifact: TestMatrixArtifact; env: string; q?: string }) {
  const needle = q?.toLowerCase();
  const names = Object.keys(artifact.tests).sort().filter((name) => !needle || name.toLowerCase().includes(needle));
  const shown = names.slice(0, MATRIX_ROWS);
  return (
    <>
      <p className="mb-2 text-sm text-slate-600 dark:text-slate-400" data-matrix-count={names.length}>
        {names.length} test{names.length === 1 ? '' : 's'}{q ? ` matching "${q}"` : ''}{names.length > shown.length ? `, the first ${shown.length} shown` : ''}.
      </p>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-700 dark:bg-slate-900">
        <table className="w-full min-w-[36rem] text-left text-sm" aria-label={`Tests in the ${env} matrix`}>
          <thead className="bg-slate-100 text-xs uppercase text-slate-700 dark:bg-slate-800 dark:text-slate-300">
            <tr>
              <th scope="col" className="px-3 py-2">Test</th>
              <th scope="col" className="px-3 py-2">Type</th>
              <th scope="col" className="px-3 py-2">Buckets</th>
              <th scope="col" className="px-3 py-2">Allocations</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((name) => {
              const test = artifact.tests[name];
              const bucketNames = new Map(test.buckets.map((bucket) => [bucket.value, bucket.name]));
              return (
                <tr key={name} className="border-t border-slate-200 align-top dark:border-slate-700" data-matrix-test={name}>
                  <td className="px-3 py-2">
                    <Link href={`/tests/${encodeURIComponent(name)}`} className={`break-all font-mono ${linkClass}`}>{name}</Link>
                  </td>
                  <td className="px-3 py-2 text-xs">{test.testType ?? '—'}</td>
                  <td className="px-3 py-2 text-xs">{test.buckets.map((bucket) => `${bucket.name} (${bucket.value})`).join(', ')}</td>
                  <td className="space-y-1.5 px-3 py-2 text-xs">
                    {test.allocations.map((allocation, index) => {
                      const ranges = allocation.ranges.map((range) => ({ ...range, bucketName: bucketNames.get(range.bucketValue) ?? String(range.bucketValue) }));
                      return (
                        <div key={index}>
                          <p>{allocation.rule ? <code className="break-all">{allocation.rule}</code> : <span className="italic">everyone else</span>}</p>
                          <AllocationBar ranges={ranges} compact label={`${name} allocation ${index + 1}`} />
                          <p className="text-slate-700 dark:text-slate-300">{ranges.filter((range) => range.length > 0).map((range) => `${range.bucketName} ${percent(range.length)}`).join(' · ')}</p>
                        </div>
                      );
                    })}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
