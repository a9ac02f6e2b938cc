/**
 * Parser for the Unified EL 2.2 subset Proctor rules use (Tomcat 7's ELParser.jjt grammar, FACTS §3.2). EL 3.0
 * syntax (lambdas, `;`, `=`, `+=`, list/set/map literals) is a syntax error, as Proctor's verifier makes it.
 * Recursion is bounded so that hostile input gives a RuleSyntaxError, never a stack overflow.
 */
import type { BinaryOp, CompositeNode, RuleAst, RuleNode } from './ast';
import { lookupFunction } from './functions';

/** A rule that cannot be parsed; `position` is a 0-based offset into the parsed text. */
export class RuleSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'RuleSyntaxError';
  }
}

/** Max nesting of parentheses / brackets / unary operators / arguments (parser recursion). */
export const MAX_NESTING = 200;
/** Max depth of the resulting tree (long `a || b || …` chains), bounding evaluator recursion. */
export const MAX_TREE_DEPTH = 1000;

type TokenKind =
  | 'int'
  | 'float'
  | 'string'
  | 'ident'
  | '.'
  | '['
  | ']'
  | '('
  | ')'
  | ','
  | ':'
  | '?'
  | BinaryOp
  | '!'
  | 'empty'
  | 'true'
  | 'false'
  | 'null'
  | 'instanceof'
  | '}'
  | 'eof';

interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
  /** Unescaped value of a string literal. */
  value?: string;
}

const KEYWORDS: Record<string, TokenKind> = {
  and: '&&',
  or: '||',
  not: '!',
  eq: '==',
  ne: '!=',
  lt: '<',
  gt: '>',
  le: '<=',
  ge: '>=',
  div: '/',
  mod: '%',
  empty: 'empty',
  true: 'true',
  false: 'false',
  null: 'null',
  instanceof: 'instanceof',
};

/** Tomcat's Validation.isIdentifier refuses Java keywords as identifiers and `.name` properties (`x.class`). */
const JAVA_KEYWORDS = new Set(
  ('abstract assert boolean break byte case catch char class const continue default do double else enum extends final ' +
    'finally float for goto if implements import int interface long native new package private protected public return ' +
    'short static strictfp super switch synchronized this throw throws transient try void volatile while').split(' '),
);

const IDENT_START = /[\p{L}\p{Nl}$_]/u;
const IDENT_PART = /[\p{L}\p{Nl}\p{Nd}\p{Mn}\p{Mc}\p{Pc}$_]/u;
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r';

function describe(text: string | undefined): string {
  if (text === undefined || text === '') return 'end of rule';
  return `'${text.length > 20 ? text.slice(0, 20) + '…' : text}'`;
}

