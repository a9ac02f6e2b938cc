/**
 * Evaluates Proctor rules with Tomcat EL 7 semantics (FACTS §3.2–3.4) and Proctor's evaluateBooleanRule contract
 * (RuleEvaluator.evaluateBooleanRuleWithValueExpr, §3.3).
 *
 * Safety: no eval/new Function; property access reads only own data properties of plain objects, Map entries and
 * list indexes. Java bean properties do not exist here, so `x.constructor`, `x.__proto__`, `x['prototype']` or
 * `x.toString` are missing keys on maps and PropertyNotFound on other values. Method calls are limited to a small
 * whitelist of side-effect-free java.lang.String / java.util.List / java.util.Map methods (see `invokeMethod`).
 */
import type { CompositeNode, RuleAst, RuleNode } from './ast';
import { callFunction, javaTrim, lookupFunction } from './functions';
import { compileJavaRegex } from './java-regex';
import { parseRuleCached } from './parse-rule';
import {
  coerceToBoolean,
  coerceToInt,
  coerceToString,
  elArithmetic,
  elCompare,
  elEmpty,
  elEquals,
  elNegate,
  ElValue,
  fromElValue,
  isElCollection,
  isElMap,
  JavaArray,
  JavaClassRef,
  javaCompareTo,
  javaStringCompareTo,
  doubleToLong,
  coerceToNumber,
  javaHashCode,
  JavaInt,
  javaClassName,
  javaClassString,
  javaObjectEquals,
  javaToString,
  mapGet,
  mapSize,
  MaybeBool,
  ReleaseVersion,
  RuleEvaluationError,
  toElValue,
  widenInt,
} from './values';

export type RuleVariables = Record<string, unknown> | Map<string, unknown>;

export interface RuleEvaluationOptions {
  /** The test's constants; they shadow context variables of the same name (§3.3.5). */
  constants?: RuleVariables;
  /** The request context (e.g. lang, country, loggedIn, missingExperimentalUnit). */
  context?: RuleVariables;
  /**
   * The application's providedContext (variable → Java type name). A context number is the Java type declared here
   * (`int` → Integer, `long` → Long, `double` → Double); an undeclared one is typed as Jackson types JSON (Integer when
   * it fits 32 bits, else Long; a fraction or exponent makes a Double).
   */
  contextTypes?: Record<string, string>;
}

interface Scope extends RuleEvaluationOptions {
  /**
   * ELContext.isPropertyResolved, shared by the whole evaluation like Tomcat's: a chain `a.b` whose base `a` is null
   * throws unless some earlier resolution in the same evaluation left the flag set (AstValue.getValue).
   */
  state?: { resolved: boolean };
}

function lookupIn(vars: RuleVariables | undefined, name: string): { found: boolean; value: ElValue } {
  if (!vars) return { found: false, value: null };
  return mapGet(vars as Record<string, unknown> | Map<unknown, unknown>, name);
}

/** A context number as the declared Java type (see RuleEvaluationOptions.contextTypes). */
function asDeclaredType(value: ElValue, typeName: string | undefined): ElValue {
  if (typeName === undefined) return value;
  const n = value instanceof JavaInt ? value.value : typeof value === 'bigint' ? Number(value) : typeof value === 'number' ? value : null;
  if (n === null) return value;
  switch (typeName.trim().toLowerCase()) {
    case 'long':
    case 'java.lang.long':
      return Number.isInteger(n) ? BigInt(n) : value;
    case 'int':
    case 'integer':
    case 'java.lang.integer':
      return Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 ? new JavaInt(n) : value;
    case 'short':
      return Number.isInteger(n) && n >= -32768 && n <= 32767 ? new JavaInt(n, 'java.lang.Short') : value;
    case 'byte':
      return Number.isInteger(n) && n >= -128 && n <= 127 ? new JavaInt(n, 'java.lang.Byte') : value;
    case 'double':
    case 'float':
    case 'java.lang.double':
      return n;
  }
  return value;
}

