'use client';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useRef, useState, useTransition } from 'react';
import { TEST_STATUSES, TEST_STATUS_LABEL } from '@/lib/domain/test-status';
import { landFilterQuery, requestFilterQuery, startFilterQuery, type FilterQuery } from '@/lib/ui/filter-query';
import { inputClass } from '@/lib/ui/styles';

/** Search box and filters of the tests list; every change updates the URL and the server filters (debounced search). */
export function TestFilters({ types, tags }: { types: string[]; tags: string[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [pending, startTransition] = useTransition();
  const [q, setQ] = useState(params.get('q') ?? '');
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const query = useRef<FilterQuery | null>(null);
  const current = params.toString();
  // A landing of this list's own earlier request is not followed (lib/ui/filter-query.ts); back/forward and links are.
  useEffect(() => {
    const landed = landFilterQuery(query.current ?? startFilterQuery(current), current);
    query.current = landed.state;
    if (landed.external) {
      if (timer.current) clearTimeout(timer.current);
      setQ(new URLSearchParams(current).get('q') ?? '');
    }
  }, [current]);

  function update(changes: Record<string, string>) {
    query.current = requestFilterQuery(query.current ?? startFilterQuery(current), changes);
    const next = query.current.latest;
    startTransition(() => router.replace(`${pathname}?${next}`, { scroll: false }));
  }

  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  const select = (name: string, label: string, options: [string, string][]) => (
    <div className="flex flex-col gap-1">
      <label htmlFor={`filter-${name}`} className="text-xs font-medium text-slate-700 dark:text-slate-300">
        {label}
      </label>
      <select id={`filter-${name}`} className={inputClass} value={params.get(name) ?? ''} onChange={(event) => update({ [name]: event.target.value })}>
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );

  return (
    <form role="search" className="mb-4 flex flex-wrap items-end gap-3" onSubmit={(event) => event.preventDefault()}>
      <div className="flex min-w-56 flex-1 flex-col gap-1">
        <label htmlFor="filter-q" className="text-xs font-medium text-slate-700 dark:text-slate-300">
          Search
        </label>
        <input
          id="filter-q"
          type="search"
          className={inputClass}
          placeholder="name, description, rule, bucket…"
          value={q}
          onChange={(event) => {
            const value = event.target.value;
            setQ(value);
            if (timer.current) clearTimeout(timer.current);
            timer.current = setTimeout(() => update({ q: value.trim() }), 200);
          }}
        />
      </div>
      {select('type', 'Type', [['', 'All types'], ...types.map((type): [string, string] => [type, type])])}
      {select('tag', 'Tag', [['', 'All tags'], ...tags.map((tag): [string, string] => [tag, tag])])}
      {select('env', 'Environment', [
        ['', 'Anywhere'],
        ['qa', 'In qa'],
        ['production', 'In production'],
        ['!qa', 'Not in qa'],
        ['!production', 'Not in production'],
      ])}
      {select('drift', 'Drift', [
        ['', 'Any'],
        ['any-behind', 'Trunk ahead somewhere'],
        ['qa-behind', 'Trunk ahead of qa'],
        ['production-behind', 'Trunk ahead of production'],
        ['in-sync', 'All in sync'],
      ])}
      {select('status', 'Status', [
        ['', 'Any status'],
        ...TEST_STATUSES.map((status) => [status, TEST_STATUS_LABEL[status].replace(/^./, (c) => c.toUpperCase())] as [string, string]),
      ])}
      {select('sort', 'Sort', [
        ['', 'Name'],
        ['updated', 'Recently changed'],
      ])}
      <span role="status" aria-live="polite" className="pb-2 text-xs text-slate-600 dark:text-slate-400">
        {pending ? 'Searching…' : ''}
      </span>
    </form>
  );
}