/** Tokenizes one expression starting at `pos` until (and including) the closing `}` or the end of the text. */
function tokenizeExpression(src: string, pos: number): Token[] {
  const tokens: Token[] = [];
  let i = pos;
  const push = (kind: TokenKind, start: number, end: number, value?: string) => {
    tokens.push({ kind, text: src.slice(start, end), start, end, value });
  };
  while (true) {
    while (isSpace(src[i])) i++;
    if (i >= src.length) {
      push('eof', i, i);
      return tokens;
    }
    const c = src[i];
    const start = i;
    if (c === '}') {
      push('}', i, i + 1);
      return tokens;
    }
    if (isDigit(c) || (c === '.' && isDigit(src[i + 1]))) {
      let isFloat = false;
      while (isDigit(src[i])) i++;
      if (src[i] === '.') {
        isFloat = true;
        i++;
        while (isDigit(src[i])) i++;
      }
      if ((src[i] === 'e' || src[i] === 'E') && (isDigit(src[i + 1]) || ((src[i + 1] === '+' || src[i + 1] === '-') && isDigit(src[i + 2])))) {
        isFloat = true;
        i += 2;
        while (isDigit(src[i])) i++;
      }
      push(isFloat ? 'float' : 'int', start, i);
      continue;
    }
    if (c === '"' || c === "'") {
      let value = '';
      i++;
      while (true) {
        const d = src[i];
        if (d === undefined) throw new RuleSyntaxError(`unterminated string literal starting at ${describe(c)}`, start);
        if (d === c) {
          i++;
          break;
        }
        if (d === '\\') {
          const e = src[i + 1];
          if (e !== '\\' && e !== '"' && e !== "'") {
            throw new RuleSyntaxError(`invalid escape ${describe('\\' + (e ?? ''))} in string literal (only \\\\, \\' and \\" are allowed)`, i);
          }
          value += e;
          i += 2;
          continue;
        }
        value += d;
        i++;
      }
      push('string', start, i, value);
      continue;
    }
    const cp = src.codePointAt(i) as number;
    const ch = String.fromCodePoint(cp);
    if (IDENT_START.test(ch)) {
      i += ch.length;
      while (i < src.length) {
        const next = String.fromCodePoint(src.codePointAt(i) as number);
        if (!IDENT_PART.test(next)) break;
        i += next.length;
      }
      const word = src.slice(start, i);
      push(Object.hasOwn(KEYWORDS, word) ? KEYWORDS[word] : 'ident', start, i);
      continue;
    }
    const two = src.slice(i, i + 2);
    switch (two) {
      case '==':
      case '!=':
      case '<=':
      case '>=':
      case '&&':
      case '||':
        push(two, i, i + 2);
        i += 2;
        continue;
      case '->':
        throw new RuleSyntaxError("lambda expressions ('->') are not supported in Proctor rules", i);
      case '+=':
        throw new RuleSyntaxError("'+=' is not supported in Proctor rules (EL 2.2 has no string concatenation)", i);
    }
    switch (c) {
      case '.':
      case '[':
      case ']':
      case '(':
      case ')':
      case ',':
      case ':':
      case '?':
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
      case '<':
      case '>':
      case '!':
        push(c, i, i + 1);
        i++;
        continue;
      case '=':
        throw new RuleSyntaxError("unexpected '=' (use '==' to compare; assignments are not supported)", i);
      case ';':
        throw new RuleSyntaxError("unexpected ';' (multiple statements are not supported)", i);
      case '{':
        throw new RuleSyntaxError("unexpected '{' (set and map literals are not supported)", i);
      case '&':
        throw new RuleSyntaxError("unexpected '&' (use '&&' or 'and')", i);
      case '|':
        throw new RuleSyntaxError("unexpected '|' (use '||' or 'or')", i);
    }
    throw new RuleSyntaxError(`unexpected character ${describe(ch)}`, i);
  }
}

class ExpressionParser {
  private index = 0;
  private nesting = 0;
  private readonly depth = new WeakMap<RuleNode, number>();

  constructor(private readonly tokens: Token[]) {}