/** MulticontextReadOnlyVariableMapper: constants first, then the context. */
export function resolveVariable(scope: Scope, name: string): { found: boolean; value: ElValue } {
  const c = lookupIn(scope.constants, name);
  if (c.found) return c;
  const v = lookupIn(scope.context, name);
  if (v.found && scope.contextTypes && Object.hasOwn(scope.contextTypes, name)) v.value = asDeclaredType(v.value, scope.contextTypes[name]);
  return v;
}

function propertyNotFound(message: string): RuleEvaluationError {
  return new RuleEvaluationError(message, 'javax.el.PropertyNotFoundException');
}

function identifierValue(scope: Scope, name: string): ElValue {
  const v = resolveVariable(scope, name);
  if (!v.found) throw propertyNotFound(`ELResolver cannot handle a null base Object with identifier [${name}]`);
  return v.value;
}

/** ArrayELResolver/ListELResolver index coercion. */
function listIndex(property: ElValue): number {
  property = widenInt(property);
  if (typeof property === 'bigint') return Number(BigInt.asIntN(32, property));
  if (typeof property === 'number') return Number(BigInt.asIntN(32, BigInt(Math.trunc(Number.isFinite(property) ? property : 0))));
  if (typeof property === 'boolean') return property ? 1 : 0;
  if (typeof property === 'string') {
    if (/^[+-]?\d+$/.test(property)) {
      const n = Number(property);
      if (n >= -2147483648 && n <= 2147483647) return n;
    }
    throw new RuleEvaluationError(`For input string: "${property}"`, 'java.lang.NumberFormatException');
  }
  throw new RuleEvaluationError(javaToString(property), 'java.lang.IllegalArgumentException');
}

/** The CompositeELResolver (Array, List, Map, Bean) reading `base[property]`; base is never null here. */
function getProperty(base: ElValue, property: ElValue): ElValue {
  if (base instanceof JavaArray || Array.isArray(base)) {
    const items = base instanceof JavaArray ? base.items : base;
    const idx = listIndex(property);
    return idx < 0 || idx >= items.length ? null : toElValue(items[idx]);
  }
  if (isElMap(base)) return mapGet(base, property).value;
  // BeanELResolver: the getters we model (String.isEmpty/isBlank/getBytes, getClass, ReleaseVersion's precision).
  const name = coerceToString(property);
  if (typeof base === 'string' && name === 'empty') return base.length === 0;
  if (typeof base === 'string' && name === 'blank') return javaTrim(base) === '' && !/[^\s\u001c-\u001f]/.test(base);
  if (typeof base === 'string' && name === 'bytes') return new JavaArray([...new TextEncoder().encode(base)].map((b) => new JavaInt((b << 24) >> 24)), 'B');
  if (name === 'class') return JavaClassRef.of(javaClassName(base));
  if (base instanceof JavaClassRef && (name === 'name' || name === 'simpleName')) return base[name];
  if (base instanceof ReleaseVersion && name === 'matchPrecision') return base.matchPrecision;
  throw propertyNotFound(`Property [${name}] not found on type [${javaClassName(base)}]`);
}

function checkArgs(name: string, args: ElValue[], count: number, base: ElValue): void {
  if (args.length !== count) throw methodNotFound(base, name, args);
}

function methodNotFound(base: ElValue, name: string, args: ElValue[]): RuleEvaluationError {
  return new RuleEvaluationError(
    `Method not found: ${javaClassString(base)}.${name}(${args.map((a) => javaClassName(a)).join(', ')})`,
    'javax.el.MethodNotFoundException',
  );
}

function javaSubstring(s: string, begin: number, end: number): string {
  if (begin < 0 || end > s.length || begin > end) {
    throw new RuleEvaluationError(`begin ${begin}, end ${end}, length ${s.length}`, 'java.lang.StringIndexOutOfBoundsException');
  }
  return s.substring(begin, end);
}

