'use client';
/** Issue key with typeahead from the tracker: each suggestion shows its summary and workflow status. */
import { useEffect, useId, useState } from 'react';
import { api, type IssueSummary } from '@/lib/ui/api';
import { inputClass } from '@/lib/ui/styles';

export function IssuePicker({ value, onChange, id }: { value: string; onChange: (key: string) => void; id: string }) {
  const [results, setResults] = useState<IssueSummary[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const listId = useId();
  useEffect(() => {
    if (!open) return;
    const timer = setTimeout(() => {
      api.issues.search(value.trim(), 10)
        .then((r) => setResults(r.issues))
        .catch(() => setResults([]));
    }, 150);
    return () => clearTimeout(timer);
  }, [value, open]);
  const selected = results.find((r) => r.key === value);
  const choose = (key: string) => {
    onChange(key);
    setOpen(false);
    setActive(-1);
  };
  return (
    <div className="relative">
      <input
        id={id}
        role="combobox"
        aria-expanded={open && results.length > 0}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={active >= 0 ? `${listId}-${active}` : undefined}
        autoComplete="off"
        className={`${inputClass} w-full font-mono`}
        value={value}
        placeholder="e.g. PROTEST-1"
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onChange={(e) => {
          onChange(e.target.value);
          setOpen(true);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setOpen(true);
            setActive((a) => Math.min(results.length - 1, a + 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => Math.max(0, a - 1));
          } else if (e.key === 'Enter' && open && active >= 0 && results[active]) {
            e.preventDefault();
            choose(results[active].key);
          } else if (e.key === 'Escape' && open) {
            e.stopPropagation();
            setOpen(false);
          }
        }}
      />
      {selected && (
        <p className="mt-0.5 text-xs text-slate-600 dark:text-slate-400">
          {selected.summary} — <span className="font-medium">{selected.status}</span>
        </p>
      )}
      {open && results.length > 0 && (
        <ul id={listId} role="listbox" className="absolute z-20 mt-1 max-h-60 w-full overflow-auto rounded-md border border-slate-300 bg-white shadow-lg dark:border-slate-600 dark:bg-slate-900">
          {results.map((issue, i) => (
            <li
              key={issue.key}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={`cursor-pointer px-2 py-1 text-sm ${i === active ? 'bg-blue-100 dark:bg-blue-900' : ''}`}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(issue.key);
              }}
            >
              <span className="font-mono font-medium">{issue.key}</span> {issue.summary}{' '}
              <span className="rounded bg-slate-200 px-1 text-xs text-slate-800 dark:bg-slate-700 dark:text-slate-100">{issue.status}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
