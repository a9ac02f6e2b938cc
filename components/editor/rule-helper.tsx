'use client';
/**
 * Evaluates the test rule and every allocation rule against sample contexts the user types (a small truth table),
 * and, when editing a saved test, what the edit changes: which sample contexts the saved rules kept out and the edited
 * ones let in, and the reverse.
 */
import Link from 'next/link';
import { memo, useMemo, useState } from 'react';
import { parseContextText } from '@/lib/domain/context-text';
import { buildTruthTable, compareAdmission, type AdmissionRow, type RuleOutcome } from '@/lib/editor/rule-truth-table';
import type { TestDefinition } from '@/lib/proctor';
import { inputClass, linkClass } from '@/lib/ui/styles';
import { Section } from './editor-fields';

const DEFAULT_SAMPLES = 'lang=en, country=US\nlang=fr, country=CA\nlang=en, country=CA\nlang=en, country=GB';

function Cell({ outcome }: { outcome: RuleOutcome }) {
  if ('error' in outcome) return <td className="px-2 py-1 text-red-700 dark:text-red-400" title={outcome.error}>error</td>;
  return <td className={`px-2 py-1 font-medium ${outcome.value ? 'text-emerald-700 dark:text-emerald-400' : 'text-slate-500 dark:text-slate-400'}`}>{outcome.value ? 'true' : 'false'}</td>;
}

const place = (allocation: number | null) => (allocation === null ? 'not in the test' : `allocation ${allocation + 1}`);

function describeChange(row: AdmissionRow): string {
  if (row.change === 'admitted') return `now admitted (${place(row.after)}); the saved rules kept it out`;
  if (row.change === 'refused') return `now kept out; the saved rules admitted it (${place(row.before)})`;
  return `moves from ${place(row.before)} to ${place(row.after)}`;
}

/** Memoised: the editor passes a deferred definition, so the table is rebuilt after a keystroke, not during it. */
export const RuleHelper = memo(function RuleHelper({ definition, saved }: { definition: TestDefinition; saved?: TestDefinition | null }) {
  const [samples, setSamples] = useState(DEFAULT_SAMPLES);
  const lines = useMemo(() => samples.split('\n').filter((l) => l.trim() !== '').map((line) => ({ line, parsed: parseContextText(line) })), [samples]);
  const contexts = useMemo(() => lines.flatMap((l) => (l.parsed.ok ? [{ line: l.line, context: l.parsed.context }] : [])), [lines]);
  const unreadable = lines.filter((l) => !l.parsed.ok);
  const rows = useMemo(() => buildTruthTable(definition, contexts.map((c) => c.context)), [definition, contexts]);
  const admission = useMemo(() => (saved ? compareAdmission(saved, definition, contexts.map((c) => c.context)) : null), [saved, definition, contexts]);
  const changed = admission ? admission.map((row, i) => ({ row, line: contexts[i].line })).filter(({ row }) => row.change !== 'same') : [];
  return (
    <Section title="Rule helper">
      <label htmlFor="rule-samples" className="block text-xs font-medium">
        Sample contexts, one per line: <code>lang=fr, country=CA</code> or a JSON object
      </label>
      <textarea id="rule-samples" className={`${inputClass} w-full font-mono`} rows={4} value={samples} onChange={(e) => setSamples(e.target.value)} spellCheck={false} aria-describedby="rule-samples-problems" />
      <div id="rule-samples-problems">
        {unreadable.map((l, i) => (
          <p key={i} className="text-xs text-red-700 dark:text-red-400" role="status">
            Line <code>{l.line}</code> is skipped: {!l.parsed.ok && l.parsed.message}
          </p>
        ))}
      </div>
      <div className="mt-2 overflow-x-auto">
        {/* The result comes right after the context, so it stays in view however many allocations follow. */}
        <table className="w-full text-sm" data-testid="truth-table">
          <caption className="sr-only">Rules evaluated against the sample contexts</caption>
          <thead>
            <tr className="text-left text-xs">
              <th className="px-2 py-1">Context</th>
              <th className="px-2 py-1">Result</th>
              <th className="px-2 py-1">Test rule</th>
              {definition.allocations.map((_, i) => (
                <th key={i} className="px-2 py-1 whitespace-nowrap">
                  Allocation {i + 1}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <tr key={i} className="border-t border-slate-200 align-top dark:border-slate-700">
                <td className="px-2 py-1 font-mono text-xs break-words">{contexts[i].line}</td>
                <td className="px-2 py-1" data-testid="truth-result">
                  {place(row.chosen)}
                </td>
                <Cell outcome={row.testRule} />
                {row.allocations.map((o, j) => (
                  <Cell key={j} outcome={o} />
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {admission && (
        <div className="mt-3" data-testid="rule-admits">
          <h3 className="text-sm font-semibold">What this change admits</h3>
          {changed.length === 0 ? (
            <p className="text-xs text-slate-600 dark:text-slate-400">On these sample contexts the edited rules admit and keep out the same people as the saved ones.</p>
          ) : (
            <ul className="mt-1 space-y-1 text-xs">
              {changed.map(({ row, line }, i) => (
                <li key={i} data-change={row.change} className={row.change === 'admitted' ? 'text-amber-800 dark:text-amber-300' : row.change === 'refused' ? 'text-blue-800 dark:text-blue-300' : ''}>
                  <code>{line}</code>: {describeChange(row)}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <p className="mt-3 text-xs text-slate-600 dark:text-slate-400">
        Variables are checked against the <Link href="/context-schema" className={`underline ${linkClass}`}>rule context</Link>: what applications provide plus the team&apos;s list.
      </p>
    </Section>
  );
});