/** Methods every Jackson value has (Object and Comparable), as BeanELResolver finds them. */
function invokeCommonMethod(base: ElValue, name: string, args: ElValue[]): { found: boolean; value?: ElValue } {
  if (args.length === 0) {
    if (name === 'toString') return { found: true, value: javaToString(base) };
    if (name === 'hashCode') return { found: true, value: new JavaInt(javaHashCode(base)) };
    if (name === 'getClass') return { found: true, value: JavaClassRef.of(javaClassName(base)) };
  }
  // Object.equals (Tomcat passes the argument as is).
  if (name === 'equals' && args.length === 1 && typeof base !== 'string') return { found: true, value: javaObjectEquals(base, args[0]) };
  const isNumber = base instanceof JavaInt || typeof base === 'bigint' || typeof base === 'number';
  if (isNumber && args.length === 0) {
    const n = base instanceof JavaInt ? base.value : base;
    switch (name) {
      case 'intValue':
        return { found: true, value: new JavaInt(typeof n === 'number' ? Number(BigInt.asIntN(32, doubleToLong(n))) : Number(BigInt.asIntN(32, n as bigint))) };
      case 'longValue':
        return { found: true, value: typeof n === 'number' ? (base instanceof JavaInt ? BigInt(n) : doubleToLong(n)) : n };
      case 'doubleValue':
        return { found: true, value: Number(n) };
    }
  }
  // The static toString(x) of Integer, Long, Double and Boolean, reached through an instance.
  if (name === 'toString' && args.length === 1 && (isNumber || typeof base === 'boolean')) {
    if (typeof base === 'boolean') return { found: true, value: String(coerceToBoolean(args[0])) };
    if (typeof base === 'number') return { found: true, value: javaToString(coerceToNumber(args[0], 'double')) };
    return { found: true, value: base instanceof JavaInt ? String(coerceToInt(args[0])) : String(coerceToNumber(args[0], 'long')) };
  }
  if (name === 'compareTo' && args.length === 1 && (typeof base === 'string' || base instanceof JavaInt || typeof base === 'bigint' || typeof base === 'number' || typeof base === 'boolean' || base instanceof ReleaseVersion)) {
    // Tomcat 7 picks the erased compareTo(Object) for a non-null argument, so nothing is coerced and another class is
    // a ClassCastException ("5".compareTo(5)); a null argument selects compareTo(T) and is coerced to T's zero value.
    let arg = args[0];
    if (arg === null) {
      arg = typeof base === 'string' ? '' : base instanceof JavaInt ? new JavaInt(0) : typeof base === 'bigint' ? 0n : typeof base === 'number' ? 0 : typeof base === 'boolean' ? false : null;
      if (arg === null) throw new RuleEvaluationError('null', 'java.lang.NullPointerException');
    }
    // String.compareTo returns the difference of the first differing chars (or of the lengths), not just its sign.
    if (typeof base === 'string' && typeof arg === 'string') return { found: true, value: new JavaInt(javaStringCompareTo(base, arg)) };
    return { found: true, value: new JavaInt(javaCompareTo(base, arg)) };
  }
  if (typeof base === 'string') {
    const str = (i: number) => coerceToString(args[i]);
    switch (`${name}/${args.length}`) {
      case 'concat/1':
        return { found: true, value: base + str(0) };
      case 'lastIndexOf/1':
        return { found: true, value: BigInt(base.lastIndexOf(str(0))) };
      case 'replace/2':
        return { found: true, value: base.split(str(0)).join(str(1)) };
      case 'isBlank/0':
        return { found: true, value: !/[^\s\u001c-\u001f]/u.test(base.replace(/[\u00a0\u2007\u202f]/g, 'x')) };
      case 'strip/0':
        return { found: true, value: base.replace(/^[\s\u001c-\u001f]+|[\s\u001c-\u001f]+$/gu, '') };
      case 'intern/0':
        return { found: true, value: base };
      case 'repeat/1': {
        const n = coerceToInt(args[0]);
        if (n < 0) throw new RuleEvaluationError(`count is negative: ${n}`, 'java.lang.IllegalArgumentException');
        return { found: true, value: base.repeat(n) };
      }
      case 'codePointAt/1': {
        const idx = coerceToInt(args[0]);
        if (idx < 0 || idx >= base.length) throw new RuleEvaluationError(`index ${idx}, length ${base.length}`, 'java.lang.StringIndexOutOfBoundsException');
        return { found: true, value: new JavaInt(base.codePointAt(idx) as number) };
      }
    }
  }
  if (Array.isArray(base) && args.length === 1 && (name === 'indexOf' || name === 'lastIndexOf')) {
    const items = base.map(toElValue);
    const idx = name === 'indexOf' ? items.findIndex((x) => javaObjectEquals(x, args[0])) : items.findLastIndex((x) => javaObjectEquals(x, args[0]));
    return { found: true, value: new JavaInt(idx) };
  }
  if (isElMap(base) && args.length === 1 && name === 'containsValue') {
    const keys = base instanceof Map ? [...base.keys()] : Object.keys(base);
    return { found: true, value: keys.some((k) => javaObjectEquals(mapGet(base, k).value, args[0])) };
  }
  if (isElMap(base) && args.length === 0 && (name === 'keySet' || name === 'values')) {
    const keys = base instanceof Map ? [...base.keys()] : Object.keys(base);
    return { found: true, value: name === 'keySet' ? new Set(keys) : keys.map((k) => mapGet(base, k).value) };
  }
  return { found: false };
}

