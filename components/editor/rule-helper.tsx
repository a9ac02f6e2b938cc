'use client';
/** Evaluates the test rule and every allocation rule against sample contexts the user types (a small truth table). */
import { memo, useMemo, useState } from 'react';
import { buildTruthTable, parseSampleContext, type RuleOutcome } from '@/lib/editor/rule-truth-table';
import type { TestDefinition } from '@/lib/proctor';
import { inputClass } from '@/lib/ui/styles';
import { Section } from './editor-fields';

const DEFAULT_SAMPLES = 'lang=en, country=US\nlang=fr, country=CA\nlang=en, country=GB';

function Cell({ outcome }: { outcome: RuleOutcome }) {
  if ('error' in outcome) return <td className="px-2 py-1 text-red-700 dark:text-red-400" title={outcome.error}>error</td>;
  return <td className={`px-2 py-1 font-medium ${outcome.value ? 'text-emerald-700 dark:text-emerald-400' : 'text-slate-500 dark:text-slate-400'}`}>{outcome.value ? 'true' : 'false'}</td>;
}

/** Memoised: the editor passes a deferred definition, so the table is rebuilt after a keystroke, not during it. */
export const RuleHelper = memo(function RuleHelper({ definition }: { definition: TestDefinition }) {
  const [samples, setSamples] = useState(DEFAULT_SAMPLES);
  const contexts = useMemo(() => samples.split('\n').filter((l) => l.trim() !== '').map((line) => ({ line, context: parseSampleContext(line) })), [samples]);
  const rows = useMemo(() => buildTruthTable(definition, contexts.map((c) => c.context)), [definition, contexts]);
  return (
    <Section title="Rule helper">
      <label htmlFor="rule-samples" className="block text-xs font-medium">
        Sample contexts, one per line (name=value, separated by commas)
      </label>
      <textarea id="rule-samples" className={`${inputClass} w-full font-mono`} rows={4} value={samples} onChange={(e) => setSamples(e.target.value)} spellCheck={false} />
      <div className="mt-2 overflow-x-auto">
        <table className="text-sm" data-testid="truth-table">
          <caption className="sr-only">Rules evaluated against the sample contexts</caption>
          <thead>
            <tr className="text-left text-xs">
              <th className="px-2 py-1">Context</th>
              <th className="px-2 py-1">Test rule</th>
              {definition.allocations.map((_, i) => (
                <th key={i} className="px-2 py-1">
                  Allocation {i + 1}
                </th>
              ))}
              <th className="px-2 py-1">Result</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <tr key={i} className="border-t border-slate-200 dark:border-slate-700">
                <td className="px-2 py-1 font-mono text-xs">{contexts[i].line}</td>
                <Cell outcome={row.testRule} />
                {row.allocations.map((o, j) => (
                  <Cell key={j} outcome={o} />
                ))}
                <td className="px-2 py-1">{row.chosen === null ? 'not in the test' : `allocation ${row.chosen + 1}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Section>
  );
});