  get position(): number {
    return this.tokens[this.index].start;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)];
  }

  private next(): Token {
    const t = this.tokens[this.index];
    if (this.index < this.tokens.length - 1) this.index++;
    return t;
  }

  private expect(kind: TokenKind, what: string): Token {
    const t = this.peek();
    if (t.kind !== kind) throw new RuleSyntaxError(`expected ${what} but found ${describe(t.text)}`, t.start);
    return this.next();
  }

  private unexpected(t: Token): RuleSyntaxError {
    if (t.kind === 'instanceof') return new RuleSyntaxError("'instanceof' is a reserved word and cannot be used", t.start);
    return new RuleSyntaxError(`unexpected ${describe(t.text)}`, t.start);
  }

  private node<N extends RuleNode>(n: N, ...children: RuleNode[]): N {
    let d = 0;
    for (const c of children) d = Math.max(d, this.depth.get(c) ?? 0);
    if (d + 1 > MAX_TREE_DEPTH) {
      throw new RuleSyntaxError(`Rule is too complex (more than ${MAX_TREE_DEPTH} nested operations)`, n.start);
    }
    this.depth.set(n, d + 1);
    return n;
  }

  private enter(at: number): void {
    if (++this.nesting > MAX_NESTING) throw new RuleSyntaxError(`Rule is nested too deeply (more than ${MAX_NESTING} levels)`, at);
  }

  /** Expression := Choice, and nothing may follow it but `end`. */
  parseWhole(end: TokenKind): RuleNode {
    const t = this.peek();
    if (t.kind === end) throw new RuleSyntaxError('empty expression', t.start);
    const n = this.expression();
    const after = this.peek();
    if (after.kind !== end) {
      if (end === '}' && after.kind === 'eof') throw new RuleSyntaxError("missing '}' at the end of the expression", after.start);
      throw this.unexpected(after);
    }
    return n;
  }

  private expression(): RuleNode {
    this.enter(this.position);
    const n = this.choice();
    this.nesting--;
    return n;
  }

  private choice(): RuleNode {
    const test = this.binary(0);
    if (this.peek().kind !== '?') return test;
    this.next();
    const consequent = this.expression();
    this.expect(':', "':' of the ternary operator");
    const alternate = this.expression();
    return this.node({ type: 'ternary', test, consequent, alternate, start: test.start, end: alternate.end }, test, consequent, alternate);
  }

  private static readonly LEVELS: TokenKind[][] = [['||'], ['&&'], ['==', '!='], ['<', '>', '<=', '>='], ['+', '-'], ['*', '/', '%']];

  private binary(level: number): RuleNode {
    if (level === ExpressionParser.LEVELS.length) return this.unary();
    const ops = ExpressionParser.LEVELS[level];
    let left = this.binary(level + 1);
    while (ops.includes(this.peek().kind)) {
      const op = this.next().kind as BinaryOp;
      const right = this.binary(level + 1);
      left = this.node({ type: 'binary', op, left, right, start: left.start, end: right.end }, left, right);
    }
    return left;
  }

  private unary(): RuleNode {
    const t = this.peek();
    if (t.kind === '-' || t.kind === '!' || t.kind === 'empty') {
      this.next();
      this.enter(t.start);
      const operand = this.unary();
      this.nesting--;
      return this.node({ type: 'unary', op: t.kind, operand, start: t.start, end: operand.end }, operand);
    }
    return this.value();
  }

  private value(): RuleNode {
    const grouped = this.peek().kind === '(';
    let n = this.prefix();
    let first = true;
    while (true) {
      const t = this.peek();
      let property: RuleNode;
      let computed: boolean;
      if (t.kind === '.') {
        this.next();
        const name = this.peek();
        if (name.kind !== 'ident') {
          throw new RuleSyntaxError(`expected a property name after '.' but found ${describe(name.text)}`, name.start);
        }
        if (JAVA_KEYWORDS.has(name.text)) {
          throw new RuleSyntaxError(`'${name.text}' is a Java keyword and cannot be a property name; write ['${name.text}'] instead`, name.start);
        }
        this.next();
        property = { type: 'string', value: name.text, start: name.start, end: name.end };
        computed = false;
      } else if (t.kind === '[') {
        this.next();
        property = this.expression();
        this.expect(']', "']'");
        computed = true;
      } else {
        return n;
      }
      const group = grouped && first ? { grouped: true } : {};
      first = false;
      if (this.peek().kind === '(') {
        const args = this.args();
        const end = this.tokens[this.index - 1].end;
        n = this.node({ type: 'call', object: n, property, computed, args, ...group, start: n.start, end }, n, property, ...args);
      } else {
        const end = this.tokens[this.index - 1].end;
        n = this.node({ type: 'member', object: n, property, computed, ...group, start: n.start, end }, n, property);
      }
    }
  }

  private args(): RuleNode[] {
    this.expect('(', "'('");
    const args: RuleNode[] = [];
    if (this.peek().kind === ')') {
      this.next();
      return args;
    }
    while (true) {
      args.push(this.expression());
      const t = this.next();
      if (t.kind === ')') return args;
      if (t.kind !== ',') throw new RuleSyntaxError(`expected ',' or ')' in the argument list but found ${describe(t.text)}`, t.start);
    }
  }

  private prefix(): RuleNode {
    const t = this.peek();
    switch (t.kind) {
      case 'string':
        this.next();
        return this.node({ type: 'string', value: t.value as string, start: t.start, end: t.end });
      case 'int': {
        this.next();
        const big = BigInt(t.text);
        const value = big <= 9223372036854775807n ? big : null;
        return this.node({ type: 'integer', value, raw: t.text, start: t.start, end: t.end });
      }
      case 'float':
        this.next();
        return this.node({ type: 'float', value: Number(t.text), raw: t.text, start: t.start, end: t.end });
      case 'true':
      case 'false':
        this.next();
        return this.node({ type: 'boolean', value: t.kind === 'true', start: t.start, end: t.end });
      case 'null':
        this.next();
        return this.node({ type: 'null', start: t.start, end: t.end });
      case '(': {
        this.next();
        const inner = this.expression();
        this.expect(')', "')'");
        return inner;
      }
      case '[':
        throw new RuleSyntaxError("unexpected '[' (list literals are not supported)", t.start);
      case 'ident':
        return this.identifierOrFunction();
    }
    throw this.unexpected(t);
  }

  private identifierOrFunction(): RuleNode {
    const first = this.next();
    // Like Tomcat's LOOKAHEAD(4): `a:b(` and `a(` are function calls (so `x ? a:b(1)` is one too).
    let prefix = '';
    let name = first;
    if (this.peek().kind === ':' && this.peek(1).kind === 'ident' && this.peek(2).kind === '(') {
      this.next();
      prefix = first.text;
      name = this.next();
    } else if (this.peek().kind !== '(') {
      if (JAVA_KEYWORDS.has(first.text)) throw new RuleSyntaxError(`'${first.text}' is a Java keyword and cannot be a variable name`, first.start);
      return this.node({ type: 'identifier', name: first.text, start: first.start, end: first.end });
    }
    const fn = lookupFunction(prefix, name.text);
    const qualified = prefix ? `${prefix}:${name.text}` : name.text;
    if (!fn) throw new RuleSyntaxError(`Function '${qualified}' not found`, first.start);
    const args = this.args();
    if (args.length !== fn.params.length) {
      throw new RuleSyntaxError(`Function '${qualified}' specifies ${fn.params.length} params, but ${args.length} were declared`, first.start);
    }
    const end = this.tokens[this.index - 1].end;
    return this.node({ type: 'function', prefix, name: name.text, args, start: first.start, end }, ...args);
  }
}

