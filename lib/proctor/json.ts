import { BigIntegerValue, DoubleValue, type JsonValue } from './model';

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
    /** JSON pointer of the value that broke the depth limit (set only for that error). */
    readonly pointer?: string,
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
  /** Stop after the first value and ignore what follows, as Jackson's ObjectMapper.readValue does. */
  allowTrailingText?: boolean;
}

export interface ParsedJson {
  value: JsonValue;
  /** Offsets of values by JSON pointer; empty unless trackPositions was set. */
  positions: Map<string, number>;
  /** Where ignored text after the value starts (allowTrailingText only); absent when there is none. */
  trailingTextAt?: number;
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
  const text = String(token);
  if (text.indexOf('~') < 0 && text.indexOf('/') < 0) return text;
  return text.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Sets a property without triggering the `__proto__` setter, so a key named "__proto__" is kept as data. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function describeChar(text: string, i: number): string {
  if (i >= text.length) return 'end of input';
  const code = text.codePointAt(i)!;
  if (code < 0x20) return `control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return `'${String.fromCodePoint(code)}'`;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * One parse. A class rather than closures so the per-character loops work on fields of one monomorphic object and
 * nothing is allocated per value beyond the value itself; JSON pointers are built only when positions are tracked.
 */
class JsonScanner {
  i = 0;
  readonly n: number;
  readonly positions = new Map<string, number>();

  trailingTextAt: number | undefined;

  constructor(
    readonly text: string,
    readonly allowComments: boolean,
    readonly maxDepth: number,
    readonly track: boolean,
    readonly allowTrailingText = false,
  ) {
    this.n = text.length;
  }

  fail(message: string, at: number = this.i): never {
    const { line, column } = locate(this.text, at);
    throw new JsonParseError(`${message} (line ${line}, column ${column})`, at, line, column);
  }

  /** The depth error, with the pointer of the container being opened (worked out from the stacks, only now). */
  failTooDeep(containers: Array<Record<string, JsonValue> | JsonValue[]>, keys: Array<string | null>): never {
    let pointer = '';
    for (let d = 0; d < containers.length; d++) {
      const top = containers[d];
      pointer += '/' + (Array.isArray(top) ? String(top.length) : escapePointerToken(keys[d] ?? ''));
    }
    const { line, column } = locate(this.text, this.i);
    const message = `Nesting is deeper than ${this.maxDepth} levels: flatten the structure`;
    throw new JsonParseError(`${message} (line ${line}, column ${column})`, this.i, line, column, pointer);
  }

  skipSpace(): void {
    const text = this.text;
    const n = this.n;
    let i = this.i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        i++;
      } else if (c === 0x2f /* / */) {
        this.i = i;
        const next = text.charCodeAt(i + 1);
        if (!this.allowComments) this.fail('Comments are not allowed here');
        if (next === 0x2f) {
          const end = text.indexOf('\n', i + 2);
          i = end < 0 ? n : end + 1;
        } else if (next === 0x2a) {
          const end = text.indexOf('*/', i + 2);
          if (end < 0) this.fail('Unterminated /* comment: add the closing */');
          i = end + 2;
        } else {
          this.fail(`Unexpected character ${describeChar(text, i)}: a comment starts with // or /*`);
        }
      } else if (c === 0xfeff && i === 0) {
        i++; // byte-order mark
      } else {
        break;
      }
    }
    this.i = i;
  }

  /** Reads a string at the opening quote. Without escapes the result is one slice of the text. */
  readString(): string {
    const text = this.text;
    const n = this.n;
    const start = this.i;
    let i = start + 1;
    for (;;) {
      if (i >= n) {
        this.i = i;
        return this.fail('Unterminated string: add the closing double quote', start);
      }
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        this.i = i + 1;
        return text.slice(start + 1, i);
      }
      if (c === 0x5c) break;
      if (c < 0x20) {
        this.i = i;
        return this.fail(`Unescaped ${describeChar(text, i)} in string: write it as an escape such as \\n`);
      }
      i++;
    }
    // Escapes: collect chunks between them.
    let out = text.slice(start + 1, i);
    let chunkStart = i;
    for (;;) {
      if (i >= n) {
        this.i = i;
        return this.fail('Unterminated string: add the closing double quote', start);
      }
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(chunkStart, i);
        this.i = i + 1;
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
            const h0 = hexDigit(text.charCodeAt(i + 2));
            const h1 = hexDigit(text.charCodeAt(i + 3));
            const h2 = hexDigit(text.charCodeAt(i + 4));
            const h3 = hexDigit(text.charCodeAt(i + 5));
            if (h0 < 0 || h1 < 0 || h2 < 0 || h3 < 0) {
              this.i = i;
              this.fail('Invalid \\u escape in string: expected four hex digits');
            }
            out += String.fromCharCode((h0 << 12) | (h1 << 8) | (h2 << 4) | h3);
            i += 4;
            break;
          }
          default:
            this.i = i;
            this.fail(`Invalid escape \\${i + 1 < n ? text[i + 1] : ''} in string: use \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX`);
        }
        i += 2;
        chunkStart = i;
        continue;
      }
      if (c < 0x20) {
        this.i = i;
        this.fail(`Unescaped ${describeChar(text, i)} in string: write it as an escape such as \\n`);
      }
      i++;
    }
  }

  /**
   * Reads `-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?` at i (the longest match, as a sticky regex would); a fraction or
   * exponent makes a DoubleValue. Short integers are accumulated while scanning instead of going through Number().
   */
  readNumber(): JsonValue {
    const text = this.text;
    const start = this.i;
    let i = start;
    if (text.charCodeAt(i) === 0x2d) i++;
    let c = text.charCodeAt(i);
    if (!isDigit(c)) {
      return this.fail(`Unexpected character ${describeChar(text, start)}: expected a value (object, array, string, number, true, false or null)`);
    }
    let acc = 0;
    const intStart = i;
    if (c === 0x30) {
      i++;
    } else {
      do {
        acc = acc * 10 + (c - 0x30);
        c = text.charCodeAt(++i);
      } while (isDigit(c));
    }
    const intDigits = i - intStart;
    let isDouble = false;
    if (text.charCodeAt(i) === 0x2e && isDigit(text.charCodeAt(i + 1))) {
      isDouble = true;
      i += 2;
      while (isDigit(text.charCodeAt(i))) i++;
    }
    c = text.charCodeAt(i);
    if (c === 0x65 || c === 0x45) {
      let j = i + 1;
      const sign = text.charCodeAt(j);
      if (sign === 0x2b || sign === 0x2d) j++;
      if (isDigit(text.charCodeAt(j))) {
        isDouble = true;
        i = j + 1;
        while (isDigit(text.charCodeAt(i))) i++;
      }
    }
    const after = text.charCodeAt(i);
    if (isDigit(after) || after === 0x2e || after === 0x65 || after === 0x45) {
      this.fail(`Malformed number starting '${text.slice(start, i + 1)}': numbers have no leading zeros and need digits after '.' or 'e'`);
    }
    this.i = i;
    if (isDouble) {
      const literal = text.slice(start, i);
      const num = Number(literal);
      if (!Number.isFinite(num)) this.fail(`Number ${literal} is out of range for a double`, start);
      return new DoubleValue(num);
    }
    // Up to 15 digits the accumulated value is exact; longer literals go through Number() and the safe-integer check.
    const num = intDigits <= 15 ? (start === intStart ? acc : -acc) : Number(text.slice(start, i));
    // Jackson keeps larger integers exactly (Long, then BigInteger), so they are kept as bigints.
    if (!Number.isSafeInteger(num)) return new BigIntegerValue(BigInt(text.slice(start, i)));
    return num === 0 ? 0 : num; // -0 → 0 as Jackson reads it as an int
  }

  readLiteral(word: string, value: JsonValue): JsonValue {
    const text = this.text;
    const i = this.i;
    if (text.startsWith(word, i)) {
      const after = text.charCodeAt(i + word.length);
      const isIdent = (after >= 0x41 && after <= 0x5a) || (after >= 0x61 && after <= 0x7a) || (after >= 0x30 && after <= 0x39) || after === 0x5f;
      if (!isIdent) {
        this.i = i + word.length;
        return value;
      }
    }
    const m = /[A-Za-z0-9_$]+/y;
    m.lastIndex = i;
    const token = m.exec(text)?.[0] ?? text[i];
    return this.fail(`Unrecognized token '${token.slice(0, 40)}': expected a value (object, array, string, number, true, false or null); strings need double quotes`);
  }

  /** Reads a scalar at i; returns CONTAINER for `{`/`[` without consuming it. */
  readScalar(c: number): JsonValue | typeof CONTAINER {
    if (c === 0x22) return this.readString();
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.readNumber();
    if (c === 0x74) return this.readLiteral('true', true);
    if (c === 0x66) return this.readLiteral('false', false);
    if (c === 0x6e) return this.readLiteral('null', null);
    if (c === 0x7b || c === 0x5b) return CONTAINER;
    if (c === 0x27) return this.fail("Strings must use double quotes (\"), not single quotes (')");
    if (c === 0x7d || c === 0x5d || c === 0x2c) return this.fail(`Unexpected ${describeChar(this.text, this.i)}: expected a value (a trailing comma is not allowed)`);
    return this.readLiteral('\u0000', null);
  }

  parse(): JsonValue {
    const text = this.text;
    const n = this.n;
    const track = this.track;
    const positions = this.positions;
    // Open containers, their pending keys and (when tracking) their JSON pointers, as parallel stacks.
    const containers: Array<Record<string, JsonValue> | JsonValue[]> = [];
    const isArray: boolean[] = [];
    const keys: Array<string | null> = [];
    const pointers: string[] = [];
    let root: JsonValue | undefined;
    let rootSet = false;

    this.skipSpace();
    if (this.i >= n) this.fail('The JSON text is empty: expected a JSON object');

    let pointer = '';
    // Reads the value at i (its pointer in `pointer`); a container is pushed and filled by the loop below.
    for (let depth = -1; ; ) {
      let value: JsonValue | typeof CONTAINER;
      if (track) positions.set(pointer, this.i);
      const c = text.charCodeAt(this.i);
      value = this.readScalar(c);
      if (value === CONTAINER) {
        if (containers.length >= this.maxDepth) this.failTooDeep(containers, keys);
        this.i++;
        const array = c === 0x5b;
        containers.push(array ? [] : {});
        isArray.push(array);
        keys.push(null);
        if (track) pointers.push(pointer);
        depth++;
      }
      // Close containers and attach values until another value has to be read (or the root is complete).
      for (;;) {
        if (value !== CONTAINER) {
          if (depth < 0) {
            root = value;
            rootSet = true;
            break;
          }
          const top = containers[depth];
          if (isArray[depth]) (top as JsonValue[]).push(value);
          else {
            const key = keys[depth] as string;
            if (key === '__proto__') setOwn(top as Record<string, unknown>, key, value);
            else (top as Record<string, JsonValue>)[key] = value;
          }
        }
        if (depth < 0) break;
        const top = containers[depth];
        const array = isArray[depth];
        // A container just opened has no elements yet; one with `value` attached has at least one.
        const count = value === CONTAINER ? 0 : array ? (top as JsonValue[]).length : 1;
        this.skipSpace();
        if (this.i >= n) {
          this.fail(`Unexpected end of input: ${array ? "an array is missing its closing ']'" : "an object is missing its closing '}'"}`);
        }
        let ch = text.charCodeAt(this.i);
        const close = array ? 0x5d : 0x7d;
        if (ch === close) {
          this.i++;
          containers.pop();
          isArray.pop();
          keys.pop();
          if (track) pointers.pop();
          depth--;
          value = top as JsonValue;
          continue;
        }
        if (count > 0) {
          if (ch !== 0x2c) this.fail(`Unexpected ${describeChar(text, this.i)} in ${array ? 'array' : 'object'}: expected ',' or '${array ? ']' : '}'}'`);
          this.i++;
          this.skipSpace();
          ch = text.charCodeAt(this.i);
          if (array && ch === 0x5d) this.fail("Trailing comma before ']': remove the last ','");
        }
        if (array) {
          if (this.i >= n) this.fail('Unexpected end of input: expected a value');
          if (track) pointer = pointers[depth] + '/' + (top as JsonValue[]).length;
        } else {
          if (ch !== 0x22) {
            if (ch === 0x7d) this.fail("Trailing comma before '}': remove the last ','");
            this.fail(`Unexpected ${describeChar(text, this.i)}: expected a field name in double quotes`);
          }
          const key = this.readString();
          this.skipSpace();
          if (text.charCodeAt(this.i) !== 0x3a) this.fail(`Unexpected ${describeChar(text, this.i)} after field name "${key.slice(0, 60)}": expected ':'`);
          this.i++;
          this.skipSpace();
          if (this.i >= n) this.fail('Unexpected end of input: expected a value');
          keys[depth] = key;
          if (track) pointer = pointers[depth] + '/' + escapePointerToken(key);
        }
        break;
      }
      if (rootSet || depth < 0) break;
    }
    if (!rootSet) this.fail('No JSON value found');
    if (this.allowTrailingText) {
      // Jackson does not look past the value: anything after it is left unread. Only more than whitespace and
      // comments is worth reporting.
      try {
        this.skipSpace();
        if (this.i < n) this.trailingTextAt = this.i;
      } catch (error) {
        if (!(error instanceof JsonParseError)) throw error;
        this.trailingTextAt = error.offset;
      }
      return root as JsonValue;
    }
    this.skipSpace();
    if (this.i < n) this.fail(`Unexpected ${describeChar(text, this.i)} after the end of the JSON value: remove it`);
    return root as JsonValue;
  }
}

