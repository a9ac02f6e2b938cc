/**
 * The value model of Proctor's rule language and Tomcat EL 7 (Unified EL 2.2) coercions (ELSupport / ELArithmetic).
 *
 * Inside the evaluator a Java Long is a `bigint` (wrapped to 64 bits like Java) and a Java Double is a JS `number`;
 * strings, booleans and null map directly. JS arrays and Sets behave as java.util Lists/Sets, plain objects and Maps
 * as java.util Maps (that is what Jackson gives Proctor for JSON constants and contexts).
 */
import { BigIntegerValue, DoubleValue } from '../model';
import { javaDoubleToString } from '../json';

/** An error raised while evaluating a rule, named after the Java exception Tomcat EL / Proctor would throw. */
export class RuleEvaluationError extends Error {
  constructor(
    message: string,
    readonly javaException: string = 'javax.el.ELException',
    /** The wrapped error, e.g. the cause of Tomcat's "Problems calling function [x]". */
    cause?: Error,
  ) {
    super(message, cause ? { cause } : undefined);
    this.name = 'RuleEvaluationError';
  }
}

/** Proctor's three-valued MaybeBool enum (TRUE, FALSE, UNKNOWN). */
export class MaybeBool {
  static readonly TRUE = new MaybeBool('TRUE', 0);
  static readonly FALSE = new MaybeBool('FALSE', 1);
  static readonly UNKNOWN = new MaybeBool('UNKNOWN', 2);
  static readonly values = [MaybeBool.TRUE, MaybeBool.FALSE, MaybeBool.UNKNOWN] as const;
  private constructor(
    readonly name: string,
    readonly ordinal: number,
  ) {}
  static valueOf(name: string): MaybeBool | undefined {
    return MaybeBool.values.find((v) => v.name === name);
  }
  static fromBoolean(value: boolean): MaybeBool {
    return value ? MaybeBool.TRUE : MaybeBool.FALSE;
  }
  toString(): string {
    return this.name;
  }
}

/** Integer.parseInt: optional sign, then digits of any script (Character.digit), within 32 bits; else null. */
function javaParseInt(text: string): number | null {
  const m = /^([+-]?)(\p{Nd}+)$/u.exec(text);
  if (!m) return null;
  let n = 0n;
  for (const ch of m[2]) {
    const cp = ch.codePointAt(0) as number;
    // Nd digits come in runs of ten starting at a code point ending in 0 … by block; find the run start.
    if (cp >= 0x1d7ce && cp <= 0x1d7ff) {
      n = n * 10n + BigInt((cp - 0x1d7ce) % 10);
      continue;
    }
    let zero = cp;
    while (zero > 0 && /\p{Nd}/u.test(String.fromCodePoint(zero - 1)) && cp - (zero - 1) < 10) zero--;
    n = n * 10n + BigInt(cp - zero);
    if (n > 2147483648n) return null;
  }
  const v = m[1] === '-' ? -n : n;
  return v < -2147483648n || v > 2147483647n ? null : Number(v);
}

/** util-core's ReleaseVersion.MatchPrecision enum (what `proctor:version(v).matchPrecision` returns). */
export class MatchPrecision {
  static readonly values = ['MAJOR', 'MINOR', 'PATCH', 'BUILD'].map((name, ordinal) => new MatchPrecision(name, ordinal));
  private constructor(
    readonly name: string,
    readonly ordinal: number,
  ) {}
  static valueOf(name: string): MatchPrecision | undefined {
    return MatchPrecision.values.find((v) => v.name === name);
  }
  toString(): string {
    return this.name;
  }
}

const MAX_COMPONENT = [32767, 65535, 65535, 65535];

/**
 * indeedeng util-core ReleaseVersion (`fromString`, strict): the text split on '.' (Java split: trailing empty parts
 * dropped); a last part `x` is a wildcard (1–3 components before it); otherwise at least 4 parts, of which only the
 * first 4 are read (`1.2.3.4.5` is 1.2.3.4). Components are Integer.parseInt (sign allowed, any script's digits, no
 * spaces) within major ≤ 32767, others ≤ 65535. Comparison looks only at the components both sides specify.
 */
