'use client';
import type { FormHTMLAttributes } from 'react';

/**
 * A form that hands its fields to `submit` (no page load). `submit` resolves to the API's answer, or to undefined when
 * the call failed (useApiAction's `run` shows the error); on an answer `onSuccess` gets it and the form is cleared,
 * unless `keepValues`.
 */
export function ApiForm<T>({
  submit,
  onSuccess,
  keepValues = false,
  ...props
}: Omit<FormHTMLAttributes<HTMLFormElement>, 'onSubmit'> & { submit: (form: FormData) => Promise<T | undefined>; onSuccess?: (result: T) => void; keepValues?: boolean }) {
  return (
    <form
      {...props}
      onSubmit={async (event) => {
        event.preventDefault();
        const formElement = event.currentTarget;
        const result = await submit(new FormData(formElement));
        if (result === undefined) return;
        onSuccess?.(result);
        if (!keepValues) formElement.reset();
      }}
    />
  );
}

/** A form field's text ('' when absent). */
export function field(form: FormData, name: string): string {
  return String(form.get(name) ?? '');
}
