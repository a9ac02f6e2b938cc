/**
 * Proctor's EL function libraries (RuleEvaluator.defaultFunctionMapperBuilder, FACTS §3.4): `proctor:` and its alias
 * `indeed:` (ProctorRuleFunctions) and `fn:` (LegacyTaglibFunctions, a null-safe copy of JSTL fn without escapeXml).
 * Arguments are coerced to the Java parameter types the way AstFunction does before the call.
 */
import { compileJavaRegex } from './java-regex';
import {
  coerceToBoolean,
  coerceToInt,
  coerceToMaybeBool,
  coerceToString,
  ElValue,
  isElCollection,
  isElMap,
  JavaArray,
  JavaInt,
  javaClassString,
  javaCompareTo,
  javaObjectEquals,
  javaToString,
  mapSize,
  MaybeBool,
  ReleaseVersion,
  RuleEvaluationError,
  toElValue,
  widenInt,
} from './values';

/** Java parameter types we coerce to. */
type ParamType = 'String' | 'int' | 'boolean' | 'Object' | 'Comparable' | 'Collection' | 'String[]' | 'MaybeBool' | 'ReleaseVersion';

export interface RuleFunction {
  /** `prefix:name`. */
  qualifiedName: string;
  params: ParamType[];
  /** `Class.toString()` of the declared return type after Proctor's wrapper→primitive step ("boolean", "long", "class java.lang.String"). */
  returnType: string;
  impl: (args: ElValue[]) => ElValue;
}

const STRING = 'class java.lang.String';
const MAYBE_BOOL = 'class com.indeed.proctor.common.ProctorRuleFunctions$MaybeBool';

function coerceParam(value: ElValue, type: ParamType): ElValue {
  switch (type) {
    case 'String':
      return coerceToString(value);
    case 'int':
      return coerceToInt(value);
    case 'boolean':
      return coerceToBoolean(value);
    case 'MaybeBool':
      return coerceToMaybeBool(value);
    case 'Object':
    case 'Comparable':
      return value;
    case 'Collection':
      if (value === null || isElCollection(value)) return value;
      throw new RuleEvaluationError(`Cannot convert [${javaToString(value)}] of type [${javaClassString(value)}] to [interface java.util.Collection]`);
    case 'String[]':
      if (value === null || value instanceof JavaArray) return value;
      throw new RuleEvaluationError(`Cannot convert [${javaToString(value)}] of type [${javaClassString(value)}] to [class [Ljava.lang.String;]`);
    case 'ReleaseVersion':
      if (value === null || value instanceof ReleaseVersion) return value;
      throw new RuleEvaluationError(
        `Cannot convert [${javaToString(value)}] of type [${javaClassString(value)}] to [class com.indeed.util.core.ReleaseVersion]`,
      );
  }
}

function npe(): RuleEvaluationError {
  return new RuleEvaluationError('java.lang.NullPointerException', 'java.lang.NullPointerException');
}

/** Java `Collection.contains` with Proctor's integral-number rule (FACTS §3.4). */
function proctorContains(collection: ElValue, element: ElValue): boolean {
  if (collection === null) throw npe();
  const items = [...(collection as unknown[] | Set<unknown>)].map(toElValue);
  const integral = (v: ElValue) => typeof v === 'bigint' || v instanceof JavaInt;
  if (integral(element)) return items.some((x) => integral(x) && widenInt(x) === widenInt(element));
  return items.some((x) => javaObjectEquals(x, element));
}

/** A null bound is only an error when the comparison reaches it (`inRange('5', 'a', null)` is false). */
function inRange(value: ElValue, low: ElValue, high: ElValue): boolean {
  if (value === null || low === null) throw npe();
  if (javaCompareTo(low, value) > 0) return false;
  if (high === null) throw npe();
  return javaCompareTo(value, high) < 0;
}

function versionInRange(version: ElValue, start: string, end: string): boolean {
  if (version === null) throw npe();
  const startVersion = ReleaseVersion.fromString(start);
  const endVersion = ReleaseVersion.fromString(end);
  if (endVersion.isWildcard) {
    throw new RuleEvaluationError(`Cannot use wildcard as open upper bound of range: ${end}`, 'java.lang.IllegalStateException');
  }
  const v = version as ReleaseVersion;
  return startVersion.compareTo(v) <= 0 && v.compareTo(endVersion) < 0;
}