export class ReleaseVersion {
  private constructor(
    /** The 4 components (0 where unspecified). */
    readonly parts: readonly number[],
    /** How many leading components take part in comparisons (4 = BUILD, fewer for a wildcard). */
    readonly precision: number,
  ) {}
  get isWildcard(): boolean {
    return this.precision < 4;
  }
  get matchPrecision(): MatchPrecision {
    return MatchPrecision.values[this.precision - 1];
  }
  static fromString(text: string): ReleaseVersion {
    const invalid = (message: string, exception = 'java.lang.IllegalArgumentException') => new RuleEvaluationError(message, exception);
    let pieces = text.split('.');
    while (pieces.length > 0 && pieces[pieces.length - 1] === '') pieces.pop();
    if (text === '') pieces = [''];
    if (pieces.length > 0 && pieces[pieces.length - 1] === 'x') {
      pieces = pieces.slice(0, -1);
      if (pieces.length === 0) throw invalid(`Invalid version string: ${text}`);
    } else if (pieces.length < 4) {
      throw invalid(`ReleaseVersion string must have 4 numbers or end in x: ${text}`);
    }
    const parts = [0, 0, 0, 0];
    for (let i = 0; i < Math.min(4, pieces.length); i++) {
      const n = javaParseInt(pieces[i]);
      if (n === null) throw invalid(`For input string: "${pieces[i]}"`, 'java.lang.NumberFormatException');
      if (n < 0 || n > MAX_COMPONENT[i]) throw invalid(`invalid ${['major', 'minor', 'patch', 'build'][i]} version ${n}`);
      parts[i] = n;
    }
    return new ReleaseVersion(parts, Math.max(1, Math.min(pieces.length, 4)));
  }
  private static nextIdentity = 0x1b6d3586;
  /** Object.hashCode stand-in: distinct per instance (util-core does not override hashCode). */
  // Like HotSpot's identity hashes: 31-bit, positive.
  readonly identityHash = ((ReleaseVersion.nextIdentity = (Math.imul(ReleaseVersion.nextIdentity, 1103515245) + 12345) | 0) & 0x7fffffff) || 1;
  compareTo(other: ReleaseVersion): number {
    const n = Math.min(this.precision, other.precision);
    for (let i = 0; i < n; i++) {
      if (this.parts[i] !== other.parts[i]) return this.parts[i] < other.parts[i] ? -1 : 1;
    }
    return 0;
  }
  toString(): string {
    return this.parts.slice(0, this.precision).join('.') + (this.isWildcard ? '.x' : '');
  }
}

/** A java.lang.Class (from `x.getClass()` or `x['class']`): only its name and simpleName are readable. */
export class JavaClassRef {
  private static readonly interned = new Map<string, JavaClassRef>();
  private constructor(readonly name: string) {}
  /** One object per class, so `a.getClass() == b.getClass()` holds as Java's identity does. */
  static of(name: string): JavaClassRef {
    let ref = JavaClassRef.interned.get(name);
    if (!ref) JavaClassRef.interned.set(name, (ref = new JavaClassRef(name)));
    return ref;
  }
  get simpleName(): string {
    return this.name.slice(this.name.lastIndexOf('.') + 1).replace(/^.*\$/, '');
  }
}

/** Java's hashCode of a value as Jackson types it (String, Integer, Long, Double, Boolean, List, Map). */
export function javaHashCode(value: ElValue): number {
  if (value === null || value === undefined) return 0;
  if (value instanceof JavaInt) return value.value;
  if (typeof value === 'bigint') return Number(BigInt.asIntN(32, value ^ (BigInt.asUintN(64, value) >> 32n)));
  if (typeof value === 'boolean') return value ? 1231 : 1237;
  if (typeof value === 'string') {
    let h = 0;
    for (let i = 0; i < value.length; i++) h = (Math.imul(h, 31) + value.charCodeAt(i)) | 0;
    return h;
  }
  if (typeof value === 'number') {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, Number.isNaN(value) ? NaN : value);
    return (view.getInt32(0) ^ view.getInt32(4)) | 0;
  }
  if (Array.isArray(value)) {
    let h = 1;
    for (const x of value) h = (Math.imul(h, 31) + javaHashCode(toElValue(x))) | 0;
    return h;
  }
  if (isElMap(value)) {
    let h = 0;
    const keys = value instanceof Map ? [...value.keys()] : Object.keys(value);
    for (const k of keys) h = (h + (javaHashCode(toElValue(k)) ^ javaHashCode(mapGet(value, k).value))) | 0;
    return h;
  }
  // ReleaseVersion keeps Object.hashCode: an identity hash, different for every parsed version.
  if (value instanceof ReleaseVersion) return value.identityHash;
  throw new RuleEvaluationError(`hashCode of ${javaClassName(value)} is not modelled`, 'javax.el.MethodNotFoundException');
}

