/**
 * HTTP for the matrix endpoint and its change stream. The matrix is served from memory with a strong ETag (the branch
 * head) so applications and CDNs revalidate cheaply: If-None-Match → 304 without a body.
 */
import type { BuiltMatrix, MatrixState } from './matrix-cache';
import type { MatrixChange, MatrixDistribution } from './matrix-distribution';
import type { Environment } from '@/lib/store';

/** RFC 9110 If-None-Match: weak comparison, `*` matches any current representation. */
export function etagMatches(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((raw) => {
    const tag = raw.trim();
    return tag === '*' || tag.replace(/^W\//, '') === bare;
  });
}

export function matrixHeaders(matrix: BuiltMatrix, failure: MatrixState['failure']): Headers {
  const headers = new Headers({
    etag: `"${matrix.revision}"`,
    // Shared caches may keep it but must revalidate every time: a promotion is visible on the next request.
    'cache-control': 'public, no-cache',
    'last-modified': new Date(matrix.artifact.audit.updated > 0 ? matrix.artifact.audit.updated : matrix.builtAt).toUTCString(),
    'x-proctor-revision': matrix.revision,
    'x-proctor-test-count': String(Object.keys(matrix.artifact.tests).length),
    'content-type': 'application/json;charset=utf-8',
  });
  if (failure) headers.set('x-proctor-matrix-warning', `Newest revision ${failure.revision.slice(0, 7)} failed validation; serving the last good matrix.`);
  return headers;
}

export function matrixResponse(request: Request, matrix: BuiltMatrix, failure: MatrixState['failure']): Response {
  const headers = matrixHeaders(matrix, failure);
  if (etagMatches(request.headers.get('if-none-match'), headers.get('etag')!)) return new Response(null, { status: 304, headers });
  headers.set('content-length', String(matrix.bytes.byteLength));
  return new Response(request.method === 'HEAD' ? null : (matrix.bytes as BodyInit), { status: 200, headers });
}

/** One Server-Sent Event. */
export function formatEvent(event: string, data: unknown, id?: string): string {
  return `${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

const KEEPALIVE_MS = 15_000;

/**
 * text/event-stream of `revision` events for one environment: the current revision at once, then each new one as the
 * branch moves (`failure` events when the newest head fails validation). Comments every 15 s keep proxies from closing
 * an idle connection; the client's EventSource-style reconnect resumes with the current revision.
 */
export function matrixEventStream(
  request: Request,
  distribution: MatrixDistribution,
  env: Environment,
  current: () => Promise<{ revision: string | null; failure: MatrixState['failure'] }>,
): Response {
  const encoder = new TextEncoder();
  let cleanup = () => undefined as void;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      send(`retry: 1000\n\n`);
      // Subscribe before reading the current revision, so a change in between is not lost.
      const unsubscribe = distribution.subscribe(env, (change: MatrixChange) => {
        if (change.revision) send(formatEvent('revision', { env, revision: change.revision, failure: change.failure }, change.revision));
        else send(formatEvent('failure', { env, revision: null, failure: change.failure }));
      });
      current().then(
        (state) => send(formatEvent('revision', { env, revision: state.revision, failure: state.failure }, state.revision ?? undefined)),
        () => undefined,
      );
      const keepalive = setInterval(() => send(`: keepalive ${Date.now()}\n\n`), KEEPALIVE_MS);
      keepalive.unref?.();
      cleanup = () => {
        unsubscribe();
        clearInterval(keepalive);
        try {
          controller.close();
        } catch {
          // already closed
        }
      };
      request.signal.addEventListener('abort', () => cleanup(), { once: true });
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    status: 200,
    headers: {
      'content-type': 'text/event-stream;charset=utf-8',
      // no-transform keeps compression middleware from buffering the stream.
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    },
  });
}