/** EL 2.2 method invocation, restricted to a whitelist of pure methods. */
function invokeMethod(base: ElValue, name: string, args: ElValue[]): ElValue {
  const common = invokeCommonMethod(base, name, args);
  if (common.found) return common.value;
  if (typeof base === 'string') {
    const str = (i: number) => coerceToString(args[i]);
    switch (name) {
      case 'length':
        checkArgs(name, args, 0, base);
        return BigInt(base.length);
      case 'isEmpty':
        checkArgs(name, args, 0, base);
        return base.length === 0;
      case 'trim':
        checkArgs(name, args, 0, base);
        return javaTrim(base);
      case 'toLowerCase':
        checkArgs(name, args, 0, base);
        return base.toLowerCase();
      case 'toUpperCase':
        checkArgs(name, args, 0, base);
        return base.toUpperCase();
      case 'startsWith':
        checkArgs(name, args, 1, base);
        return base.startsWith(str(0));
      case 'endsWith':
        checkArgs(name, args, 1, base);
        return base.endsWith(str(0));
      case 'contains':
        // contains(CharSequence): EL cannot coerce a number to an interface, so Tomcat finds no method for it.
        checkArgs(name, args, 1, base);
        if (typeof args[0] !== 'string') throw methodNotFound(base, name, args);
        return base.includes(args[0]);
      case 'indexOf':
        checkArgs(name, args, 1, base);
        return BigInt(base.indexOf(str(0)));
      case 'equals':
        checkArgs(name, args, 1, base);
        return args[0] === base;
      case 'equalsIgnoreCase':
        checkArgs(name, args, 1, base);
        return typeof args[0] === 'string' && args[0].toUpperCase() === base.toUpperCase() && args[0].toLowerCase() === base.toLowerCase();
      case 'matches':
        checkArgs(name, args, 1, base);
        return compileJavaRegex(str(0)).test(base);
      case 'substring': {
        if (args.length === 1) return javaSubstring(base, coerceToInt(args[0]), base.length);
        checkArgs(name, args, 2, base);
        return javaSubstring(base, coerceToInt(args[0]), coerceToInt(args[1]));
      }
    }
  } else if (isElCollection(base)) {
    const items = [...base].map(toElValue);
    switch (name) {
      case 'size':
        checkArgs(name, args, 0, base);
        return BigInt(items.length);
      case 'isEmpty':
        checkArgs(name, args, 0, base);
        return items.length === 0;
      case 'contains':
        checkArgs(name, args, 1, base);
        return items.some((x) => javaObjectEquals(x, args[0]));
      case 'get': {
        if (!Array.isArray(base)) break;
        checkArgs(name, args, 1, base);
        const idx = coerceToInt(args[0]);
        if (idx < 0 || idx >= items.length) {
          throw new RuleEvaluationError(`Index ${idx} out of bounds for length ${items.length}`, 'java.lang.IndexOutOfBoundsException');
        }
        return items[idx];
      }
    }
  } else if (isElMap(base)) {
    switch (name) {
      case 'size':
        checkArgs(name, args, 0, base);
        return BigInt(mapSize(base));
      case 'isEmpty':
        checkArgs(name, args, 0, base);
        return mapSize(base) === 0;
      case 'containsKey':
        checkArgs(name, args, 1, base);
        return mapGet(base, args[0]).found;
      case 'get':
        checkArgs(name, args, 1, base);
        return mapGet(base, args[0]).value;
    }
  } else if (base instanceof ReleaseVersion && name === 'compareTo' && args.length === 1 && args[0] instanceof ReleaseVersion) {
    return BigInt(base.compareTo(args[0]));
  }
  throw methodNotFound(base, name, args);
}

