import path from 'node:path';
import { connection } from 'next/server';
import { getConfig } from '@/lib/config';
import { listExampleTests } from '@/lib/examples/list-example-tests';

function percent(length: number): string {
  return `${Math.round(length * 1000) / 10}%`;
}

export default async function TestsPage() {
  await connection();
  const tests = await listExampleTests(path.join(getConfig().seedDir, 'test-definitions'));
  return (
    <main className="mx-auto max-w-6xl p-6">
      <h1 className="text-2xl font-semibold">Proctor Studio</h1>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
        {tests.length} test definitions in <code>proctor-data/</code>, validated with Proctor&apos;s rules.
      </p>
      <table className="mt-6 w-full border-collapse text-left text-sm" aria-label="Test definitions">
        <thead>
          <tr className="border-b border-slate-300 dark:border-slate-700">
            <th className="py-2 pr-4">Test</th>
            <th className="py-2 pr-4">Type</th>
            <th className="py-2 pr-4">Description</th>
            <th className="py-2 pr-4">Allocations</th>
            <th className="py-2">Validation</th>
          </tr>
        </thead>
        <tbody>
          {tests.map((test) => {
            const errors = test.issues.filter((issue) => issue.severity === 'error');
            const warnings = test.issues.filter((issue) => issue.severity === 'warning');
            return (
              <tr key={test.name} className="border-b border-slate-200 align-top dark:border-slate-800" data-test-name={test.name}>
                <td className="py-2 pr-4 font-mono">{test.name}</td>
                <td className="py-2 pr-4">{test.definition?.testType}</td>
                <td className="py-2 pr-4">{test.definition?.description}</td>
                <td className="py-2 pr-4">
                  {test.definition?.allocations.map((allocation, index) => (
                    <div key={index} className="font-mono text-xs">
                      {allocation.rule ?? 'everyone else'}:{' '}
                      {allocation.ranges.map((range) => `${range.bucketValue}=${percent(range.length)}`).join(' ')}
                    </div>
                  ))}
                </td>
                <td className="py-2">
                  {errors.length === 0 ? (
                    <span className="text-emerald-700 dark:text-emerald-400">valid</span>
                  ) : (
                    <ul className="text-red-700 dark:text-red-400">
                      {errors.map((issue, index) => (
                        <li key={index}>{issue.message}</li>
                      ))}
                    </ul>
                  )}
                  {warnings.length > 0 && <div className="text-amber-700 dark:text-amber-400">{warnings.length} warning(s)</div>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </main>
  );
}