/** A Java array (e.g. the String[] returned by fn:split); JS arrays are Lists, which EL treats differently. */
export class JavaArray {
  constructor(
    readonly items: readonly unknown[],
    readonly componentType: string = 'java.lang.String',
  ) {}
}

/**
 * A java.lang.Integer: what Jackson makes of a JSON integer that fits 32 bits (context and constants values). EL
 * coerces it like a Long everywhere except where Java compares classes: Comparable.compareTo (Integer vs Long is a
 * ClassCastException, so `proctor:inRange(n, 1, 10)` fails for an Integer n), Object.equals and the class name.
 */
export class JavaInt {
  constructor(
    readonly value: number,
    /** java.lang.Short / java.lang.Byte for providedContext `short` / `byte` values (they behave alike here). */
    readonly className: string = 'java.lang.Integer',
  ) {}
}

/** Integer → Long, for the EL coercions that treat every integral Number as a Long. */
export function widenInt(value: ElValue): ElValue {
  return value instanceof JavaInt ? BigInt(value.value) : value;
}

const isInt32 = (n: number) => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647;

export type ElValue = unknown;

const LONG_MIN = -(1n << 63n);
const LONG_MAX = (1n << 63n) - 1n;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function isElMap(value: unknown): value is Record<string, unknown> | Map<unknown, unknown> {
  return value instanceof Map || isPlainObject(value);
}

export function isElCollection(value: unknown): value is unknown[] | Set<unknown> {
  return Array.isArray(value) || value instanceof Set;
}

/** Converts a value coming from constants/context into the evaluator's representation. */
export function toElValue(raw: unknown): ElValue {
  switch (typeof raw) {
    case 'undefined':
      return null;
    case 'number':
      // Jackson: Integer when it fits 32 bits, Long when it fits 64, else (fraction, exponent) Double.
      if (isInt32(raw)) return new JavaInt(raw === 0 ? 0 : raw);
      return Number.isSafeInteger(raw) ? BigInt(raw) : raw;
    case 'bigint':
      return BigInt.asIntN(64, raw);
    case 'function':
    case 'symbol':
      return null;
    default:
      if (raw instanceof DoubleValue) return raw.value;
      if (raw instanceof BigIntegerValue) return BigInt.asIntN(64, raw.value); // an integer constant beyond 2^53
      return raw;
  }
}

/** Converts an evaluator value back for callers: Long → number when safe, otherwise bigint; String[] → string[]. */
export function fromElValue(value: ElValue): unknown {
  if (value instanceof JavaInt) return value.value;
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }
  if (value instanceof JavaArray) return [...value.items];
  return value;
}

/** Reads an own data property of a plain object or a Map entry; never walks the prototype chain or runs getters. */
export function mapGet(map: Record<string, unknown> | Map<unknown, unknown>, key: unknown): { found: boolean; value: ElValue } {
  if (map instanceof Map) {
    if (map.has(key)) return { found: true, value: toElValue(map.get(key)) };
    if (typeof key === 'bigint' && map.has(Number(key))) return { found: true, value: toElValue(map.get(Number(key))) };
    if (key instanceof JavaInt && map.has(key.value)) return { found: true, value: toElValue(map.get(key.value)) };
    return { found: false, value: null };
  }
  if (typeof key !== 'string' || !Object.hasOwn(map, key)) return { found: false, value: null };
  const desc = Object.getOwnPropertyDescriptor(map, key);
  if (!desc || !('value' in desc)) return { found: false, value: null };
  return { found: desc.value !== undefined, value: toElValue(desc.value) };
}

