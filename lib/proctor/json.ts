import { DoubleValue, type JsonValue } from './model';

/**
 * A small JSON reader/writer that behaves like Proctor's Jackson setup (Serializers.lenient()):
 * - reading accepts `//` and `/* *\/` comments, keeps duplicate keys' last value (Jackson's default), and keeps the
 *   lexical kind of numbers: `1.0` or `1e3` become a DoubleValue so they are written back as doubles (`1.0`), `1` stays
 *   a plain number. It is iterative with a depth limit, so hostile input gives an error instead of a stack overflow.
 * - writing reproduces Jackson's DefaultPrettyPrinter byte for byte and PlainNumericSerializer's double format.
 */

export const DEFAULT_MAX_DEPTH = 500;

export class JsonParseError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'JsonParseError';
  }
}

export interface ParseJsonOptions {
  /** Jackson's ALLOW_COMMENTS; on by default as in Proctor. */
  allowComments?: boolean;
  /** Deepest allowed nesting of objects/arrays. */
  maxDepth?: number;
  /** Record where every value starts, keyed by JSON pointer (for error messages about values). */
  trackPositions?: boolean;
}

export interface ParsedJson {
  value: JsonValue;
  /** Offsets of values by JSON pointer; empty unless trackPositions was set. */
  positions: Map<string, number>;
}

