'use client';
/**
 * Form building blocks of the editor: a field with its label and the validation issues at its JSON path, and an input
 * that keeps the user's text while it does not parse yet (so "1." on the way to "1.5" is not thrown away).
 */
import { createContext, useContext, useEffect, useId, useState } from 'react';
import type { ValidationIssue } from '@/lib/proctor';
import type { Parsed } from '@/lib/editor/form-values';
import type { PlainMessage } from '@/lib/ui/plain-words';
import { inputClass } from '@/lib/ui/styles';

/** An issue as the page shows it: in plain words, with Proctor's exact text when that differs. */
export type ShownIssue = ValidationIssue & PlainMessage;

/** Issues by JSON pointer (definition paths, e.g. /allocations/0/ranges). */
export const IssuesContext = createContext<Map<string, ShownIssue[]>>(new Map());

/** A field whose text does not parse (or collides): the value it shows is not in the definition, so it counts. */
export interface FieldError {
  path: string;
  message: string;
}
/** Where a ParsedInput reports its error while it has one (the editor counts them in Problems and blocks saving). */
export const FieldErrorsContext = createContext<((key: string, error: FieldError | null) => void) | null>(null);

export function groupIssues(issues: ShownIssue[]): Map<string, ShownIssue[]> {
  const map = new Map<string, ShownIssue[]>();
  for (const issue of issues) {
    const list = map.get(issue.path);
    if (list) list.push(issue);
    else map.set(issue.path, [issue]);
  }
  return map;
}

export function useIssuesAt(path: string): ShownIssue[] {
  return useContext(IssuesContext).get(path) ?? EMPTY;
}
const EMPTY: ShownIssue[] = [];

/** The DOM id of the control for a JSON path, so the summary can move focus there. */
export function fieldId(path: string): string {
  return `field${path.replace(/[^a-zA-Z0-9]/g, '-')}`;
}

/** "Proctor says: …" under a message the page rewords, so the exact text stays at hand. */
export function ProctorSays({ text }: { text: string | null }) {
  if (!text) return null;
  return (
    <span className="block text-[11px] text-slate-600 dark:text-slate-400" data-testid="proctor-says">
      Proctor says: <q className="font-mono">{text}</q>
    </span>
  );
}

export function IssueMessages({ issues, id }: { issues: ShownIssue[]; id?: string }) {
  if (issues.length === 0) return null;
  return (
    <ul id={id} className="mt-1 space-y-0.5 text-xs" data-testid="field-issues">
      {issues.map((issue, i) => (
        <li key={i} className={`break-words ${issue.severity === 'error' ? 'text-red-700 dark:text-red-400' : 'text-amber-800 dark:text-amber-300'}`}>
          <span className="font-semibold">{issue.severity === 'error' ? 'Error: ' : 'Warning: '}</span>
          {issue.text}
          <ProctorSays text={issue.proctor} />
        </li>
      ))}
    </ul>
  );
}

/** Label + control + issues at `path`. The control gets id/aria props through the render prop. */
export function Field({
  label,
  path,
  hint,
  className,
  children,
}: {
  label: string;
  path: string;
  hint?: string;
  className?: string;
  children: (props: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string; 'data-path': string }) => React.ReactNode;
}) {
  const issues = useIssuesAt(path);
  const messagesId = useId();
  const id = fieldId(path);
  const hasError = issues.some((i) => i.severity === 'error');
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-xs font-medium text-slate-700 dark:text-slate-300">
        {label}
      </label>
      {children({ id, 'aria-invalid': hasError, 'aria-describedby': issues.length ? messagesId : undefined, 'data-path': path })}
      {hint && <p className="mt-0.5 text-xs text-slate-600 dark:text-slate-400">{hint}</p>}
      <IssueMessages issues={issues} id={messagesId} />
    </div>
  );
}

/** A text input for a value that must parse; shows its own parse message and commits only valid values. */
export function ParsedInput<T>({
  value,
  format,
  parse,
  onCommit,
  className,
  multiline,
  ...rest
}: {
  value: T;
  format: (value: T) => string;
  parse: (text: string) => Parsed<T>;
  onCommit: (value: T) => void;
  className?: string;
  multiline?: boolean;
  id?: string;
  'aria-label'?: string;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
  'data-path'?: string;
  placeholder?: string;
}) {
  const formatted = format(value);
  const [text, setText] = useState(formatted);
  const [seen, setSeen] = useState(formatted);
  const [message, setMessage] = useState<string | null>(null);
  const errorId = useId();
  const report = useContext(FieldErrorsContext);
  const path = rest['data-path'] ?? '';
  useEffect(() => {
    if (!report) return;
    report(errorId, message === null ? null : { path, message });
    return () => report(errorId, null);
  }, [report, errorId, path, message]);
  if (formatted !== seen) {
    // The value changed elsewhere (JSON view, another control): show it unless the text already means it.
    setSeen(formatted);
    const parsed = parse(text);
    if (!(parsed.ok && format(parsed.value) === formatted)) {
      setText(formatted);
      setMessage(null);
    }
  }
  const onChange = (next: string) => {
    setText(next);
    const parsed = parse(next);
    if (parsed.ok) {
      setMessage(null);
      onCommit(parsed.value);
    } else setMessage(parsed.message);
  };
  const props = {
    ...rest,
    value: text,
    className: `${inputClass} ${message ? 'border-red-600 dark:border-red-500' : ''} ${className ?? ''}`,
    'aria-invalid': rest['aria-invalid'] || message !== null,
    'aria-describedby': [rest['aria-describedby'], message ? errorId : undefined].filter(Boolean).join(' ') || undefined,
  };
  return (
    <>
      {multiline ? (
        <textarea {...props} rows={2} spellCheck={false} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input {...props} spellCheck={false} onChange={(e) => onChange(e.target.value)} />
      )}
      {message && (
        <p id={errorId} className="mt-0.5 text-xs text-red-700 dark:text-red-400" role="status">
          {message}
        </p>
      )}
    </>
  );
}

export function Section({ title, children, actions, id }: { title: string; children: React.ReactNode; actions?: React.ReactNode; id?: string }) {
  return (
    <section aria-labelledby={`${id ?? title}-heading`} className="rounded-lg border border-slate-200 p-4 dark:border-slate-700">
      <div className="mb-3 flex items-center justify-between gap-2">
        <h2 id={`${id ?? title}-heading`} className="text-base font-semibold">
          {title}
        </h2>
        {actions}
      </div>
      {children}
    </section>
  );
}
