/** The API's error body {code, message, details} as the UI shows it, and the one way client components read it. */
export interface ApiErrorBody {
  code: string;
  message: string;
  details?: { path: string; message: string }[];
  data?: unknown;
}

export function toApiError(error: unknown): ApiErrorBody {
  if (error && typeof error === 'object' && 'code' in error && 'message' in error) {
    const e = error as { code: unknown; message: unknown; details?: unknown; data?: unknown };
    return {
      code: String(e.code),
      message: String(e.message),
      details: Array.isArray(e.details) ? (e.details as ApiErrorBody['details']) : undefined,
      data: e.data,
    };
  }
  return { code: 'NETWORK', message: error instanceof Error ? `Could not reach the server: ${error.message}` : 'Could not reach the server.' };
}

/** fetch a same-origin JSON API; resolves to the parsed body or throws an ApiErrorBody. */
export async function callApi<T>(url: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: init.body === undefined ? undefined : { 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      credentials: 'same-origin',
    });
  } catch (error) {
    throw toApiError(error);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    if (parsed && typeof parsed === 'object' && 'code' in parsed) throw toApiError(parsed);
    throw { code: `HTTP_${response.status}`, message: `The server answered ${response.status} ${response.statusText}.` } satisfies ApiErrorBody;
  }
  return parsed as T;
}