/** Line and column (both 1-based) of an offset in text. */
export function locate(text: string, offset: number): { line: number; column: number } {
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

export function escapePointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Sets a property without triggering the `__proto__` setter, so a key named "__proto__" is kept as data. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
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
export function parseJson(text: string, options: ParseJsonOptions = {}): ParsedJson {
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
    if (!Number.isSafeInteger(num)) {
      fail(`Integer ${literal} is too large to keep exactly (limit ±${Number.MAX_SAFE_INTEGER}); use a smaller number or a string`, start);
    }
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

// ---------------------------------------------------------------------------------------------------------------
// Number formatting

/** Text written verbatim by serializeJson (already formatted numbers). */
export class RawJson {
  constructor(readonly text: string) {}
}

function doubleBits(x: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent: number;
  if (biased === 0) {
    exponent = -1074;
  } else {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  return { mantissa, exponent };
}

/** Compares the exact binary value of |x| with the decimal digits/10^scale. */
function compareExact(x: number, digits: bigint, scale: number): number {
  const { mantissa, exponent } = doubleBits(Math.abs(x));
  let left = mantissa * 10n ** BigInt(scale);
  let right = digits;
  if (exponent >= 0) left <<= BigInt(exponent);
  else right <<= BigInt(-exponent);
  return left === right ? 0 : left > right ? 1 : -1;
}

/** Shortest round-trip digits of |x| as integer and fraction digit strings. */
function shortestDecimal(x: number): { intPart: string; fracPart: string } {
  const [mant, expText] = Math.abs(x).toExponential().split('e');
  const digits = mant.replace('.', '');
  const exp = Number(expText);
  if (exp >= 0) {
    const intLen = exp + 1;
    return digits.length <= intLen
      ? { intPart: digits + '0'.repeat(intLen - digits.length), fracPart: '' }
      : { intPart: digits.slice(0, intLen), fracPart: digits.slice(intLen) };
  }
  return { intPart: '0', fracPart: '0'.repeat(-exp - 1) + digits };
}

/**
 * Proctor's PlainNumericSerializer: `new DecimalFormat("0.0")` with at most 10 fraction digits, HALF_EVEN (JDK 8+
 * decides near-ties on the exact binary value). 1 → "1.0", 1e-7 → "0.0000001", 1e-11 → "0.0", 1/3 → "0.3333333333".
 */
export function formatPlainDouble(x: number, maxFractionDigits = 10): string {
  if (!Number.isFinite(x)) throw new Error(`Cannot write ${x} as a JSON number`);
  const negative = x < 0 || Object.is(x, -0);
  const { intPart, fracPart } = shortestDecimal(x);
  let all = intPart + fracPart.slice(0, maxFractionDigits);
  let frac = fracPart.slice(0, maxFractionDigits);
  if (fracPart.length > maxFractionDigits) {
    const dropped = fracPart.slice(maxFractionDigits);
    let up: boolean;
    if (dropped[0] > '5') up = true;
    else if (dropped[0] < '5') up = false;
    else if (/[1-9]/.test(dropped.slice(1))) up = true;
    else {
      const cmp = compareExact(x, BigInt(all + '5'), maxFractionDigits + 1);
      up = cmp > 0 || (cmp === 0 && Number(all[all.length - 1]) % 2 === 1);
    }
    if (up) all = (BigInt(all) + 1n).toString().padStart(all.length, '0');
    frac = all.slice(all.length - maxFractionDigits);
    all = all.slice(0, all.length - maxFractionDigits) || '0';
  } else {
    all = intPart;
  }
  const intText = all.replace(/^0+(?=\d)/, '');
  const fracText = frac.replace(/0+$/, '') || '0';
  return (negative ? '-' : '') + intText + '.' + fracText;
}

/** Java's Double.toString (used in Proctor's messages and for doubles inside `json` payloads, which are JsonNodes). */
export function javaDoubleToString(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const text = String(x);
    return text.includes('.') ? text : text + '.0';
  }
  const [mant, exp] = x.toExponential().split('e');
  return (mant.includes('.') ? mant : mant + '.0') + 'E' + (exp.startsWith('+') ? exp.slice(1) : exp);
}

/** Java's String.valueOf for a JSON value, as printed in Proctor's messages (Map/List toString). */
export function javaToString(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof DoubleValue) return javaDoubleToString(value.value);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : javaDoubleToString(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return '[' + value.map(javaToString).join(', ') + ']';
  return '{' + Object.entries(value).map(([k, v]) => `${k}=${javaToString(v)}`).join(', ') + '}';
}

// ---------------------------------------------------------------------------------------------------------------
// Writing (Jackson DefaultPrettyPrinter)

/** Jackson's string escaping: `"` `\` and control characters; everything else (incl. non-ASCII) raw. */
export function quoteJson(text: string): string {
  return '"' + text.replace(/["\\\u0000-\u001f]/g, (ch) => {
    switch (ch) {
      case '"': return '\\"';
      case '\\': return '\\\\';
      case '\n': return '\\n';
      case '\r': return '\\r';
      case '\t': return '\\t';
      case '\b': return '\\b';
      case '\f': return '\\f';
      default: return '\\u' + ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    }
  }) + '"';
}

export type WritableJson = JsonValue | RawJson | undefined | WritableJson[] | { [key: string]: WritableJson };

const MAX_WRITE_DEPTH = 1000;

/**
 * Writes a value exactly as Proctor's `writerWithDefaultPrettyPrinter()`: 2-space indent per object level, `"k" : v`,
 * `{ }`/`[ ]` when empty, arrays inline (`[ 1, 2 ]`, `[ {` … `}, {` … `} ]`), `\n` line breaks, no trailing newline.
 * Non-integer numbers and DoubleValues use PlainNumericSerializer; properties whose value is undefined are skipped.
 */
export function serializeJson(value: WritableJson): string {
  const out: string[] = [];
  write(value, 0, out, 0);
  return out.join('');
}

function write(value: WritableJson, objectDepth: number, out: string[], depth: number): void {
  if (depth > MAX_WRITE_DEPTH) throw new Error(`Cannot write JSON nested deeper than ${MAX_WRITE_DEPTH} levels`);
  if (value === null || value === undefined) {
    out.push('null');
  } else if (value instanceof RawJson) {
    out.push(value.text);
  } else if (value instanceof DoubleValue) {
    out.push(formatPlainDouble(value.value));
  } else if (typeof value === 'number') {
    out.push(Number.isInteger(value) && !Object.is(value, -0) ? String(value) : formatPlainDouble(value));
  } else if (typeof value === 'string') {
    out.push(quoteJson(value));
  } else if (typeof value === 'boolean') {
    out.push(value ? 'true' : 'false');
  } else if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push('[ ]');
      return;
    }
    out.push('[ ');
    value.forEach((item, index) => {
      if (index > 0) out.push(', ');
      write(item, objectDepth, out, depth + 1);
    });
    out.push(' ]');
  } else {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) {
      out.push('{ }');
      return;
    }
    const inner = '\n' + '  '.repeat(objectDepth + 1);
    out.push('{');
    entries.forEach(([key, v], index) => {
      out.push(index > 0 ? ',' + inner : inner);
      out.push(quoteJson(key), ' : ');
      write(v, objectDepth + 1, out, depth + 1);
    });
    out.push('\n' + '  '.repeat(objectDepth) + '}');
  }
}
