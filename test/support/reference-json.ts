/**
 * The straightforward reader that lib/proctor/json.ts's parseJson replaced (closures per value, a sticky regex per
 * number, pointers built for every value), kept verbatim as the oracle of the differential test: the fast reader must
 * give the same values, positions and errors.
 */
import { JsonParseError } from '../../lib/proctor/json';
import { BigIntegerValue, DoubleValue, type JsonValue } from '../../lib/proctor/model';

const DEFAULT_MAX_DEPTH = 500;


interface ParseJsonOptions {
  /** Jackson's ALLOW_COMMENTS; on by default as in Proctor. */
  allowComments?: boolean;
  /** Deepest allowed nesting of objects/arrays. */
  maxDepth?: number;
  /** Record where every value starts, keyed by JSON pointer (for error messages about values). */
  trackPositions?: boolean;
}

interface ParsedJson {
  value: JsonValue;
  /** Offsets of values by JSON pointer; empty unless trackPositions was set. */
  positions: Map<string, number>;
}

/** Line and column (both 1-based) of an offset in text. */
function locate(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

function escapePointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Sets a property without triggering the `__proto__` setter, so a key named "__proto__" is kept as data. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

type Frame =
  | { kind: 'object'; value: Record<string, JsonValue>; pointer: string; key: string | null; count: number }
  | { kind: 'array'; value: JsonValue[]; pointer: string; count: number };

function describeChar(text: string, i: number): string {
  if (i >= text.length) return 'end of input';
  const code = text.codePointAt(i)!;
  if (code < 0x20) return `control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return `'${String.fromCodePoint(code)}'`;
}

/** Parses JSON text. Throws JsonParseError with line/column and what to fix. */
export function referenceParseJson(text: string, options: ParseJsonOptions = {}): ParsedJson {
  const allowComments = options.allowComments ?? true;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const positions = new Map<string, number>();
  const track = options.trackPositions === true;
  const n = text.length;
  let i = 0;

  const fail = (message: string, at: number = i): never => {
    const { line, column } = locate(text, at);
    throw new JsonParseError(`${message} (line ${line}, column ${column})`, at, line, column);
  };

  const skipSpace = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        i++;
      } else if (c === 0x2f /* / */) {
        const next = text.charCodeAt(i + 1);
        if (!allowComments) fail('Comments are not allowed here');
        if (next === 0x2f) {
          const end = text.indexOf('\n', i + 2);
          i = end < 0 ? n : end + 1;
        } else if (next === 0x2a) {
          const end = text.indexOf('*/', i + 2);
          if (end < 0) fail('Unterminated /* comment: add the closing */');
          i = end + 2;
        } else {
          fail(`Unexpected character ${describeChar(text, i)}: a comment starts with // or /*`);
        }
      } else if (c === 0xfeff && i === 0) {
        i++; // byte-order mark
      } else {
        break;
      }
    }
  };

  const readString = (): string => {
    const start = i; // at the opening quote
    i++;
    let out = '';
    let chunkStart = i;
    for (;;) {
      if (i >= n) fail('Unterminated string: add the closing double quote', start);
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(chunkStart, i);
        i++;
        return out;
      }
      if (c === 0x5c) {
        out += text.slice(chunkStart, i);
        const e = text.charCodeAt(i + 1);
        switch (e) {
          case 0x22: out += '"'; break;
          case 0x5c: out += '\\'; break;
          case 0x2f: out += '/'; break;
          case 0x62: out += '\b'; break;
          case 0x66: out += '\f'; break;
          case 0x6e: out += '\n'; break;
          case 0x72: out += '\r'; break;
          case 0x74: out += '\t'; break;
          case 0x75: {
            const hex = text.slice(i + 2, i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('Invalid \\u escape in string: expected four hex digits');
            out += String.fromCharCode(parseInt(hex, 16));
            i += 4;
            break;
          }
          default:
            fail(`Invalid escape \\${i + 1 < n ? text[i + 1] : ''} in string: use \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX`);
        }
        i += 2;
        chunkStart = i;
        continue;
      }
      if (c < 0x20) fail(`Unescaped ${describeChar(text, i)} in string: write it as an escape such as \\n`);
      i++;
    }
  };

  const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
  const readNumber = (): JsonValue => {
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) return fail(`Unexpected character ${describeChar(text, i)}: expected a value (object, array, string, number, true, false or null)`);
    const after = text.charCodeAt(i + m[0].length);
    if ((after >= 0x30 && after <= 0x39) || after === 0x2e || after === 0x65 || after === 0x45) {
      fail(`Malformed number starting '${text.slice(i, i + m[0].length + 1)}': numbers have no leading zeros and need digits after '.' or 'e'`);
    }
    const literal = m[0];
    const start = i;
    i += literal.length;
    const num = Number(literal);
    if (m[1] !== undefined || m[2] !== undefined) {
      if (!Number.isFinite(num)) fail(`Number ${literal} is out of range for a double`, start);
      return new DoubleValue(num);
    }
    // Jackson keeps larger integers exactly (Long / BigInteger; checked against real Proctor).
    if (!Number.isSafeInteger(num)) return new BigIntegerValue(BigInt(literal));
    return num === 0 ? 0 : num; // -0 → 0 as Jackson reads it as an int
  };

  const readLiteral = (word: string, value: JsonValue): JsonValue => {
    if (text.startsWith(word, i)) {
      const after = text.charCodeAt(i + word.length);
      const isIdent = (after >= 0x41 && after <= 0x5a) || (after >= 0x61 && after <= 0x7a) || (after >= 0x30 && after <= 0x39) || after === 0x5f;
      if (!isIdent) {
        i += word.length;
        return value;
      }
    }
    const m = /[A-Za-z0-9_$]+/y;
    m.lastIndex = i;
    const token = m.exec(text)?.[0] ?? text[i];
    return fail(`Unrecognized token '${token.slice(0, 40)}': expected a value (object, array, string, number, true, false or null); strings need double quotes`);
  };

  const stack: Frame[] = [];
  let root: JsonValue | undefined;
  let rootSet = false;

  skipSpace();
  if (i >= n) fail('The JSON text is empty: expected a JSON object');

  // Reads one value at i; containers push a frame and return undefined.
  const readValue = (pointer: string): { value: JsonValue } | undefined => {
    if (track) positions.set(pointer, i);
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (stack.length >= maxDepth) fail(`Nesting is deeper than ${maxDepth} levels: flatten the structure`);
      i++;
      if (c === 0x7b) stack.push({ kind: 'object', value: {}, pointer, key: null, count: 0 });
      else stack.push({ kind: 'array', value: [], pointer, count: 0 });
      return undefined;
    }
    if (c === 0x22) return { value: readString() };
    if (c === 0x74) return { value: readLiteral('true', true) };
    if (c === 0x66) return { value: readLiteral('false', false) };
    if (c === 0x6e) return { value: readLiteral('null', null) };
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return { value: readNumber() };
    if (c === 0x27) return fail("Strings must use double quotes (\"), not single quotes (')");
    if (c === 0x7d || c === 0x5d || c === 0x2c) return fail(`Unexpected ${describeChar(text, i)}: expected a value (a trailing comma is not allowed)`);
    return { value: readLiteral('\u0000', null) };
  };

  const attach = (value: JsonValue): void => {
    const top = stack[stack.length - 1];
    if (!top) {
      root = value;
      rootSet = true;
    } else if (top.kind === 'object') {
      setOwn(top.value, top.key as string, value);
      top.key = null;
      top.count++;
    } else {
      top.value.push(value);
      top.count++;
    }
  };

  {
    const first = readValue('');
    if (first) attach(first.value);
  }
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    skipSpace();
    if (i >= n) {
      fail(`Unexpected end of input: ${top.kind === 'object' ? "an object is missing its closing '}'" : "an array is missing its closing ']'"}`);
    }
    if (top.kind === 'object') {
      let c = text.charCodeAt(i);
      if (top.count > 0) {
        if (c === 0x7d) {
          i++;
          stack.pop();
          attach(top.value);
          continue;
        }
        if (c !== 0x2c) fail(`Unexpected ${describeChar(text, i)} in object: expected ',' or '}'`);
        i++;
        skipSpace();
        c = text.charCodeAt(i);
      } else if (c === 0x7d) {
        i++;
        stack.pop();
        attach(top.value);
        continue;
      }
      if (c !== 0x22) {
        if (c === 0x7d) fail("Trailing comma before '}': remove the last ','");
        fail(`Unexpected ${describeChar(text, i)}: expected a field name in double quotes`);
      }
      const key = readString();
      skipSpace();
      if (text.charCodeAt(i) !== 0x3a) fail(`Unexpected ${describeChar(text, i)} after field name "${key.slice(0, 60)}": expected ':'`);
      i++;
      skipSpace();
      if (i >= n) fail('Unexpected end of input: expected a value');
      top.key = key;
      const v = readValue(top.pointer + '/' + escapePointerToken(key));
      if (v) attach(v.value);
    } else {
      let c = text.charCodeAt(i);
      if (top.count > 0) {
        if (c === 0x5d) {
          i++;
          stack.pop();
          attach(top.value);
          continue;
        }
        if (c !== 0x2c) fail(`Unexpected ${describeChar(text, i)} in array: expected ',' or ']'`);
        i++;
        skipSpace();
        c = text.charCodeAt(i);
        if (c === 0x5d) fail("Trailing comma before ']': remove the last ','");
      } else if (c === 0x5d) {
        i++;
        stack.pop();
        attach(top.value);
        continue;
      }
      if (i >= n) fail('Unexpected end of input: expected a value');
      const v = readValue(top.pointer + '/' + top.count);
      if (v) attach(v.value);
    }
  }
  skipSpace();
  if (i < n) fail(`Unexpected ${describeChar(text, i)} after the end of the JSON value: remove it`);
  if (!rootSet) fail('No JSON value found');
  return { value: root as JsonValue, positions };
}

