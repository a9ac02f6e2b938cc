'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { ApiErrorBody } from './api-error';

/**
 * The one way a form or button runs an API call: busy while it runs, the API's error body kept for <ErrorPanel>, and
 * the server-rendered page refreshed after a success (unless `refresh: false`, for calls that change nothing shown or
 * navigate away). `run` resolves to undefined when the call failed.
 */
export function useApiAction({ refresh = true }: { refresh?: boolean } = {}) {
  const router = useRouter();
  const [error, setError] = useState<ApiErrorBody | null>(null);
  const [busy, setBusy] = useState(false);
  async function run<T>(action: () => Promise<T>): Promise<T | undefined> {
    setBusy(true);
    setError(null);
    try {
      const result = await action();
      if (refresh) router.refresh();
      return result;
    } catch (caught) {
      setError(caught as ApiErrorBody);
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  return { error, setError, busy, run };
}