export function mapSize(map: Record<string, unknown> | Map<unknown, unknown>): number {
  return map instanceof Map ? map.size : Object.keys(map).length;
}

// ---------------------------------------------------------------------------------------------- Java type names

/** `Class.getName()` of a value as Proctor would see it (JSON → Jackson types). */
export function javaClassName(value: ElValue): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return 'java.lang.String';
    case 'boolean':
      return 'java.lang.Boolean';
    case 'bigint':
      return 'java.lang.Long';
    case 'number':
      return 'java.lang.Double';
  }
  if (value instanceof JavaInt) return value.className;
  if (Array.isArray(value)) return 'java.util.ArrayList';
  if (value instanceof Set) return 'java.util.LinkedHashSet';
  if (isElMap(value)) return 'java.util.LinkedHashMap';
  if (value instanceof JavaArray) return `[L${value.componentType};`;
  if (value instanceof ReleaseVersion) return 'com.indeed.util.core.ReleaseVersion';
  if (value instanceof MaybeBool) return 'com.indeed.proctor.common.ProctorRuleFunctions$MaybeBool';
  if (value instanceof MatchPrecision) return 'com.indeed.util.core.ReleaseVersion$MatchPrecision';
  return 'java.lang.Object';
}

/** `Class.toString()`: "class java.lang.String", "interface java.util.Collection". */
export function javaClassString(value: ElValue): string {
  return 'class ' + javaClassName(value);
}


/** Java `String.valueOf(obj)` for messages. */
export function javaToString(value: ElValue): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return value;
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'number':
      return javaDoubleToString(value);
  }
  if (value instanceof JavaInt) return String(value.value);
  if (Array.isArray(value) || value instanceof Set) {
    return '[' + [...value].map((v) => javaToString(toElValue(v))).join(', ') + ']';
  }
  if (value instanceof Map) {
    return '{' + [...value].map(([k, v]) => `${javaToString(toElValue(k))}=${javaToString(toElValue(v))}`).join(', ') + '}';
  }
  if (isPlainObject(value)) {
    return '{' + Object.keys(value).map((k) => `${k}=${javaToString(mapGet(value, k).value)}`).join(', ') + '}';
  }
  if (value instanceof JavaArray) return `[L${value.componentType};@0`;
  if (value instanceof ReleaseVersion || value instanceof MaybeBool || value instanceof MatchPrecision) return value.toString();
  if (value instanceof JavaClassRef) return 'class ' + value.name;
  return 'java.lang.Object@0';
}

function convertError(value: ElValue, target: string): RuleEvaluationError {
  return new RuleEvaluationError(`Cannot convert [${javaToString(value)}] of type [${javaClassString(value)}] to [${target}]`);
}

// ---------------------------------------------------------------------------------------------- coercions

/** Long.valueOf(String) grammar: optional sign, ASCII digits, in range. */
export function parseJavaLong(text: string): bigint | null {
  if (!/^[+-]?\d+$/.test(text)) return null;
  const n = BigInt(text);
  return n < LONG_MIN || n > LONG_MAX ? null : n;
}

