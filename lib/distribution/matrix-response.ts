/**
 * HTTP for the matrix endpoint and its change stream. The matrix is served from precompressed bytes in memory with a
 * strong ETag per coding (the branch head, suffixed for gzip/br) so applications and CDNs revalidate cheaply:
 * If-None-Match → 304 without a body.
 */
import type { BuiltMatrix, MatrixState } from './matrix-cache';
import type { MatrixChange, MatrixDistribution } from './matrix-distribution';
import type { Environment } from '@/lib/store';
import { changeEvent, EVENT_STREAM_HEADERS, KEEPALIVE_MS } from './matrix-streams';
import { negotiateEncoding } from './matrix-variants';

/** RFC 9110 If-None-Match: weak comparison, `*` matches any current representation. */
export function etagMatches(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((raw) => {
    const tag = raw.trim();
    return tag === '*' || tag.replace(/^W\//, '') === bare;
  });
}

/** The branch URL: shared caches may keep it but must revalidate every time, so a promotion shows on the next request. */
export const BRANCH_CACHE_CONTROL = 'public, no-cache';
/** The pointer to the current revision's URL: short-lived, so a promotion is followed within seconds. */
export const POINTER_CACHE_CONTROL = 'public, max-age=2';
/** An application's own matrix: for it alone (token-authenticated), revalidated every time. */
export const APPLICATION_CACHE_CONTROL = 'private, no-cache';
/** A per-revision URL's bytes never change. */
export const REVISION_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/** What a request for a matrix says, from a Web Request or Node's IncomingMessage alike. */
export interface MatrixRequest {
  method: string;
  ifNoneMatch: string | null | undefined;
  acceptEncoding: string | null | undefined;
}

export interface MatrixAnswer {
  status: 200 | 304;
  /** Shared by every request given the same answer: read it, never change it. */
  headers: Readonly<Record<string, string>>;
  /** null for 304 and HEAD. */
  body: Buffer | null;
}

/** Per built matrix, the headers that do not depend on the request (computed once, not per request). */
const fixedHeaders = new WeakMap<BuiltMatrix, { testCount: string; lastModified: string }>();
/**
 * Per built matrix, each distinct answer made once (a handful: coding × 200/304 × GET/HEAD × cache policy × failure),
 * found by comparing those few values: no key text is made per request.
 */
interface MadeAnswer {
  encoding: string;
  status: 200 | 304;
  head: boolean;
  cacheControl: string;
  failure: string;
  answer: MatrixAnswer;
}
const answers = new WeakMap<BuiltMatrix, MadeAnswer[]>();

function fixedHeadersOf(matrix: BuiltMatrix): { testCount: string; lastModified: string } {
  let fixed = fixedHeaders.get(matrix);
  if (!fixed) {
    fixed = {
      testCount: String(matrix.testCount ?? Object.keys(matrix.artifact.tests).length),
      lastModified: new Date(matrix.artifact.audit.updated > 0 ? matrix.artifact.audit.updated : matrix.builtAt).toUTCString(),
    };
    fixedHeaders.set(matrix, fixed);
  }
  return fixed;
}

/**
 * The one rule of answering a matrix request: pick the coding (Accept-Encoding), compare that variant's strong ETag
 * with If-None-Match (→ 304, no body), else the precompressed bytes with their Content-Length. No per-request work
 * beyond that, so the request edge and the route give the same answer.
 */
export function answerMatrix(request: MatrixRequest, matrix: BuiltMatrix, failure: MatrixState['failure'], cacheControl: string = BRANCH_CACHE_CONTROL): MatrixAnswer {
  const variant = matrix.variants[negotiateEncoding(request.acceptEncoding)];
  // A fleet's revalidation sends back the very ETag it was given: that string needs no parsing.
  const ifNoneMatch = request.ifNoneMatch;
  const status = (ifNoneMatch === variant.etag && !ifNoneMatch.includes(',')) || etagMatches(ifNoneMatch ?? null, variant.etag) ? 304 : 200;
  const head = request.method === 'HEAD';
  const failed = failure?.revision ?? '';
  let made = answers.get(matrix);
  if (!made) answers.set(matrix, (made = []));
  for (const m of made) {
    if (m.encoding === variant.encoding && m.status === status && m.head === head && m.cacheControl === cacheControl && m.failure === failed) return m.answer;
  }
  const answer = makeAnswer(matrix, variant, status, head, failure, cacheControl);
  // Bounded all the same (cache policies are the few constants above).
  if (made.length < 64) made.push({ encoding: variant.encoding, status, head, cacheControl, failure: failed, answer });
  return answer;
}

function matrixWarning(failure: NonNullable<MatrixState['failure']>): string {
  return `Newest revision ${failure.revision.slice(0, 7)} failed validation; serving the last good matrix.`;
}

function makeAnswer(
  matrix: BuiltMatrix,
  variant: BuiltMatrix['variants'][keyof BuiltMatrix['variants']],
  status: 200 | 304,
  head: boolean,
  failure: MatrixState['failure'],
  cacheControl: string,
): MatrixAnswer {
  if (status === 304) {
    // RFC 9110 §15.4.5: a 304 carries the fields a 200 would (ETag, Vary, Cache-Control) and no other representation
    // metadata; a cache keeps the stored 200's. The revision stays: a client learns what it holds without a body.
    const headers: Record<string, string> = { etag: variant.etag, vary: 'accept-encoding', 'cache-control': cacheControl, 'x-proctor-revision': matrix.revision };
    if (failure) headers['x-proctor-matrix-warning'] = matrixWarning(failure);
    return Object.freeze({ status, headers: Object.freeze(headers), body: null });
  }
  const fixed = fixedHeadersOf(matrix);
  const headers: Record<string, string> = {
    etag: variant.etag,
    vary: 'accept-encoding',
    'cache-control': cacheControl,
    'last-modified': fixed.lastModified,
    'x-proctor-revision': matrix.revision,
    'x-proctor-test-count': fixed.testCount,
    'content-type': 'application/json;charset=utf-8',
  };
  if (failure) headers['x-proctor-matrix-warning'] = matrixWarning(failure);
  if (variant.encoding !== 'identity') headers['content-encoding'] = variant.encoding;
  headers['content-length'] = String(variant.bytes.byteLength);
  return Object.freeze({ status, headers: Object.freeze(headers), body: head ? null : variant.bytes });
}

/**
 * The same answer as a Web Response, for the routes: always the identity variant, because Next's route layer drops a
 * handler's Content-Encoding (the compressed bytes would reach the client undeclared). And `no-transform`, because
 * that layer would otherwise gzip the identity bytes on the fly: other bytes under the identity variant's strong ETag
 * (a cache holding both would mix them up). The precompressed variants are served by the request edge
 * (lib/http/matrix-edge.ts), which answers the hot path.
 */
export function matrixResponse(request: Request, matrix: BuiltMatrix, failure: MatrixState['failure'], cacheControl: string = BRANCH_CACHE_CONTROL): Response {
  const answer = answerMatrix(
    { method: request.method, ifNoneMatch: request.headers.get('if-none-match'), acceptEncoding: 'identity' },
    matrix,
    failure,
    `${cacheControl}, no-transform`,
  );
  return new Response(answer.body as BodyInit | null, { status: answer.status, headers: answer.headers });
}

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
      const unsubscribe = distribution.subscribe(env, (change: MatrixChange) => send(changeEvent(env, change.revision, change.failure)));
      current().then(
        (state) => send(changeEvent(env, state.revision, state.failure)),
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
    headers: EVENT_STREAM_HEADERS,
  });
}
