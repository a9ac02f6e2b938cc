'use client';
/**
 * The test changed since the user opened it: what changed (their base → current), and their edit re-applied on top of
 * the current revision (three-way, JSON-path level) with each conflicting path to decide.
 */
import { useMemo, useState } from 'react';
import { resolveConflicts, type ReapplyResult } from '@/lib/editor/reapply-edit';
import { formatJsonValue } from '@/lib/editor/form-values';
import { diffDefinitions, summarizeChanges, unifiedDiff, type JsonValue, type TestDefinition } from '@/lib/proctor';
import { shortRevision } from '@/lib/ui/format';
import { buttonClass, primaryButtonClass } from '@/lib/ui/styles';

export interface ConflictState {
  baseRevision: string;
  baseText: string;
  baseDefinition: TestDefinition;
  currentRevision: string;
  currentText: string;
  currentDefinition: TestDefinition;
  result: ReapplyResult<TestDefinition>;
}

function show(value: unknown): string {
  return value === undefined ? '(absent)' : formatJsonValue(value as JsonValue);
}

export function ConflictPanel({ conflict, onReapply, onDiscard, onCancel }: { conflict: ConflictState; onReapply: (merged: TestDefinition) => void; onDiscard: () => void; onCancel: () => void }) {
  const [useMine, setUseMine] = useState<Set<string>>(new Set());
  const summary = useMemo(() => summarizeChanges(diffDefinitions(conflict.baseDefinition, conflict.currentDefinition)), [conflict]);
  const diff = useMemo(() => unifiedDiff(conflict.baseText, conflict.currentText), [conflict]);
  const { result } = conflict;
  return (
    <section role="region" aria-labelledby="conflict-heading" className="rounded-lg border-2 border-amber-500 bg-amber-50 p-4 text-sm text-amber-950 dark:bg-amber-950 dark:text-amber-50" data-testid="conflict-panel">
      <h2 id="conflict-heading" className="text-base font-semibold">
        This test changed since you opened it
      </h2>
      <p className="mt-1">
        You started from revision <code>{shortRevision(conflict.baseRevision)}</code>; trunk is now at <code>{shortRevision(conflict.currentRevision)}</code>.
        Their changes: {summary || 'formatting only'}
      </p>
      <details className="mt-2">
        <summary className="cursor-pointer">What changed (diff)</summary>
        <pre className="mt-1 max-h-64 overflow-auto rounded bg-white p-2 font-mono text-xs text-slate-900 dark:bg-slate-900 dark:text-slate-100">{diff}</pre>
      </details>
      <p className="mt-2">
        {result.applied.length} of your change(s) re-apply cleanly on top of the current revision
        {result.conflicts.length > 0 ? `; ${result.conflicts.length} conflict(s) need a decision:` : '.'}
      </p>
      {result.conflicts.length > 0 && (
        <ul className="mt-1 space-y-2" data-testid="conflicts">
          {result.conflicts.map((c) => (
            <li key={c.path} className="rounded bg-white p-2 text-slate-900 dark:bg-slate-900 dark:text-slate-100">
              <fieldset>
                <legend className="font-mono text-xs font-semibold">{c.path}</legend>
                <p className="text-xs">was {show(c.base)}</p>
                <label className="mr-4 inline-flex items-center gap-1">
                  <input type="radio" name={`c-${c.path}`} checked={!useMine.has(c.path)} onChange={() => setUseMine((s) => new Set([...s].filter((p) => p !== c.path)))} />
                  keep theirs: <code className="text-xs">{show(c.theirs)}</code>
                </label>
                <label className="inline-flex items-center gap-1">
                  <input type="radio" name={`c-${c.path}`} checked={useMine.has(c.path)} onChange={() => setUseMine((s) => new Set([...s, c.path]))} />
                  use mine: <code className="text-xs">{show(c.mine)}</code>
                </label>
              </fieldset>
            </li>
          ))}
        </ul>
      )}
      <div className="mt-3 flex flex-wrap gap-2">
        <button type="button" className={primaryButtonClass} onClick={() => onReapply(resolveConflicts(result, useMine))}>
          Re-apply my edit onto revision {shortRevision(conflict.currentRevision)}
        </button>
        <button type="button" className={buttonClass} onClick={onDiscard}>
          Discard my edit, load the current revision
        </button>
        <button type="button" className={buttonClass} onClick={onCancel}>
          Not now
        </button>
      </div>
    </section>
  );
}