/** Double.valueOf(String) grammar (decimal forms; hex floats are not supported). Java trims chars <= ' '. */
export function parseJavaDouble(text: string): number | null {
  const t = text.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
  const m = /^([+-]?)(NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[fFdD]?$/.exec(t);
  if (!m || (/[fFdD]$/.test(t) && /(NaN|Infinity)[fFdD]$/.test(t))) return null;
  const v = Number(m[2]);
  return m[1] === '-' ? -v : v;
}

/** Java `(long) d`: truncation, saturating, NaN → 0. */
export function doubleToLong(d: number): bigint {
  if (Number.isNaN(d)) return 0n;
  if (d >= 9223372036854775807) return LONG_MAX;
  if (d <= -9223372036854775808) return LONG_MIN;
  return BigInt(Math.trunc(d));
}

export function wrapLong(n: bigint): bigint {
  return BigInt.asIntN(64, n);
}

/** ELSupport.coerceToNumber(obj, Long|Double). */
export function coerceToNumber(value: ElValue, target: 'long' | 'double'): bigint | number {
  value = widenInt(value);
  if (value === null || value === '') return target === 'long' ? 0n : 0;
  if (typeof value === 'string') {
    if (target === 'long') {
      const n = parseJavaLong(value);
      if (n === null) throw convertError(value, 'class java.lang.Long');
      return n;
    }
    const d = parseJavaDouble(value);
    if (d === null) throw convertError(value, 'class java.lang.Double');
    return d;
  }
  if (typeof value === 'bigint') return target === 'long' ? value : Number(value);
  if (typeof value === 'number') return target === 'long' ? doubleToLong(value) : value;
  throw convertError(value, target === 'long' ? 'class java.lang.Long' : 'class java.lang.Double');
}

/** ELSupport.coerceToBoolean: null and "" → false, String → Boolean.valueOf (case-insensitive "true"). */
export function coerceToBoolean(value: ElValue): boolean {
  value = widenInt(value);
  if (value === null || value === '') return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return value.toLowerCase() === 'true';
  throw convertError(value, 'class java.lang.Boolean');
}

/** ELSupport.coerceToString. */
export function coerceToString(value: ElValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  return javaToString(value);
}

/** ELSupport.coerceToEnum for MatchPrecision: a String must be one of its names. */
function coerceToMatchPrecision(value: ElValue): MatchPrecision | null {
  if (value === null || value === '') return null;
  if (value instanceof MatchPrecision) return value;
  const v = typeof value === 'string' ? MatchPrecision.valueOf(value) : undefined;
  if (v) return v;
  throw convertError(value, 'class com.indeed.util.core.ReleaseVersion$MatchPrecision');
}

/** ELSupport.coerceToEnum for MaybeBool. */
export function coerceToMaybeBool(value: ElValue): MaybeBool | null {
  value = widenInt(value);
  if (value === null || value === '') return null;
  if (value instanceof MaybeBool) return value;
  if (typeof value === 'string') {
    const v = MaybeBool.valueOf(value);
    if (v) return v;
  }
  throw convertError(value, 'class com.indeed.proctor.common.ProctorRuleFunctions$MaybeBool');
}

/** Java int from a coerced Long (Number.intValue wraps to 32 bits). */
export function coerceToInt(value: ElValue): number {
  return Number(BigInt.asIntN(32, coerceToNumber(value, 'long') as bigint));
}

// ---------------------------------------------------------------------------------------------- operators

const isDouble = (v: ElValue): v is number => typeof v === 'number';
const isLong = (v: ElValue): v is bigint => typeof v === 'bigint';

/** ELSupport.equals (the `==` / `eq` operator). */
export function elEquals(a: ElValue, b: ElValue): boolean {
  a = widenInt(a);
  b = widenInt(b);
  // Java's `==` on boxed values is identity: two Doubles 0.0 and -0.0 go on to Double.equals (false).
  if (a === b && typeof a !== 'number') return true;
  if (a === null || b === null) return false;
  if (isDouble(a) || isDouble(b)) {
    // Double.equals: NaN equals NaN, 0.0 does not equal -0.0.
    return Object.is(coerceToNumber(a, 'double'), coerceToNumber(b, 'double'));
  }
  if (isLong(a) || isLong(b)) return coerceToNumber(a, 'long') === coerceToNumber(b, 'long');
  if (typeof a === 'boolean' || typeof b === 'boolean') return coerceToBoolean(a) === coerceToBoolean(b);
  if (a instanceof MaybeBool) return a === coerceToMaybeBool(b);
  if (b instanceof MaybeBool) return b === coerceToMaybeBool(a);
  if (a instanceof MatchPrecision) return a === coerceToMatchPrecision(b);
  if (b instanceof MatchPrecision) return b === coerceToMatchPrecision(a);
  if (typeof a === 'string' || typeof b === 'string') return coerceToString(a) === coerceToString(b);
  return javaObjectEquals(a, b);
}

/** Object.equals between two evaluator values (collections compare element-wise like java.util). */
export function javaObjectEquals(a: ElValue, b: ElValue): boolean {
  if (a === b && typeof a !== 'number') return true;
  if (a instanceof JavaInt || b instanceof JavaInt) {
    return a instanceof JavaInt && b instanceof JavaInt && a.className === b.className && a.value === b.value;
  }
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
  if (a instanceof ReleaseVersion && b instanceof ReleaseVersion) return a.compareTo(b) === 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => javaObjectEquals(toElValue(x), toElValue(b[i])));
  }
  if (a instanceof Set && b instanceof Set) {
    // Set.equals: same size and every element of one is in the other.
    const other = [...b].map(toElValue);
    return a.size === b.size && [...a].every((x) => other.some((y) => javaObjectEquals(toElValue(x), y)));
  }
  if (isElMap(a) && isElMap(b)) {
    if (mapSize(a) !== mapSize(b)) return false;
    const keys = a instanceof Map ? [...a.keys()] : Object.keys(a);
    return keys.every((k) => {
      const other = mapGet(b, k);
      return other.found && javaObjectEquals(mapGet(a, k).value, other.value);
    });
  }
  return false;
}

