import Link from 'next/link';
import { focusRing } from '@/lib/ui/styles';

export const TEST_TABS = [
  ['overview', 'Overview'],
  ['results', 'Results'],
  ['history', 'History'],
  ['diff', 'Diff'],
  ['definition', 'Definition'],
  ['bucket-check', 'Bucket check'],
  ['usage', 'Usage'],
] as const;
export type TestTab = (typeof TEST_TABS)[number][0];

export function isTestTab(value: unknown): value is TestTab {
  return TEST_TABS.some(([tab]) => tab === value);
}

/** Section links of the test page; each is a deep link (?tab=…). */
export function TestTabs({ name, current }: { name: string; current: TestTab }) {
  return (
    <nav aria-label="Test sections" className="mb-4 flex flex-wrap gap-1 border-b border-slate-200 dark:border-slate-700">
      {TEST_TABS.map(([tab, label]) => (
        <Link
          key={tab}
          href={`/tests/${encodeURIComponent(name)}?tab=${tab}`}
          aria-current={tab === current ? 'page' : undefined}
          className={`-mb-px border-b-2 px-3 py-2 text-sm ${tab === current ? 'border-blue-700 font-semibold text-blue-800 dark:border-blue-300 dark:text-blue-200' : 'border-transparent text-slate-700 hover:border-slate-400 dark:text-slate-300'} ${focusRing}`}
        >
          {label}
        </Link>
      ))}
    </nav>
  );
}
