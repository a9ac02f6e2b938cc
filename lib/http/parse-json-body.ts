/**
 * Reads a request body as JSON with a size limit, and explains malformed JSON by line and column (V8's messages give a
 * position only for some errors, so the project's own JSON reader finds and names the problem).
 */
import { AppError } from '@/lib/errors';
import { JsonParseError, locate, parseJson } from '@/lib/proctor/json';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Deepest nesting of objects and arrays a request body may have, checked on the text before JSON.parse so that nothing
 * after it (schema checks, readers, error scans, serialisers) ever meets a hostile depth. 1000 is the default Jackson
 * adopted in 2.15 (Proctor's 2.13 had none); our bodies need about 100 (a definition at its own limit of
 * MAX_DEFINITION_DEPTH inside the body), and deeper content is refused by its own reader with the place it broke.
 */
export const MAX_BODY_DEPTH = 1000;

function tooLarge(limit: number): AppError {
  return new AppError('PAYLOAD_TOO_LARGE', `The request body is larger than ${formatBytes(limit)}.`);
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

/** The body as text, refusing (413) as soon as more than `limit` bytes arrive, whatever Content-Length claims. */
export async function readBodyText(request: Request, limit: number = DEFAULT_MAX_BODY_BYTES): Promise<string> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(concat(chunks, total));
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const result = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    result.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return result;
}

export async function parseJsonBody(request: Request, limit: number = DEFAULT_MAX_BODY_BYTES): Promise<unknown> {
  const contentType = request.headers.get('content-type');
  if (contentType && !/^(application\/([\w.+-]+\+)?json|text\/plain)\b/i.test(contentType.trim())) {
    throw new AppError('BAD_REQUEST', `Send the request body as JSON (Content-Type: application/json), not ${contentType.split(';')[0]}.`);
  }
  const text = await readBodyText(request, limit);
  if (text.trim() === '') throw new AppError('BAD_REQUEST', 'The request body is empty; send a JSON object.');
  const value = parseJsonText(text);
  // In JSON text a NUL can only be written as the escape \u0000 (a raw control character is a syntax error): without
  // one, no string or key can hold it, and the walk over every value (~2.5 ms for 1,000 events) is skipped.
  if (text.includes('\\u0000')) assertNoNulInBody(value);
  return value;
}

/**
 * A NUL character (U+0000) in any string or key of a body is refused before anything reads it: PostgreSQL text and
 * git commits cannot hold one, so it could only fail deeper down, as a 500. The same rule as for addresses
 * (nul-in-url.ts). Iterative: the body's depth is already bounded, but no recursion is needed.
 */
export function assertNoNulInBody(value: unknown): void {
  const stack: { value: unknown; path: string }[] = [{ value, path: '' }];
  while (stack.length > 0) {
    const { value: node, path } = stack.pop()!;
    if (typeof node === 'string') {
      if (node.includes('\0')) throw nulInBody(path);
    } else if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) stack.push({ value: node[i], path: `${path}/${i}` });
    } else if (node !== null && typeof node === 'object') {
      for (const [key, inner] of Object.entries(node)) {
        const child = `${path}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
        if (key.includes('\0')) throw nulInBody(child);
        stack.push({ value: inner, path: child });
      }
    }
  }
}

function nulInBody(path: string): AppError {
  const shown = path.replace(/\0/g, '\\u0000');
  return new AppError('VALIDATION_FAILED', `${shown ? `The field ${shown}` : 'The body'} contains a NUL character (\\u0000), which cannot be stored. Remove it and try again.`, {
    details: [{ path: path.replace(/\0/g, '\\u0000'), message: 'must not contain the NUL character (\\u0000)' }],
  });
}

/**
 * Offset of the first `[` or `{` that opens level `limit + 1`, or -1. One pass over the text, aware of strings (a
 * bracket inside one does not count); malformed text is left for JSON.parse to refuse. A string is skipped with
 * indexOf to its next quote (a quote after an odd run of backslashes is escaped): a third of the time of a loop over
 * every character in it, which was ~1 ms for a batch of 1,000 events.
 */
export function findTooDeepOffset(text: string, limit: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (;;) {
        const quote = text.indexOf('"', i + 1);
        if (quote < 0) return -1;
        let before = quote - 1;
        while (text.charCodeAt(before) === 0x5c /* \ */) before--;
        i = quote;
        if ((quote - 1 - before) % 2 === 0) break;
      }
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > limit) return i;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return -1;
}

/**
 * JSON.parse with a BAD_REQUEST naming line and column of the first syntax error, after refusing (400) nesting deeper
 * than `maxDepth` levels.
 */
export function parseJsonText(text: string, maxDepth: number = MAX_BODY_DEPTH): unknown {
  const deep = findTooDeepOffset(text, maxDepth);
  if (deep >= 0) {
    const { line, column } = locate(text, deep);
    const problem = `nested deeper than ${maxDepth} levels at line ${line}, column ${column}`;
    throw new AppError('BAD_REQUEST', `The request body is ${problem}; send JSON nested at most ${maxDepth} levels deep.`, {
      details: [{ path: '', message: problem }],
      data: { line, column, maxDepth },
    });
  }
  try {
    return JSON.parse(text);
  } catch {
    const { message, line, column } = findJsonSyntaxError(text);
    throw new AppError('BAD_REQUEST', `The request body is not valid JSON: ${message}.`, { details: [{ path: '', message }], data: { line, column } });
  }
}

/**
 * The first JSON syntax error in `text` (offset, line, column and what is wrong), in the words of the project's one
 * JSON reader (lib/proctor/json.ts, strict: no comments), so the API and the editor describe malformed JSON alike.
 */
export function findJsonSyntaxError(text: string): JsonParseError {
  try {
    parseJson(text, { allowComments: false, maxDepth: Number.MAX_SAFE_INTEGER });
  } catch (error) {
    if (error instanceof JsonParseError) return error;
    throw error;
  }
  return new JsonParseError('Invalid JSON (line 1, column 1)', 0, 1, 1);
}