const CONTAINER: unique symbol = Symbol('container');

/** Parses JSON text. Throws JsonParseError with line/column and what to fix. */
export function parseJson(text: string, options: ParseJsonOptions = {}): ParsedJson {
  const scanner = new JsonScanner(
    text,
    options.allowComments ?? true,
    options.maxDepth ?? DEFAULT_MAX_DEPTH,
    options.trackPositions === true,
    options.allowTrailingText === true,
  );
  const value = scanner.parse();
  const parsed: ParsedJson = { value, positions: scanner.positions };
  if (scanner.trailingTextAt !== undefined) parsed.trailingTextAt = scanner.trailingTextAt;
  return parsed;
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

/**
 * The significant digits Java's Double.toString (FloatingDecimal, JDK 17) gives for |x| > 0, as `0.DIGITS × 10^point`.
 * Integers below 2^63 take its exact integer path: every digit of the value (not the shortest that reads back), with
 * the low digits past what 53 bits can carry rounded off from 2^58 on. Everything else has the shortest digits.
 */
function javaDigits(abs: number): { digits: string; point: number } {
  if (Number.isInteger(abs) && abs >= 1 && abs < 2 ** 63) {
    const binExp = Math.floor(Math.log2(abs));
    // Digits of 2^(binExp - 54) that carry no information: floor(p2 · log10 2) for p2 > 1.
    const p2 = binExp - 54;
    const insignificant = p2 > 1 ? Math.floor(p2 * Math.log10(2)) : 0;
    let value = BigInt(abs);
    if (insignificant > 0) {
      const pow10 = 10n ** BigInt(insignificant);
      const residue = value % pow10;
      value /= pow10;
      if (residue >= pow10 / 2n) value += 1n;
    }
    const text = value.toString();
    return { digits: text.replace(/0+$/, ''), point: text.length + insignificant };
  }
  // The smallest subnormal: Java prints two digits (4.9E-324) where one (5e-324) reads back (checked with real Proctor).
  if (abs === Number.MIN_VALUE) return { digits: '49', point: -323 };
  const [mant, expText] = abs.toExponential().split('e');
  const shortest = { digits: mant.replace('.', ''), point: Number(expText) + 1 };
  return onRoundingBoundary(abs, shortest) ? strictlyInsideDigits(abs, shortest.digits.length) : shortest;
}

/** d · 10^p compared with num · 2^shift, exactly. */
function compareScaled(d: bigint, p: number, num: bigint, shift: number): number {
  const left = d * 10n ** BigInt(Math.max(p, 0)) * 2n ** BigInt(Math.max(-shift, 0));
  const right = num * 2n ** BigInt(Math.max(shift, 0)) * 10n ** BigInt(Math.max(-p, 0));
  return left === right ? 0 : left > right ? 1 : -1;
}

/** The half-gaps to the neighbouring doubles as (numerator, power of two) around |x| = mantissa · 2^exponent. */
function roundingInterval(abs: number): { low: [bigint, number]; high: [bigint, number] } {
  const { mantissa, exponent } = doubleBits(abs);
  // Below a power of two the next double down is half as far.
  const narrowBelow = mantissa === 1n << 52n && exponent > -1074;
  return {
    high: [2n * mantissa + 1n, exponent - 1],
    low: narrowBelow ? [4n * mantissa - 1n, exponent - 2] : [2n * mantissa - 1n, exponent - 1],
  };
}

/**
 * JDK 17's FloatingDecimal excludes the midpoints to the neighbouring doubles, which the shortest round-trip digits
 * may sit on (1e23 is exactly halfway, so Java prints 9.999999999999999E22).
 */
function onRoundingBoundary(abs: number, shortest: { digits: string; point: number }): boolean {
  const d = BigInt(shortest.digits);
  const p = shortest.point - shortest.digits.length;
  const { low, high } = roundingInterval(abs);
  return compareScaled(d, p, ...high) === 0 || compareScaled(d, p, ...low) === 0;
}

/** The digits closest to |x| among the shortest that lie strictly between the midpoints, from `from` digits on. */
function strictlyInsideDigits(abs: number, from: number): { digits: string; point: number } {
  const { mantissa, exponent } = doubleBits(abs);
  const { low, high } = roundingInterval(abs);
  const point = Math.floor(Math.log10(abs)) + 1;
  for (let n = from; n <= 20; n++) {
    const p = point - n;
    // floor(|x| / 10^p)
    const num = mantissa * 2n ** BigInt(Math.max(exponent, 0)) * 10n ** BigInt(Math.max(-p, 0));
    const den = 2n ** BigInt(Math.max(-exponent, 0)) * 10n ** BigInt(Math.max(p, 0));
    const base = num / den;
    const inside = (c: bigint) => compareScaled(c, p, ...high) < 0 && compareScaled(c, p, ...low) > 0;
    const candidates = [base, base + 1n].filter(inside);
    if (candidates.length === 0) continue;
    // Closer one: 2·(x − base·10^p) against 10^p, i.e. 2·(num − base·den) against den.
    const pick = candidates.length === 1 ? candidates[0] : 2n * (num - base * den) > den ? base + 1n : base;
    const text = pick.toString();
    return { digits: text.replace(/0+$/, ''), point: p + text.length };
  }
  const [mant, expText] = abs.toExponential().split('e');
  return { digits: mant.replace('.', ''), point: Number(expText) + 1 };
}

/**
 * Proctor's PlainNumericSerializer: `new DecimalFormat("0.0")` with at most 10 fraction digits, HALF_EVEN, as JDK 17's
 * DigitList does it on Double.toString's digits: 1 → "1.0", 1e-7 → "0.0000001", 1e-11 → "0.0", 1/3 → "0.3333333333",
 * 26000000000000004 → "26000000000000004.0". Near-ties are decided on the exact binary value, except when the first
 * digit falls just past the last kept place (1e-11 ≤ |x| < 1e-10): then a lone 5 (`5.0E-11`) rounds down.
 */
export function formatPlainDouble(x: number, maxFractionDigits = 10): string {
  if (!Number.isFinite(x)) throw new Error(`Cannot write ${x} as a JSON number`);
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (x === 0) return sign + '0.0';
  const { digits, point } = javaDigits(Math.abs(x));
  const cut = point + maxFractionDigits; // how many significant digits stay
  let kept: string;
  let at = point; // position of the decimal point within `kept`
  if (cut < 0) {
    return sign + '0.0';
  } else if (cut === 0) {
    // DigitList sees Double.toString's "d.0E-11": the '0' after a lone 5 counts as a following digit, so no round-up.
    if (!(digits[0] > '5' || (digits[0] === '5' && digits.length > 1))) return sign + '0.0';
    kept = '1';
    at = point + 1;
  } else if (cut >= digits.length) {
    kept = digits;
  } else {
    const next = digits[cut];
    let up: boolean;
    if (next !== '5') up = next > '5';
    else if (cut < digits.length - 1) up = true; // more digits after the 5 (the last one is never 0)
    else {
      const cmp = compareExact(x, BigInt(digits.slice(0, cut + 1)), cut + 1 - point);
      up = cmp > 0 || (cmp === 0 && Number(digits[cut - 1]) % 2 === 1);
    }
    kept = digits.slice(0, cut);
    if (up) {
      const bumped = (BigInt(kept) + 1n).toString();
      if (bumped.length > kept.length) at++;
      kept = bumped;
    }
  }
  const intText = at <= 0 ? '0' : kept.slice(0, at) + '0'.repeat(Math.max(0, at - kept.length));
  const fracText = at < 0 ? '0'.repeat(-at) + kept : kept.slice(Math.max(0, at));
  return sign + intText + '.' + (fracText.replace(/0+$/, '') || '0');
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
  const { digits, point } = javaDigits(abs);
  return (x < 0 ? '-' : '') + digits[0] + '.' + (digits.slice(1) || '0') + 'E' + (point - 1);
}

/** Java's String.valueOf for a JSON value, as printed in Proctor's messages (Map/List toString). */
export function javaToString(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof DoubleValue) return javaDoubleToString(value.value);
  if (value instanceof BigIntegerValue) return value.toString();
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
  } else if (value instanceof BigIntegerValue) {
    out.push(value.toString());
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
