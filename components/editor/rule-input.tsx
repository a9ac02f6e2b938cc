'use client';
/** A rule field checked as you type with the core's rule parser; a syntax error is marked at its column. */
import { useMemo } from 'react';
import { verifyRuleDetailed } from '@/lib/proctor';
import { inputClass } from '@/lib/ui/styles';
import { Field } from './editor-fields';

export function RuleInput({ label, path, value, onChange, placeholder }: { label: string; path: string; value: string | null; onChange: (rule: string | null) => void; placeholder?: string }) {
  const problem = useMemo(() => {
    try {
      return verifyRuleDetailed(value)[0] ?? null;
    } catch {
      return null;
    }
  }, [value]);
  return (
    <Field label={label} path={path}>
      {(props) => (
        <>
          <input
            {...props}
            aria-invalid={props['aria-invalid'] || problem !== null}
            className={`${inputClass} w-full font-mono`}
            value={value ?? ''}
            placeholder={placeholder}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => onChange(e.target.value.trim() === '' ? null : e.target.value)}
          />
          {problem && value && (
            <div className="mt-1 rounded bg-red-50 p-1.5 text-xs text-red-900 dark:bg-red-950 dark:text-red-100" role="status" data-testid="rule-error">
              {problem.position !== undefined && (
                <pre className="overflow-x-auto font-mono" aria-hidden>
                  {value}
                  {'\n'}
                  {' '.repeat(problem.position)}^
                </pre>
              )}
              <p>
                Rule error{problem.position !== undefined ? ` at column ${problem.position + 1}` : ''}: {problem.detail ?? problem.message}
              </p>
            </div>
          )}
        </>
      )}
    </Field>
  );
}