type ChainNode = Extract<RuleNode, { type: 'member' | 'call' }>;

/** The prefix and the suffixes of one AstValue (`a.b[c].d()`), outermost last. */
function chainOf(node: ChainNode): { prefix: RuleNode; links: ChainNode[] } {
  const links: ChainNode[] = [node];
  let cur = node.object;
  while ((cur.type === 'member' || cur.type === 'call') && !links[0].grouped) {
    links.unshift(cur);
    cur = cur.object;
  }
  return { prefix: cur, links };
}

/**
 * AstValue.getValue: stop at a null base; a null property ends the chain with null; every resolution resets and
 * sets the ELContext's propertyResolved flag; a chain that resolved nothing (its prefix was null) throws unless the
 * flag is still set from an earlier resolution in this evaluation.
 */
function evaluateChain(node: ChainNode, scope: Scope): ElValue {
  const { prefix, links } = chainOf(node);
  const state = scope.state ?? (scope.state = { resolved: false });
  let base = evaluateNode(prefix, scope);
  for (const link of links) {
    if (base === null) break;
    if (link.type === 'call') {
      const name = coerceToString(evaluateNode(link.property, scope));
      const args = link.args.map((a) => evaluateNode(a, scope));
      state.resolved = false;
      try {
        base = invokeMethod(base, name, args);
      } catch (e) {
        // BeanELResolver.invoke: an exception of the method itself becomes ELException(cause), message cause.toString().
        if (e instanceof RuleEvaluationError && !e.javaException.startsWith('javax.el.')) {
          throw new RuleEvaluationError(`${e.javaException}: ${e.message}`, 'javax.el.ELException', e);
        }
        throw e;
      }
      state.resolved = true;
    } else {
      const property = evaluateNode(link.property, scope);
      if (property === null) return null;
      state.resolved = false;
      base = getProperty(base, property);
      state.resolved = true;
    }
  }
  if (!state.resolved) throw propertyNotFound('ELResolver did not handle type: [null] with property of [null]');
  return base;
}

/** Evaluates one node (AstXxx.getValue). */
export function evaluateNode(node: RuleNode, scope: Scope): ElValue {
  switch (node.type) {
    case 'string':
    case 'boolean':
    case 'float':
      return node.value;
    case 'null':
      return null;
    case 'integer':
      if (node.value === null) throw new RuleEvaluationError(`For input string: "${node.raw}"`, 'java.lang.NumberFormatException');
      return node.value;
    case 'identifier':
      return identifierValue(scope, node.name);
    case 'unary': {
      const v = evaluateNode(node.operand, scope);
      if (node.op === '-') return elNegate(v);
      if (node.op === '!') return !coerceToBoolean(v);
      return elEmpty(v);
    }
    case 'binary':
      return evaluateBinary(node, scope);
    case 'ternary':
      return evaluateNode(coerceToBoolean(evaluateNode(node.test, scope)) ? node.consequent : node.alternate, scope);
    case 'member':
    case 'call':
      return evaluateChain(node, scope);
    case 'function': {
      const fn = lookupFunction(node.prefix, node.name);
      if (!fn) throw new RuleEvaluationError(`Function '${node.prefix}:${node.name}' not found`);
      return callFunction(
        fn,
        node.args.map((a) => () => evaluateNode(a, scope)),
      );
    }
  }
}

