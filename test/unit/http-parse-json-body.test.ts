import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/errors';
import { MAX_BODY_DEPTH, findJsonSyntaxError, findTooDeepOffset, parseJsonBody, parseJsonText } from '@/lib/http/parse-json-body';
import { validateBody } from '@/lib/http/validate-body';

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

async function rejected(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('parseJsonText', () => {
  // In the words of the project's one JSON reader (lib/proctor/json.ts), which the editor shows too; issue #15 retired
  // the HTTP layer's own scanner, whose words differed (e.g. `unexpected "}"`) at the same lines and columns.
  const cases: [string, string][] = [
    ['{"a": }', "The request body is not valid JSON: Unexpected '}': expected a value (a trailing comma is not allowed) (line 1, column 7)."],
    ['{\n  "a": 1,\n  "b": x\n}', "The request body is not valid JSON: Unrecognized token 'x': expected a value (object, array, string, number, true, false or null); strings need double quotes (line 3, column 8)."],
    ['{"a": 1,}', "The request body is not valid JSON: Trailing comma before '}': remove the last ',' (line 1, column 9)."],
    ['{"a":1', "The request body is not valid JSON: Unexpected end of input: an object is missing its closing '}' (line 1, column 7)."],
    ['{"a":1} x', "The request body is not valid JSON: Unexpected 'x' after the end of the JSON value: remove it (line 1, column 9)."],
    ["{'a': 1}", "The request body is not valid JSON: Unexpected ''': expected a field name in double quotes (line 1, column 2)."],
    ['[1 2]', "The request body is not valid JSON: Unexpected '2' in array: expected ',' or ']' (line 1, column 4)."],
    ['{"a": "x\ny"}', 'The request body is not valid JSON: Unescaped control character U+000A in string: write it as an escape such as \\n (line 1, column 9).'],
    ['{"a": /* no */ 1}', 'The request body is not valid JSON: Comments are not allowed here (line 1, column 7).'],
  ];
  it.each(cases)('%j → %s', (text, message) => {
    const error = thrown(() => parseJsonText(text));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toBe(message);
  });

  it('agrees with JSON.parse on valid documents', () => {
    for (const text of ['{}', '[]', '{"a":[1,-2.5e3,true,false,null,"\\u00e9\\n"]}', ' 0 ']) {
      expect(parseJsonText(text)).toEqual(JSON.parse(text));
      expect(() => findJsonSyntaxError(text)).not.toThrow();
    }
  });
});

describe('nesting depth', () => {
  const arrays = (n: number) => '['.repeat(n) + ']'.repeat(n);
  const objects = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

  it(`accepts ${MAX_BODY_DEPTH} levels and refuses one more with the limit, line and column (400)`, () => {
    expect(() => parseJsonText(arrays(MAX_BODY_DEPTH))).not.toThrow();
    const error = thrown(() => parseJsonText('{\n "a": ' + arrays(MAX_BODY_DEPTH) + '}'));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toBe(`The request body is nested deeper than ${MAX_BODY_DEPTH} levels at line 2, column ${7 + MAX_BODY_DEPTH - 1}; send JSON nested at most ${MAX_BODY_DEPTH} levels deep.`);
    expect(error.details).toEqual([{ path: '', message: `nested deeper than ${MAX_BODY_DEPTH} levels at line 2, column ${7 + MAX_BODY_DEPTH - 1}` }]);
  });

  // Well-formed, unclosed (V8's JSON.parse fails, and the error scan used to recurse once per level) and in objects.
  it.each([
    ['arrays', arrays(100_000)],
    ['unclosed arrays', '['.repeat(100_000)],
    ['objects', objects(100_000)],
    ['unclosed objects', '{"a":'.repeat(100_000)],
    ['inside a field', '{"name": "x", "definition": ' + objects(100_000) + '}'],
  ])('refuses 100,000 levels of %s without a stack overflow', (_, text) => {
    const error = thrown(() => parseJsonText(text));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toContain(`nested deeper than ${MAX_BODY_DEPTH} levels`);
  });

  it('does not count brackets inside strings', () => {
    const text = JSON.stringify({ a: '['.repeat(5000), b: '\\"{{{{', c: '"' + '{'.repeat(5000) });
    expect(findTooDeepOffset(text, 1)).toBe(-1);
    expect(parseJsonText(text)).toEqual(JSON.parse(text));
    expect(findTooDeepOffset('[{"x": "]]]", "y": [[]]}]', 3)).toBe(20);
  });

  it('ends a string only at a quote after an even run of backslashes', () => {
    // Strings ending in escaped backslashes, and holding escaped quotes after runs of them, then four levels.
    const text = JSON.stringify(['x\\"]]]', 'y\\\\', '\\"', '\\', [[['z']]]]);
    expect(findTooDeepOffset(text, 4)).toBe(-1);
    expect(findTooDeepOffset(text, 3)).toBe(text.lastIndexOf('['));
    expect(findTooDeepOffset('["\\\\"[[', 2)).toBe(6);
    expect(findTooDeepOffset('["\\"[["]', 1)).toBe(-1);
  });
});

describe('parseJsonBody', () => {
  it('refuses a 100,000-deep body (400)', async () => {
    const body = '{"name":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}';
    const error = await rejected(parseJsonBody(new Request('http://l/', { method: 'POST', body, headers: { 'content-type': 'application/json' } })));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toBe(`The request body is nested deeper than ${MAX_BODY_DEPTH} levels at line 1, column ${8 + MAX_BODY_DEPTH}; send JSON nested at most ${MAX_BODY_DEPTH} levels deep.`);
  });

  it('refuses bodies over the limit even without Content-Length', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(2000) });
    const stream = new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode(big)), c.close()) });
    const request = new Request('http://localhost/x', { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    const error = await rejected(parseJsonBody(request, 1024));
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(error.message).toBe('The request body is larger than 1 KB.');
  });

  it('refuses non-JSON content types and empty bodies', async () => {
    expect((await rejected(parseJsonBody(new Request('http://l/', { method: 'POST', body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } })))).code).toBe('BAD_REQUEST');
    expect((await rejected(parseJsonBody(new Request('http://l/', { method: 'POST', body: '  ' })))).message).toBe('The request body is empty; send a JSON object.');
  });
});