function maybeAnd(a: MaybeBool | null, b: MaybeBool | null): MaybeBool {
  if (a === MaybeBool.FALSE || b === MaybeBool.FALSE) return MaybeBool.FALSE;
  if (a === MaybeBool.TRUE && b === MaybeBool.TRUE) return MaybeBool.TRUE;
  return MaybeBool.UNKNOWN;
}

function maybeOr(a: MaybeBool | null, b: MaybeBool | null): MaybeBool {
  if (a === MaybeBool.TRUE || b === MaybeBool.TRUE) return MaybeBool.TRUE;
  if (a === MaybeBool.FALSE && b === MaybeBool.FALSE) return MaybeBool.FALSE;
  return MaybeBool.UNKNOWN;
}

function maybeNot(a: MaybeBool | null): MaybeBool {
  if (a === MaybeBool.TRUE) return MaybeBool.FALSE;
  if (a === MaybeBool.FALSE) return MaybeBool.TRUE;
  return MaybeBool.UNKNOWN;
}

/** Java String.trim: strips chars <= U+0020. */
export function javaTrim(s: string): string {
  return s.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
}

/** java.util.StringTokenizer(s, delimiters): empty tokens are dropped. */
function split(s: string, delimiters: string): JavaArray {
  if (s === '') return new JavaArray(['']);
  if (delimiters === '') return new JavaArray([s]);
  const tokens: string[] = [];
  let current = '';
  for (const ch of s) {
    if (delimiters.includes(ch)) {
      if (current !== '') tokens.push(current);
      current = '';
    } else current += ch;
  }
  if (current !== '') tokens.push(current);
  return new JavaArray(tokens);
}

function length(value: ElValue): number {
  if (value === null) return 0;
  if (typeof value === 'string') return value.length;
  if (isElCollection(value)) return Array.isArray(value) ? value.length : value.size;
  if (value instanceof JavaArray) return value.items.length;
  if (isElMap(value)) return mapSize(value);
  throw new RuleEvaluationError('Don\'t know how to iterate over supplied "items" in forEach');
}

function def(qualifiedName: string, params: ParamType[], returnType: string, impl: (args: ElValue[]) => ElValue): RuleFunction {
  return { qualifiedName, params, returnType, impl };
}

const proctorFunctions = (prefix: string): RuleFunction[] => [
  def(`${prefix}:contains`, ['Collection', 'Object'], 'boolean', ([c, e]) => proctorContains(c, e)),
  def(`${prefix}:matches`, ['String', 'String'], 'boolean', ([v, r]) => compileJavaRegex(r as string).test(v as string)),
  def(`${prefix}:now`, [], 'long', () => BigInt(Date.now())),
  def(`${prefix}:version`, ['String'], 'class com.indeed.util.core.ReleaseVersion', ([v]) => ReleaseVersion.fromString(v as string)),
  def(`${prefix}:inRange`, ['Comparable', 'Comparable', 'Comparable'], 'boolean', ([v, l, h]) => inRange(v, l, h)),
  def(`${prefix}:versionInRange`, ['ReleaseVersion', 'String', 'String'], 'boolean', ([v, s, e]) =>
    versionInRange(v, s as string, e as string),
  ),
  def(`${prefix}:maybeAnd`, ['MaybeBool', 'MaybeBool'], MAYBE_BOOL, ([a, b]) => maybeAnd(a as MaybeBool | null, b as MaybeBool | null)),
  def(`${prefix}:maybeOr`, ['MaybeBool', 'MaybeBool'], MAYBE_BOOL, ([a, b]) => maybeOr(a as MaybeBool | null, b as MaybeBool | null)),
  def(`${prefix}:maybeNot`, ['MaybeBool'], MAYBE_BOOL, ([a]) => maybeNot(a as MaybeBool | null)),
  def(`${prefix}:toMaybeBool`, ['boolean'], MAYBE_BOOL, ([b]) => MaybeBool.fromBoolean(b as boolean)),
];