function evaluateBinary(node: Extract<RuleNode, { type: 'binary' }>, scope: Scope): ElValue {
  switch (node.op) {
    case '&&':
      return coerceToBoolean(evaluateNode(node.left, scope)) ? coerceToBoolean(evaluateNode(node.right, scope)) : false;
    case '||':
      return coerceToBoolean(evaluateNode(node.left, scope)) ? true : coerceToBoolean(evaluateNode(node.right, scope));
    case '==':
      return elEquals(evaluateNode(node.left, scope), evaluateNode(node.right, scope));
    case '!=':
      return !elEquals(evaluateNode(node.left, scope), evaluateNode(node.right, scope));
    case '<':
    case '>': {
      // AstLessThan/AstGreaterThan: a null operand is false (the right side is not even evaluated if the left is null).
      const a = evaluateNode(node.left, scope);
      if (a === null) return false;
      const b = evaluateNode(node.right, scope);
      if (b === null) return false;
      const c = elCompare(a, b);
      return node.op === '<' ? c < 0 : c > 0;
    }
    case '<=':
    case '>=': {
      const a = evaluateNode(node.left, scope);
      const b = evaluateNode(node.right, scope);
      // AstLessThanEqual's `obj0 == obj1` is identity; two Doubles (0.0, -0.0) go on to compare.
      if (a === b && typeof a !== 'number') return true;
      if (a === null || b === null) return false;
      const c = elCompare(a, b);
      return node.op === '<=' ? c <= 0 : c >= 0;
    }
    default:
      return elArithmetic(node.op, evaluateNode(node.left, scope), evaluateNode(node.right, scope));
  }
}

function evaluateRoot(root: RuleNode | CompositeNode, scope: Scope): ElValue {
  if (root.type !== 'composite') return evaluateNode(root, scope);
  let out = '';
  for (const part of root.parts) out += part.type === 'text' ? part.value : coerceToString(evaluateNode(part, scope));
  return out;
}

/** Evaluates a parsed rule and returns its value in the evaluator's representation (Long = bigint). */
export function evaluateAst(ast: RuleAst, options: RuleEvaluationOptions = {}): ElValue {
  return evaluateRoot(ast.root, { ...options, state: { resolved: false } });
}

/**
 * Evaluates a rule (with or without `${…}`) and returns the raw value: Long as a number (bigint beyond 2^53),
 * Double as a number, String[] as string[], MaybeBool/ReleaseVersion as those classes. Throws RuleSyntaxError or
 * RuleEvaluationError.
 */
export function evaluateExpression(rule: string, options: RuleEvaluationOptions = {}): unknown {
  return fromElValue(evaluateAst(parseRuleCached(rule), options));
}

// ---------------------------------------------------------------------------------------------- static type

/**
 * The `Class` ValueExpression.getType reports for the root (after Proctor's wrapper→primitive step), e.g.
 * "boolean", "long", "class java.lang.String"; null when the value is null. `base`/`property` are set when the root
 * is a Map lookup (ValueReference), which Proctor inspects further.
 */
interface StaticType {
  type: string | null;
  mapLookup?: { map: Record<string, unknown> | Map<unknown, unknown>; property: ElValue };
}

const PRIMITIVE_OF: Record<string, string> = {
  'java.lang.Boolean': 'boolean',
  'java.lang.Long': 'long',
  'java.lang.Integer': 'int',
  'java.lang.Short': 'short',
  'java.lang.Byte': 'byte',
  'java.lang.Double': 'double',
};

function typeOfValue(value: ElValue): string | null {
  if (value === null) return null;
  const name = javaClassName(value);
  return PRIMITIVE_OF[name] ?? "class " + name;
}

/** AstValue.getTarget: evaluates all but the last suffix; a null on the way is "Target Unreachable". */
function memberTarget(node: Extract<RuleNode, { type: 'member' | 'call' }>, scope: Scope): { base: ElValue; property: ElValue } {
  const chain: Array<Extract<RuleNode, { type: 'member' | 'call' }>> = [];
  let cur: RuleNode = node;
  while (cur.type === 'member' || (cur.type === 'call' && cur === node)) {
    chain.unshift(cur);
    cur = cur.object;
  }
  let base = evaluateNode(cur, scope);
  if (base === null) {
    const image = cur.type === 'identifier' ? cur.name : cur.type;
    throw propertyNotFound(`Target Unreachable, identifier [${image}] resolved to null`);
  }
  for (let i = 0; i < chain.length - 1; i++) {
    const c = chain[i];
    const property = evaluateNode(c.property, scope);
    base = property === null ? null : getProperty(base, property);
    if (base === null) throw propertyNotFound(`Target Unreachable, [${javaToString(property)}] returned null`);
  }
  return { base, property: evaluateNode(node.property, scope) };
}