describe('validateBody', () => {
  const schema = {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: { name: { type: 'string', minLength: 1 }, days: { type: 'integer' } },
  };
  it('names unknown and missing fields', () => {
    const error = thrown(() => validateBody(schema, { nmae: 'x', colour: 1 }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toEqual([
      { path: '/name', message: "'name' is required" },
      { path: '/nmae', message: "unknown field 'nmae'" },
      { path: '/colour', message: "unknown field 'colour'" },
    ]);
    expect(error.message).toBe("The request body is not valid: /name: 'name' is required; /nmae: unknown field 'nmae'; /colour: unknown field 'colour'.");
  });
  it('explains type errors and accepts valid bodies', () => {
    expect(thrown(() => validateBody(schema, { name: 'a', days: 'x' })).details).toEqual([{ path: '/days', message: 'must be an integer' }]);
    expect(validateBody(schema, { name: 'a', days: 3 })).toEqual({ name: 'a', days: 3 });
  });
  // The one schema checker (lib/proctor/schema-check.ts) took these from the definition checks: the HTTP copy said
  // three things about a bad nullable value and left `/` and `~` unescaped in the pointer of an unknown field.
  it('names only the real problem of a nullable value', () => {
    const revision = { type: 'string', pattern: '^[0-9a-f]{40}$' };
    const nullable = { type: 'object', properties: { targetRevision: { anyOf: [revision, { type: 'null' }] } } };
    expect(validateBody(nullable, { targetRevision: null })).toEqual({ targetRevision: null });
    expect(thrown(() => validateBody(nullable, { targetRevision: 'main' })).details).toEqual([{ path: '/targetRevision', message: 'must match pattern "^[0-9a-f]{40}$"' }]);
  });
  it('escapes an unknown field name in its JSON pointer', () => {
    expect(thrown(() => validateBody(schema, { name: 'a', 'x/y~z': 1 })).details).toEqual([{ path: '/x~1y~0z', message: "unknown field 'x/y~z'" }]);
  });
});

describe('NUL characters in a body (issue #14: PostgreSQL and git cannot store them)', () => {
  const body = (value: unknown) => new Request('http://studio.test/x', { method: 'POST', body: JSON.stringify(value), headers: { 'content-type': 'application/json' } });
  it.each([
    [{ summary: 'a\u0000b' }, '/summary'],
    [{ specification: { tests: { ['t\u0000']: null } } }, '/specification/tests/t\\u0000'],
    [{ list: ['ok', 'n\u0000'] }, '/list/1'],
    [{ 'a/b': { c: '\u0000' } }, '/a~1b/c'],
    ['\u0000', ''],
  ])('refuses %j naming %s (422)', async (value, path) => {
    const error = await parseJsonBody(body(value)).then(
      () => null,
      (caught: AppError) => caught,
    );
    expect(error?.code).toBe('VALIDATION_FAILED');
    expect(error?.details).toEqual([{ path, message: 'must not contain the NUL character (\\u0000)' }]);
  });

  it('accepts every other character, an escaped backslash-zero included', async () => {
    const value = { text: 'tab\there \\u0000 \u0001 \uFFFD 😀', nested: [{ k: 'v' }] };
    expect(await parseJsonBody(body(value))).toEqual(value);
  });
});