/** Parses a bare expression (no `${…}` wrapper), e.g. `lang == 'en'`. */
export function parseExpression(text: string): RuleAst {
  const parser = new ExpressionParser(tokenizeExpression(text, 0));
  return { source: text, root: parser.parseWhole('eof') };
}

/**
 * Parses an EL template the way Tomcat's createValueExpression does: literal text with `${…}` (or `#{…}`) parts.
 * Exactly one `${…}` with nothing around it yields that expression; anything else is a composite (a String).
 */
export function parseTemplate(text: string): RuleAst {
  const parts: CompositeNode['parts'] = [];
  let i = 0;
  let literal = '';
  let literalStart = 0;
  let marker: string | null = null;
  const flush = (end: number) => {
    if (literal !== '') parts.push({ type: 'text', value: literal, start: literalStart, end });
    literal = '';
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '\\' && (text[i + 1] === '$' || text[i + 1] === '#') && text[i + 2] === '{') {
      literal += text[i + 1];
      i += 2;
      continue;
    }
    if ((c === '$' || c === '#') && text[i + 1] === '{') {
      if (marker !== null && marker !== c) throw new RuleSyntaxError("a rule cannot mix '${' and '#{' expressions", i);
      marker = c;
      flush(i);
      const tokens = tokenizeExpression(text, i + 2);
      const expr = new ExpressionParser(tokens).parseWhole('}');
      const close = tokens[tokens.length - 1];
      parts.push(expr);
      i = close.end;
      literalStart = i;
      continue;
    }
    if (literal === '') literalStart = i;
    literal += c;
    i++;
  }
  flush(text.length);
  if (parts.length === 1 && parts[0].type !== 'text') return { source: text, root: parts[0] as RuleNode };
  return { source: text, root: { type: 'composite', parts, start: 0, end: text.length } };
}

/**
 * Parses a rule given with or without its `${…}` wrapper: text containing `${` or `#{` is parsed as an EL template
 * (as Proctor does for matrix rules), anything else as a bare expression. Throws RuleSyntaxError.
 */
export function parseRule(text: string): RuleAst {
  return text.includes('${') || text.includes('#{') ? parseTemplate(text) : parseExpression(text);
}

const AST_CACHE_SIZE = 1000;
const astCache = new Map<string, RuleAst | RuleSyntaxError>();

/** parseRule with a small LRU cache keyed by the rule text (the same rules are evaluated over and over). */
export function parseRuleCached(text: string): RuleAst {
  let hit = astCache.get(text);
  if (hit !== undefined) {
    astCache.delete(text);
    astCache.set(text, hit);
  } else {
    try {
      hit = parseRule(text);
    } catch (e) {
      if (!(e instanceof RuleSyntaxError)) throw e;
      hit = e;
    }
    if (astCache.size >= AST_CACHE_SIZE) astCache.delete(astCache.keys().next().value as string);
    astCache.set(text, hit);
  }
  if (hit instanceof RuleSyntaxError) throw hit;
  return hit;
}
