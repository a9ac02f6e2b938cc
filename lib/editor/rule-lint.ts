/**
 * Rule lint: warnings about rules that Proctor accepts but that probably do not say what their author meant (seed 004:
 * `(lang=='en' && country=='US') || country=='CA'` lets French-speaking Canadians in). It is a layer above Proctor's
 * validation (lib/proctor keeps Proctor's exact checks and texts); nothing here makes a rule invalid.
 *
 * - mixed-and-or: `&&` and `||` mixed without parentheses; the warning shows how EL groups them.
 * - partial-condition: one alternative of an `||` tests a variable together with another condition, another
 *   alternative tests the same variable without it, so that condition guards only part of the values.
 * - unknown-variable: a variable no application provides and the team's rule context does not list; names the nearest
 *   known one.
 */
import { parseRuleCached, RuleSyntaxError, type RuleAst, type RuleNode } from '../proctor/rules';
import { collectIdentifierNodes, ruleChildren } from '../proctor/rules';
import type { TestDefinition, ValidationIssue } from '../proctor';

export type RuleLintKind = 'mixed-and-or' | 'partial-condition' | 'unknown-variable';

export interface RuleLint {
  kind: RuleLintKind;
  /** A sentence for people. */
  message: string;
  /** mixed-and-or: the whole rule with every grouping written out. */
  reading?: string;
  /** partial-condition: the rule as it was probably meant. */
  suggestion?: string;
  /** unknown-variable: the variable and the nearest known name. */
  variable?: string;
  nearest?: string;
}

export interface RuleLintOptions {
  /** Context variables known to exist; null or empty = unknown, so no variable is called unknown. */
  knownVariables?: ReadonlySet<string> | null;
  /** Names the rule may use besides the context: the test's constants (they shadow context variables). */
  constants?: Iterable<string>;
}

/** Proctor injects it into every context (FACTS §3.7). */
const ALWAYS_DEFINED = ['missingExperimentalUnit'];

type Binary = Extract<RuleNode, { type: 'binary' }>;
const isLogical = (n: RuleNode, op?: '&&' | '||'): n is Binary => n.type === 'binary' && (n.op === '&&' || n.op === '||') && (!op || n.op === op);

/** Open → close offsets of every parenthesis pair outside string literals. */
function parenPairs(source: string): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  const stack: number[] = [];
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "'" || c === '"') {
      for (i++; i < source.length && source[i] !== c; i++) if (source[i] === '\\') i++;
    } else if (c === '(') stack.push(i);
    else if (c === ')' && stack.length) pairs.push([stack.pop()!, i]);
  }
  return pairs;
}

/** Is `child` written inside parentheses of its own, i.e. ones that do not also hold its sibling? */
function isGrouped(pairs: Array<[number, number]>, parent: Binary, child: RuleNode): boolean {
  if (child === parent.left) return pairs.some(([o, c]) => o < child.start && c >= child.end && c < parent.right.start);
  return pairs.some(([o, c]) => o >= parent.left.end && o < child.start && c >= child.end);
}

/** The rule with every `&&`/`||` grouping written out; leaves keep the author's own text. */
function fullyGrouped(source: string, node: RuleNode): string {
  if (isLogical(node)) {
    const side = (child: RuleNode) => (isLogical(child) && child.op !== node.op ? `(${fullyGrouped(source, child)})` : fullyGrouped(source, child));
    return `${side(node.left)} ${node.op} ${side(node.right)}`;
  }
  if (node.type === 'unary' && node.op === '!' && isLogical(node.operand)) return `!(${fullyGrouped(source, node.operand)})`;
  return source.slice(node.start, node.end);
}

function flatten(node: RuleNode, op: '&&' | '||'): RuleNode[] {
  return isLogical(node, op) ? [...flatten(node.left, op), ...flatten(node.right, op)] : [node];
}

/** `country`, `user.country`, `user['country']`: a variable reference a comparison can test. */
function variableKey(node: RuleNode): string | null {
  if (node.type === 'identifier') return node.name;
  if (node.type === 'member' && node.property.type === 'string') {
    const base = variableKey(node.object);
    return base === null ? null : `${base}.${node.property.value}`;
  }
  return null;
}

const COMPARISONS = new Set(['==', '!=', '<', '>', '<=', '>=']);
const LITERALS = new Set(['string', 'integer', 'float', 'boolean', 'null']);

/** The variable a conjunct tests against a literal (`country == 'US'`, `'US' eq country`), if it is one. */
function testedVariable(node: RuleNode): string | null {
  if (node.type !== 'binary' || !COMPARISONS.has(node.op)) return null;
  if (LITERALS.has(node.right.type)) return variableKey(node.left);
  if (LITERALS.has(node.left.type)) return variableKey(node.right);
  return null;
}

