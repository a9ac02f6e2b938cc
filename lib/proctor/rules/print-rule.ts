/** Turns a rule AST back into EL text (minimal parentheses) and lists its free variables. */
import type { BinaryOp, CompositeNode, RuleAst, RuleNode } from './ast';

const BINARY_PRECEDENCE: Record<BinaryOp, number> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 4,
  '>': 4,
  '<=': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
};

function precedence(node: RuleNode): number {
  switch (node.type) {
    case 'ternary':
      return 0;
    case 'binary':
      return BINARY_PRECEDENCE[node.op];
    case 'unary':
      return 7;
    case 'member':
    case 'call':
      return 8;
    default:
      return 9;
  }
}

function quote(value: string): string {
  return "'" + value.replace(/[\\']/g, '\\$&') + "'";
}

function wrapIf(condition: boolean, text: string): string {
  return condition ? `(${text})` : text;
}

/** Prints one expression (without `${}`). */
export function printNode(node: RuleNode): string {
  switch (node.type) {
    case 'string':
      return quote(node.value);
    case 'integer':
    case 'float':
      return node.raw;
    case 'boolean':
      return String(node.value);
    case 'null':
      return 'null';
    case 'identifier':
      return node.name;
    case 'unary': {
      const operand = wrapIf(precedence(node.operand) < 7, printNode(node.operand));
      return node.op === 'empty' ? `empty ${operand}` : node.op + operand;
    }
    case 'binary': {
      const p = BINARY_PRECEDENCE[node.op];
      const left = wrapIf(precedence(node.left) < p, printNode(node.left));
      const right = wrapIf(precedence(node.right) <= p, printNode(node.right));
      return `${left} ${node.op} ${right}`;
    }
    case 'ternary': {
      // An identifier right before ':' could be read as a function prefix (`a ? b:c(…)`), so parenthesize it.
      const consequent = wrapIf(node.consequent.type === 'identifier', printNode(node.consequent));
      return `${wrapIf(precedence(node.test) < 1, printNode(node.test))} ? ${consequent} : ${printNode(node.alternate)}`;
    }
    case 'member':
    case 'call': {
      const literalObject = node.object.type === 'integer' || node.object.type === 'float';
      let text = wrapIf(precedence(node.object) < 8 || literalObject, printNode(node.object));
      text += node.computed || node.property.type !== 'string' ? `[${printNode(node.property)}]` : `.${node.property.value}`;
      if (node.type === 'call') text += `(${node.args.map(printNode).join(', ')})`;
      return text;
    }
    case 'function':
      return `${node.prefix ? node.prefix + ':' : ''}${node.name}(${node.args.map(printNode).join(', ')})`;
  }
}

function printComposite(node: CompositeNode): string {
  return node.parts.map((p) => (p.type === 'text' ? p.value.replace(/([$#])\{/g, '\\$1{') : '${' + printNode(p) + '}')).join('');
}

/** Prints a rule wrapped in `${…}` (a composite is printed as its template). */
export function printRule(ast: RuleAst | RuleNode): string {
  const root = 'root' in ast ? ast.root : ast;
  return root.type === 'composite' ? printComposite(root) : '${' + printNode(root) + '}';
}

/** The direct sub-expressions of a node (a template's embedded expressions), left to right. */
export function ruleChildren(node: RuleNode | CompositeNode): RuleNode[] {
  switch (node.type) {
    case 'composite':
      return node.parts.filter((p): p is RuleNode => p.type !== 'text');
    case 'unary':
      return [node.operand];
    case 'binary':
      return [node.left, node.right];
    case 'ternary':
      return [node.test, node.consequent, node.alternate];
    case 'member':
      return [node.object, node.property];
    case 'call':
      return [node.object, node.property, ...node.args];
    case 'function':
      return node.args;
    default:
      return [];
  }
}

/** Visits every node depth-first, left to right (iteratively, so deep trees are fine). */
export function walkRule(ast: RuleAst, visit: (node: RuleNode) => void): void {
  const stack: Array<RuleNode | CompositeNode> = [ast.root];
  while (stack.length > 0) {
    const node = stack.pop() as RuleNode | CompositeNode;
    if (node.type !== 'composite') visit(node);
    const kids = ruleChildren(node);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
}

/** The free variables (AstIdentifier images) of a rule, in order of first appearance. */
export function collectIdentifiers(ast: RuleAst): string[] {
  const names = new Set<string>();
  walkRule(ast, (n) => {
    if (n.type === 'identifier') names.add(n.name);
  });
  return [...names];
}

/** Identifiers with their offsets (for editor diagnostics). */
export function collectIdentifierNodes(ast: RuleAst): Array<{ name: string; start: number; end: number }> {
  const out: Array<{ name: string; start: number; end: number }> = [];
  walkRule(ast, (n) => {
    if (n.type === 'identifier') out.push({ name: n.name, start: n.start, end: n.end });
  });
  return out;
}
