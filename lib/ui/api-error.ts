/** The API's error body {code, message, details} as the UI shows it (lib/ui/api.ts throws it for every failure). */
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
