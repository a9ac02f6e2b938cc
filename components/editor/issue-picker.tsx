'use client';
/**
 * Issue key with typeahead from the tracker: each suggestion shows its summary and workflow status. Only issues a change
 * may still be recorded under are offered (closed ones are not), those already linked to this test first. The list
 * opens in the flow of the form, below the field, so it pushes the other fields down instead of covering them.
 */
import { useEffect, useId, useState } from 'react';
import { DEFAULT_WORKFLOW_RULES } from '@/lib/issues/workflow';
import { api, type IssueSummary } from '@/lib/ui/api';
import { inputClass } from '@/lib/ui/styles';

/** Open issues, those linked to the test first (in the order given), the rest as the tracker ranked them. */
function offered(results: IssueSummary[], linked: string[]): IssueSummary[] {
  const open = results.filter((issue) => !DEFAULT_WORKFLOW_RULES.saveForbiddenStatuses.includes(issue.status));
  const rank = (issue: IssueSummary) => (linked.includes(issue.key) ? linked.indexOf(issue.key) : linked.length);
  return open.map((issue, index) => ({ issue, index })).sort((a, b) => rank(a.issue) - rank(b.issue) || a.index - b.index).map((entry) => entry.issue);
}

const NO_KEYS: string[] = [];

export function IssuePicker({
  value,
  onChange,
  id,
  linked = NO_KEYS,
  describe = true,
  describedBy,
}: {
  value: string;
  onChange: (key: string) => void;
  id: string;
  /** Issue keys already linked to this test, newest first: offered first. */
  linked?: string[];
  /** Show the chosen issue's summary and status under the field (off when the form shows its own check). */
  describe?: boolean;
  describedBy?: string;
}) {
  const [results, setResults] = useState<IssueSummary[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const listId = useId();
  useEffect(() => {
    if (!open) return;
    const timer = setTimeout(() => {
      api.issues.search(value.trim(), 20)
        .then((r) => setResults(offered(r.issues, linked).slice(0, 10)))
        .catch(() => setResults([]));
    }, 150);
    return () => clearTimeout(timer);
  }, [value, open, linked.join(' ')]); // eslint-disable-line react-hooks/exhaustive-deps
  const selected = results.find((r) => r.key === value);
  const choose = (key: string) => {
    onChange(key);
    setOpen(false);
    setActive(-1);
  };
  return (
    <div>
      <input
        id={id}
        role="combobox"
        aria-expanded={open && results.length > 0}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={active >= 0 ? `${listId}-${active}` : undefined}
        aria-describedby={describedBy}
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
      {describe && selected && (
        <p className="mt-0.5 text-xs text-slate-600 dark:text-slate-400">
          {selected.summary} — <span className="font-medium">{selected.status}</span>
        </p>
      )}
      {open && results.length > 0 && (
        <ul id={listId} role="listbox" aria-label="Open issues" className="mt-1 max-h-40 w-full overflow-auto rounded-md border border-slate-300 bg-white dark:border-slate-600 dark:bg-slate-900">
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
              {linked.includes(issue.key) && <span className="text-xs text-slate-600 dark:text-slate-400">(linked to this test)</span>}{' '}
              <span className="rounded bg-slate-200 px-1 text-xs text-slate-800 dark:bg-slate-700 dark:text-slate-100">{issue.status}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