const s = (v: ElValue) => v as string;

const taglibFunctions: RuleFunction[] = [
  def('fn:toUpperCase', ['String'], STRING, ([x]) => s(x).toUpperCase()),
  def('fn:toLowerCase', ['String'], STRING, ([x]) => s(x).toLowerCase()),
  def('fn:indexOf', ['String', 'String'], 'int', ([x, sub]) => BigInt(s(x).indexOf(s(sub)))),
  def('fn:contains', ['String', 'String'], 'boolean', ([x, sub]) => s(x).includes(s(sub))),
  def('fn:containsIgnoreCase', ['String', 'String'], 'boolean', ([x, sub]) => s(x).toUpperCase().includes(s(sub).toUpperCase())),
  def('fn:startsWith', ['String', 'String'], 'boolean', ([x, p]) => s(x).startsWith(s(p))),
  def('fn:endsWith', ['String', 'String'], 'boolean', ([x, p]) => s(x).endsWith(s(p))),
  def('fn:substring', ['String', 'int', 'int'], STRING, ([x, b, e]) => {
    const input = s(x);
    let begin = b as number;
    let end = e as number;
    if (begin < 0) begin = 0;
    if (begin >= input.length) return '';
    if (end < 0 || end > input.length) end = input.length;
    if (end < begin) return '';
    return input.substring(begin, end);
  }),
  def('fn:substringAfter', ['String', 'String'], STRING, ([x, sub]) => {
    const index = s(x).indexOf(s(sub));
    return index === -1 ? '' : s(x).substring(index + s(sub).length);
  }),
  def('fn:substringBefore', ['String', 'String'], STRING, ([x, sub]) => {
    const index = s(x).indexOf(s(sub));
    return index === -1 ? '' : s(x).substring(0, index);
  }),
  def('fn:trim', ['String'], STRING, ([x]) => javaTrim(s(x))),
  def('fn:replace', ['String', 'String', 'String'], STRING, ([x, before, after]) =>
    s(before) === '' ? s(x) : s(x).split(s(before)).join(s(after)),
  ),
  def('fn:split', ['String', 'String'], 'class [Ljava.lang.String;', ([x, d]) => split(s(x), s(d))),
  def('fn:length', ['Object'], 'int', ([x]) => BigInt(length(x))),
  def('fn:join', ['String[]', 'String'], STRING, ([a, sep]) =>
    a === null ? '' : (a as JavaArray).items.map((v) => coerceToString(toElValue(v))).join(s(sep)),
  ),
];

const FUNCTIONS = new Map<string, RuleFunction>(
  [...proctorFunctions('proctor'), ...proctorFunctions('indeed'), ...taglibFunctions].map((f) => [f.qualifiedName, f]),
);

/** The function a rule's `prefix:name(...)` refers to, or undefined (a syntax error in Proctor). */
export function lookupFunction(prefix: string, name: string): RuleFunction | undefined {
  return FUNCTIONS.get(`${prefix}:${name}`);
}

/** All function names, for editors' completion lists. */
export function ruleFunctionNames(): string[] {
  return [...FUNCTIONS.keys()];
}

/** Tomcat's AstFunction wraps EL errors of the arguments and any exception of the call in this ELException. */
export function functionProblem(fn: RuleFunction, cause: Error): RuleEvaluationError {
  return new RuleEvaluationError(`Problems calling function [${fn.qualifiedName}]`, 'javax.el.ELException', cause);
}

const isElError = (e: unknown) => e instanceof RuleEvaluationError && e.javaException.startsWith('javax.el.');

/** Evaluates and coerces each argument in turn, then calls the function (AstFunction.getValue). */
export function callFunction(fn: RuleFunction, args: Array<() => ElValue>): ElValue {
  let coerced: ElValue[];
  try {
    coerced = args.map((arg, i) => coerceParam(arg(), fn.params[i]));
  } catch (e) {
    throw isElError(e) ? functionProblem(fn, e as Error) : e;
  }
  try {
    return fn.impl(coerced);
  } catch (e) {
    throw e instanceof RuleEvaluationError ? functionProblem(fn, e) : e;
  }
}
