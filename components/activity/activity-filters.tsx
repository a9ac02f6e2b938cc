import Link from 'next/link';
import { ENV_NAMES } from '@/lib/ui/environments';
import { buttonClass, inputClass, linkClass } from '@/lib/ui/styles';

export interface ActivityFilterValues {
  test?: string;
  user?: string;
  issue?: string;
  env?: string;
}

/** A plain GET form: the filters live in the address, so a filtered view can be shared and bookmarked. */
export function ActivityFilters({ values }: { values: ActivityFilterValues }) {
  const any = Object.values(values).some(Boolean);
  const field = (name: keyof ActivityFilterValues, label: string, placeholder: string) => (
    <div className="flex min-w-0 flex-col gap-1">
      <label htmlFor={`activity-${name}`} className="text-xs font-medium">{label}</label>
      <input id={`activity-${name}`} name={name} defaultValue={values[name] ?? ''} placeholder={placeholder} className={`${inputClass} w-full sm:w-44`} />
    </div>
  );
  return (
    <form action="/activity" method="get" role="search" aria-label="Filter activity" className="mb-4 grid grid-cols-2 items-end gap-2 sm:flex sm:flex-wrap">
      {field('test', 'Test', 'exact test name')}
      {field('user', 'User', 'user name')}
      {field('issue', 'Issue', 'PROTEST-12')}
      <div className="flex min-w-0 flex-col gap-1">
        <label htmlFor="activity-env" className="text-xs font-medium">Environment</label>
        <select id="activity-env" name="env" defaultValue={values.env ?? ''} className={`${inputClass} w-full sm:w-36`}>
          <option value="">all</option>
          {ENV_NAMES.map((env) => (
            <option key={env} value={env}>{env}</option>
          ))}
        </select>
      </div>
      <div className="col-span-2 flex items-center gap-3">
        <button type="submit" className={buttonClass}>Filter</button>
        {any && <Link href="/activity" className={`text-sm ${linkClass}`}>Clear filters</Link>}
      </div>
    </form>
  );
}