function partialCondition(source: string, or: Binary): RuleLint | null {
  const text = (n: RuleNode) => source.slice(n.start, n.end);
  const disjuncts = flatten(or, '||').map((d) => {
    const conjuncts = flatten(d, '&&');
    return { node: d, conjuncts, tested: conjuncts.map(testedVariable) };
  });
  const keys = [...new Set(disjuncts.flatMap((d) => d.tested.filter((k): k is string => k !== null)))];
  for (const key of keys) {
    const using = disjuncts.filter((d) => d.tested.includes(key));
    if (using.length < 2) continue;
    const extras = using.map((d) => d.conjuncts.filter((_, i) => d.tested[i] !== key).map(text));
    const guarded = extras.findIndex((e) => e.length > 0);
    if (guarded < 0) continue;
    const unguarded = extras.findIndex((e) => !extras[guarded].every((x) => e.includes(x)));
    if (unguarded < 0) continue;
    const condition = extras[guarded].filter((x) => !extras[unguarded].includes(x)).join(' && ');
    const keyPart = (i: number) => using[i].conjuncts.filter((_, j) => using[i].tested[j] === key).map(text).join(' && ');
    let suggestion: string | undefined;
    // One guard, written on some alternatives and missing on the others: offer it around all of them.
    const guard = extras[guarded];
    if (extras.every((e) => e.length === 0 || (e.length === guard.length && e.every((x) => guard.includes(x))))) {
      const group = using.map((_, i) => keyPart(i)).join(' || ');
      const rest = disjuncts.filter((d) => !using.includes(d)).map((d) => (isLogical(d.node, '&&') ? `(${text(d.node)})` : text(d.node)));
      const wrapped = `${guard.join(' && ')} && (${group})`;
      suggestion = rest.length ? [`(${wrapped})`, ...rest].join(' || ') : wrapped;
    }
    return {
      kind: 'partial-condition',
      message:
        `${condition} applies only to ${keyPart(guarded)}: ${keyPart(unguarded)} is admitted even when ${condition} is false.` +
        (suggestion ? ` If ${condition} is meant for both, write ${suggestion}.` : ''),
      suggestion,
    };
  }
  return null;
}

/** Optimal string alignment distance (Levenshtein plus swapped neighbours: `contry`, `cuontry`). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The known name closest to `name` (same letters in another case first), or null when none is close. */
export function nearestName(name: string, known: Iterable<string>): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  const limit = name.length <= 4 ? 1 : name.length <= 8 ? 2 : 3;
  for (const candidate of known) {
    if (candidate.toLowerCase() === name.toLowerCase()) return candidate;
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && (distance < bestDistance || (distance === bestDistance && best !== null && candidate < best))) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function tryParse(rule: string): RuleAst | null {
  try {
    return parseRuleCached(rule);
  } catch (e) {
    if (e instanceof RuleSyntaxError) return null; // Proctor's validation reports it
    throw e;
  }
}

/** Warnings for one rule (bare or `${…}`); [] for an empty rule or one that does not parse. */
export function lintRule(rule: string | null | undefined, options: RuleLintOptions = {}): RuleLint[] {
  if (!rule || rule.trim() === '') return [];
  const ast = tryParse(rule);
  if (!ast) return [];
  const lints: RuleLint[] = [];
  const source = ast.source;
  const roots = ast.root.type === 'composite' ? ast.root.parts.filter((p): p is RuleNode => p.type !== 'text') : [ast.root];
  const pairs = parenPairs(source);

  for (const root of roots) {
    let mixed = false;
    const partials: RuleLint[] = [];
    const visit = (node: RuleNode, parentOr: boolean) => {
      if (isLogical(node, '||')) {
        for (const child of [node.left, node.right]) if (isLogical(child, '&&') && !isGrouped(pairs, node, child)) mixed = true;
        if (!parentOr) {
          const partial = partialCondition(source, node);
          if (partial) partials.push(partial);
        }
      }
      for (const child of ruleChildren(node)) visit(child, isLogical(node, '||') && isLogical(child, '||'));
    };
    visit(root, false);
    if (mixed) {
      const reading = fullyGrouped(source, root);
      lints.push({
        kind: 'mixed-and-or',
        message: `&& and || are mixed without parentheses. && binds tighter, so this reads as ${reading}. Add parentheses to say which you mean.`,
        reading,
      });
    }
    lints.push(...partials);
  }

  const known = options.knownVariables;
  if (known && known.size > 0) {
    const defined = new Set([...ALWAYS_DEFINED, ...(options.constants ?? [])]);
    const seen = new Set<string>();
    for (const { name } of collectIdentifierNodes(ast)) {
      if (seen.has(name) || defined.has(name) || known.has(name)) continue;
      seen.add(name);
      const nearest = nearestName(name, known);
      lints.push({
        kind: 'unknown-variable',
        variable: name,
        nearest: nearest ?? undefined,
        message: nearest
          ? `Unknown variable ${name}: no application provides it and the team's rule context does not list it. Did you mean ${nearest}?`
          : `Unknown variable ${name}: no application provides it and the team's rule context does not list it. A rule that uses it fails, and the test gives no bucket.`,
      });
    }
  }
  return lints;
}

/** Every rule of a definition linted, as editor warnings at the rule's JSON path. */
export function lintDefinitionRules(definition: TestDefinition, knownVariables: ReadonlySet<string> | null): ValidationIssue[] {
  const constants = [...Object.keys(definition.constants ?? {}), ...Object.keys(definition.specialConstants ?? {})];
  const rules: Array<[string, string | null | undefined]> = [['/rule', definition.rule], ...(definition.allocations ?? []).map((a, i): [string, string | null | undefined] => [`/allocations/${i}/rule`, a.rule])];
  return rules.flatMap(([path, rule]) => lintRule(rule, { knownVariables, constants }).map((lint) => ({ path, message: lint.message, severity: 'warning' as const })));
}
