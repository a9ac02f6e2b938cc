/** The syntax tree of a Proctor rule (Unified EL 2.2 expression). Offsets are 0-based into the parsed text. */

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '>' | '<=' | '>=' | '&&' | '||';
export type UnaryOp = '-' | '!' | 'empty';

interface Span {
  start: number;
  end: number;
}

export type RuleNode =
  | (Span & { type: 'string'; value: string })
  /** `value` is null when the literal does not fit a Java long (Tomcat fails on evaluation). */
  | (Span & { type: 'integer'; value: bigint | null; raw: string })
  | (Span & { type: 'float'; value: number; raw: string })
  | (Span & { type: 'boolean'; value: boolean })
  | (Span & { type: 'null' })
  | (Span & { type: 'identifier'; name: string })
  | (Span & { type: 'unary'; op: UnaryOp; operand: RuleNode })
  | (Span & { type: 'binary'; op: BinaryOp; left: RuleNode; right: RuleNode })
  | (Span & { type: 'ternary'; test: RuleNode; consequent: RuleNode; alternate: RuleNode })
  /**
   * `a.b` (computed false, property is a string node) or `a[expr]`. `grouped` when the object was written in
   * parentheses (`(a.b).c`): it is then a chain of its own (Tomcat's AstValue), which matters for null bases.
   */
  | (Span & { type: 'member'; object: RuleNode; property: RuleNode; computed: boolean; grouped?: boolean })
  /** EL 2.2 method invocation `a.b(args)` / `a['b'](args)`. */
  | (Span & { type: 'call'; object: RuleNode; property: RuleNode; computed: boolean; args: RuleNode[]; grouped?: boolean })
  /** `prefix:name(args)`; the function is resolved at parse time. */
  | (Span & { type: 'function'; prefix: string; name: string; args: RuleNode[] });

/** A template with literal text around `${…}` parts (e.g. `${a}${b}` or `${x}}`): always a String in EL. */
export interface CompositeNode extends Span {
  type: 'composite';
  parts: Array<(Span & { type: 'text'; value: string }) | RuleNode>;
}

export interface RuleAst {
  /** The text that was parsed. */
  source: string;
  /** A single expression (bare text, or exactly one `${…}`), or a composite template. */
  root: RuleNode | CompositeNode;
}