/** String.compareTo: the difference of the first differing UTF-16 units, else of the lengths. */
export function javaStringCompareTo(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return a.charCodeAt(i) - b.charCodeAt(i);
  return a.length - b.length;
}

function compareStrings(a: string, b: string): number {
  // String.compareTo compares UTF-16 code units, as JS relational operators do.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** ELSupport.compare (the `<`, `>`, `<=`, `>=` operators, after their null checks). */
export function elCompare(a: ElValue, b: ElValue): number {
  a = widenInt(a);
  b = widenInt(b);
  if ((a === b && typeof a !== 'number') || elEquals(a, b)) return 0;
  if (isDouble(a) || isDouble(b)) {
    const x = coerceToNumber(a, 'double') as number;
    const y = coerceToNumber(b, 'double') as number;
    return javaDoubleCompare(x, y);
  }
  if (isLong(a) || isLong(b)) {
    const x = coerceToNumber(a, 'long') as bigint;
    const y = coerceToNumber(b, 'long') as bigint;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'string' || typeof b === 'string') return compareStrings(coerceToString(a), coerceToString(b));
  if (isJavaComparable(a)) return b !== null ? javaCompareTo(a, b) : 1;
  if (isJavaComparable(b)) return a !== null ? -javaCompareTo(b, a) : -1;
  throw new RuleEvaluationError(`Cannot compare [${javaToString(a)}] to [${javaToString(b)}]`);
}

/** Double.compareTo: -0.0 < 0.0, NaN greater than everything. */
function javaDoubleCompare(x: number, y: number): number {
  if (x < y) return -1;
  if (x > y) return 1;
  if (x === y) return Object.is(x, y) ? 0 : Object.is(x, -0) ? -1 : 1;
  return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
}

function isJavaComparable(v: ElValue): boolean {
  return typeof v === 'boolean' || v instanceof JavaInt || v instanceof ReleaseVersion || v instanceof MaybeBool || v instanceof MatchPrecision || typeof v === 'string' || typeof v === 'bigint' || typeof v === 'number';
}

/** Java's ClassCastException text, with the module note Java 11+ adds. */
function classCast(from: string, to: string): RuleEvaluationError {
  const where = (c: string) => (c.startsWith('java.') ? "module java.base of loader 'bootstrap'" : "unnamed module of loader 'app'");
  const note = where(from) === where(to) ? `${from} and ${to} are in ${where(from)}` : `${from} is in ${where(from)}; ${to} is in ${where(to)}`;
  return new RuleEvaluationError(`class ${from} cannot be cast to class ${to} (${note})`, 'java.lang.ClassCastException');
}

/** Comparable.compareTo between two values; a type mismatch is Java's ClassCastException. */
export function javaCompareTo(a: ElValue, b: ElValue): number {
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (a instanceof ReleaseVersion && b instanceof ReleaseVersion) return a.compareTo(b);
  if (a instanceof MaybeBool && b instanceof MaybeBool) return a.ordinal - b.ordinal;
  if (a instanceof MatchPrecision && b instanceof MatchPrecision) return a.ordinal - b.ordinal;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number' && typeof b === 'number') return javaDoubleCompare(a, b);
  if (a instanceof JavaInt && b instanceof JavaInt && a.className === b.className) return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  if (!isJavaComparable(a)) {
    throw classCast(javaClassName(a), 'java.lang.Comparable');
  }
  throw classCast(javaClassName(b), javaClassName(a));
}

/** ELSupport.isStringFloat: a String longer than 1 char containing '.', 'e' or 'E'. */
function isStringFloat(s: string): boolean {
  return s.length > 1 && /[.eE]/.test(s);
}

/** ELArithmetic.coerce: numbers as is, null/"" → 0, String parsed (NumberFormatException), others rejected. */
function arithmeticCoerce(value: ElValue, target: 'long' | 'double'): bigint | number {
  value = widenInt(value);
  if (value === null || value === '') return target === 'long' ? 0n : 0;
  if (typeof value === 'bigint') return target === 'long' ? value : Number(value);
  if (typeof value === 'number') return target === 'long' ? doubleToLong(value) : value;
  if (typeof value === 'string') {
    const parsed = target === 'long' ? parseJavaLong(value) : parseJavaDouble(value);
    if (parsed === null) throw new RuleEvaluationError(`For input string: "${value}"`, 'java.lang.NumberFormatException');
    return parsed;
  }
  throw new RuleEvaluationError(
    `Cannot convert [${javaToString(value)}] of type [${javaClassString(value)}] to [Number]`,
    'java.lang.IllegalArgumentException',
  );
}

function isArithmeticDoubleOp(a: ElValue, b: ElValue): boolean {
  return isDouble(a) || isDouble(b) || (typeof a === 'string' && isStringFloat(a)) || (typeof b === 'string' && isStringFloat(b));
}

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%';

/** ELArithmetic add/subtract/multiply/divide/mod. `/` is always Double; `+` never concatenates. */
export function elArithmetic(op: ArithmeticOp, a: ElValue, b: ElValue): bigint | number {
  a = widenInt(a);
  b = widenInt(b);
  if (a === null && b === null) return 0n;
  if (op === '/') {
    return (arithmeticCoerce(a, 'double') as number) / (arithmeticCoerce(b, 'double') as number);
  }
  if (isArithmeticDoubleOp(a, b)) {
    const x = arithmeticCoerce(a, 'double') as number;
    const y = arithmeticCoerce(b, 'double') as number;
    switch (op) {
      case '+':
        return x + y;
      case '-':
        return x - y;
      case '*':
        return x * y;
      case '%':
        return x % y;
    }
  }
  const x = arithmeticCoerce(a, 'long') as bigint;
  const y = arithmeticCoerce(b, 'long') as bigint;
  switch (op) {
    case '+':
      return wrapLong(x + y);
    case '-':
      return wrapLong(x - y);
    case '*':
      return wrapLong(x * y);
    default:
      if (y === 0n) throw new RuleEvaluationError('/ by zero', 'java.lang.ArithmeticException');
      return x % y;
  }
}

/** AstNegative. */
export function elNegate(value: ElValue): ElValue {
  if (value instanceof JavaInt) {
    const bits = value.className === 'java.lang.Short' ? 16 : value.className === 'java.lang.Byte' ? 8 : 32;
    return new JavaInt(Number(BigInt.asIntN(bits, BigInt(-value.value))) || 0, value.className);
  }
  if (value === null) return 0n;
  if (typeof value === 'string') {
    if (isStringFloat(value)) {
      const d = parseJavaDouble(value);
      if (d === null) throw new RuleEvaluationError(`For input string: "${value}"`, 'java.lang.NumberFormatException');
      return -d;
    }
    const n = parseJavaLong(value);
    if (n === null) throw new RuleEvaluationError(`For input string: "${value}"`, 'java.lang.NumberFormatException');
    return wrapLong(-n);
  }
  if (typeof value === 'bigint') return wrapLong(-value);
  if (typeof value === 'number') return -value;
  return wrapLong(-(coerceToNumber(value, 'long') as bigint));
}

/** AstEmpty. */
export function elEmpty(value: ElValue): boolean {
  if (value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (value instanceof Set) return value.size === 0;
  if (value instanceof JavaArray) return value.items.length === 0;
  if (isElMap(value)) return mapSize(value) === 0;
  return false;
}
