'use client';
/** The team's rule context variables: a small table to edit, saved as a whole against the revision it was read at. */
import { useMemo, useState } from 'react';
import { ErrorPanel } from '@/components/error-panel';
import { COMMON_CONTEXT_TYPES, contextSchemaProblems } from '@/lib/domain/context-schema';
import { api, type ContextSchema, type ContextVariableRow } from '@/lib/ui/api';
import type { ApiErrorBody } from '@/lib/ui/api-error';
import { formatDateTime } from '@/lib/ui/format';
import { buttonClass, inputClass, primaryButtonClass } from '@/lib/ui/styles';

export function ContextSchemaEditor({ initial, canEdit }: { initial: ContextSchema; canEdit: boolean }) {
  const [schema, setSchema] = useState(initial);
  const [rows, setRows] = useState<ContextVariableRow[]>(initial.variables);
  const [error, setError] = useState<ApiErrorBody | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const trimmed = useMemo(() => rows.map((r) => ({ name: r.name.trim(), type: r.type.trim(), description: r.description.trim() })), [rows]);
  const problems = useMemo(() => contextSchemaProblems(trimmed), [trimmed]);
  const problemAt = (i: number, field: string) => problems.find((p) => p.path === `/variables/${i}/${field}`)?.message;
  const dirty = JSON.stringify(trimmed) !== JSON.stringify(schema.variables);
  const change = (i: number, field: keyof ContextVariableRow, value: string) => {
    setSaved(false);
    setRows((r) => r.map((row, j) => (j === i ? { ...row, [field]: value } : row)));
  };

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const next = await api.contextSchema.save({ variables: trimmed, baseRevision: schema.revision });
      setSchema(next);
      setRows(next.variables);
      setSaved(true);
    } catch (e) {
      setError(e as ApiErrorBody);
    } finally {
      setBusy(false);
    }
  };
  const reload = async () => {
    setError(null);
    try {
      const next = await api.contextSchema.read();
      setSchema(next);
      setRows(next.variables);
    } catch (e) {
      setError(e as ApiErrorBody);
    }
  };

  return (
    <div className="mt-3 space-y-3" data-testid="context-schema-editor">
      <datalist id="context-types">
        {COMMON_CONTEXT_TYPES.map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
      {rows.length === 0 && <p className="text-sm">The team&apos;s list is empty.</p>}
      {rows.length > 0 && (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead>
              <tr className="border-b border-slate-300 dark:border-slate-600">
                <th scope="col" className="py-1 pr-2">Variable</th>
                <th scope="col" className="py-1 pr-2">Type</th>
                <th scope="col" className="py-1 pr-2">What it holds</th>
                {canEdit && <th scope="col" className="py-1"><span className="sr-only">Remove</span></th>}
              </tr>
            </thead>
            <tbody>
              {rows.map((row, i) => {
                const nameProblem = problemAt(i, 'name');
                const typeProblem = problemAt(i, 'type');
                const descriptionProblem = problemAt(i, 'description');
                return (
                  <tr key={i} className="border-b border-slate-200 align-top dark:border-slate-700" data-variable-row={i}>
                    <td className="py-1 pr-2">
                      <input aria-label={`Variable ${i + 1} name`} className={`${inputClass} w-40 font-mono`} value={row.name} disabled={!canEdit} aria-invalid={!!nameProblem} onChange={(e) => change(i, 'name', e.target.value)} spellCheck={false} />
                      {nameProblem && <p className="mt-0.5 text-xs text-red-700 dark:text-red-400">{nameProblem}</p>}
                    </td>
                    <td className="py-1 pr-2">
                      <input aria-label={`Variable ${i + 1} type`} list="context-types" className={`${inputClass} w-32 font-mono`} value={row.type} disabled={!canEdit} aria-invalid={!!typeProblem} onChange={(e) => change(i, 'type', e.target.value)} spellCheck={false} />
                      {typeProblem && <p className="mt-0.5 text-xs text-red-700 dark:text-red-400">{typeProblem}</p>}
                    </td>
                    <td className="py-1 pr-2">
                      <input aria-label={`Variable ${i + 1} description`} className={`${inputClass} w-full min-w-40`} value={row.description} disabled={!canEdit} onChange={(e) => change(i, 'description', e.target.value)} />
                      {descriptionProblem && <p className="mt-0.5 text-xs text-red-700 dark:text-red-400">{descriptionProblem}</p>}
                    </td>
                    {canEdit && (
                      <td className="py-1">
                        <button type="button" className={buttonClass} aria-label={`Remove ${row.name || `variable ${i + 1}`}`} onClick={() => setRows((r) => r.filter((_, j) => j !== i))}>
                          Remove
                        </button>
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {canEdit ? (
        <div className="flex flex-wrap items-center gap-2">
          <button type="button" className={buttonClass} onClick={() => setRows((r) => [...r, { name: '', type: 'String', description: '' }])}>
            Add a variable
          </button>
          <button type="button" className={primaryButtonClass} disabled={busy || !dirty || problems.length > 0} onClick={() => void save()}>
            {busy ? 'Saving…' : 'Save the list'}
          </button>
          <span className="text-sm" role="status" data-testid="context-schema-status">
            {problems.length > 0 ? `${problems.length} problem(s) to fix before saving.` : saved ? `Saved (revision ${schema.revision}).` : dirty ? 'Unsaved changes.' : ''}
          </span>
        </div>
      ) : (
        <p className="text-sm text-slate-600 dark:text-slate-400">Changing the list needs the editor role.</p>
      )}
      {schema.updatedBy && (
        <p className="text-xs text-slate-600 dark:text-slate-400">
          Last changed by {schema.updatedBy}
          {schema.updatedAt ? ` on ${formatDateTime(schema.updatedAt)}` : ''} (revision {schema.revision}).
        </p>
      )}
      {error && (
        <div className="space-y-2">
          <ErrorPanel error={error} title="The list was not saved" />
          {error.code === 'STALE_REVISION' && (
            <button type="button" className={buttonClass} onClick={() => void reload()}>
              Load the current list (your changes here are dropped)
            </button>
          )}
        </div>
      )}
    </div>
  );
}