function staticType(root: RuleNode | CompositeNode, scope: Scope): StaticType {
  switch (root.type) {
    case 'composite':
    case 'string':
      return { type: 'class java.lang.String' };
    case 'integer':
      return { type: 'long' };
    case 'float':
      return { type: 'double' };
    case 'boolean':
      return { type: 'boolean' };
    case 'null':
      return { type: null };
    case 'unary':
      return { type: root.op === '-' ? 'class java.lang.Number' : 'boolean' };
    case 'binary':
      return { type: ['+', '-', '*', '/', '%'].includes(root.op) ? 'class java.lang.Number' : 'boolean' };
    case 'identifier':
    case 'ternary':
      // AstIdentifier.getType is the class of the variable's value; AstChoice.getType evaluates the expression.
      return { type: typeOfValue(evaluateNode(root, scope)) };
    case 'function': {
      const fn = lookupFunction(root.prefix, root.name);
      return { type: fn ? fn.returnType : null };
    }
    case 'member':
    case 'call': {
      const { base, property } = memberTarget(root, scope);
      if (isElMap(base)) return { type: 'class java.lang.Object', mapLookup: { map: base, property } };
      if (Array.isArray(base)) {
        const idx = listIndex(property);
        if (idx < 0 || idx >= base.length) throw propertyNotFound(`Index ${idx} out of bounds for length ${base.length}`);
        return { type: 'class java.lang.Object' };
      }
      if (base instanceof JavaArray) return { type: 'class ' + base.componentType };
      const name = coerceToString(property);
      if (root.type === 'member' && typeof base === 'string' && (name === 'empty' || name === 'blank')) return { type: 'boolean' };
      throw propertyNotFound(`Property [${name}] not found on type [${javaClassName(base)}]`);
    }
  }
}

/**
 * RuleEvaluator.checkRuleIsBooleanType: the static type must be boolean or null; a root Map lookup uses the class of
 * the value found (a missing/null value is the "nested value which does not exist" error).
 */
export function checkRuleIsBooleanType(rule: string, ast: RuleAst, scope: Scope): void {
  const st = staticType(ast.root, scope);
  let type = st.type;
  if (st.mapLookup) {
    const value = mapGet(st.mapLookup.map, st.mapLookup.property).value;
    if (value === null) {
      throw new RuleEvaluationError(
        `Received nested value which does not exist in context map: value ${javaToString(st.mapLookup.property)} in rule ${rule}`,
        'java.lang.IllegalArgumentException',
      );
    }
    type = typeOfValue(value);
  }
  if (type !== null && type !== 'boolean') {
    throw new RuleEvaluationError(`Received non-boolean return value: ${type} from rule ${rule}`, 'java.lang.IllegalArgumentException');
  }
}

/**
 * Proctor's evaluateBooleanRule (§3.3): blank → true; not literally `${…}` → false; `${}`/`${true…}`/`${false…}`
 * fast path; otherwise parse, check the static type is boolean, evaluate (null → false).
 * Throws RuleSyntaxError for unparsable rules and RuleEvaluationError for type/evaluation errors.
 */
export function evaluateRule(rule: string | null | undefined, options: RuleEvaluationOptions = {}): boolean {
  if (rule == null || rule.trim() === '') return true;
  if (!rule.startsWith('${') || !rule.endsWith('}')) return false;
  const inner = rule.slice(2, -1).trim().toLowerCase();
  if (inner === '' || inner.startsWith('true')) return true;
  if (inner.startsWith('false')) return false;
  const ast = parseRuleCached(rule);
  // One ELContext for the type check and the evaluation, as Proctor uses.
  const scope: Scope = { ...options, state: { resolved: false } };
  checkRuleIsBooleanType(rule, ast, scope);
  const value = evaluateRoot(ast.root, scope);
  // ValueExpression coerces to boolean after the type check; only Boolean or null can arrive here.
  return coerceToBoolean(value);
}
