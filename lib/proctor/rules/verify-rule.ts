/**
 * Proctor's rule verification (RuleVerifyUtils.verifyRule, FACTS §3.5 and the rule checks of §2.1/§2.2).
 * Without a provided context only the syntax (and function names/arity) is checked, as the builder and the webapp's
 * edit do; with an application's providedContext (name → type name) identifiers, the boolean type and a trial
 * evaluation with dummy values are checked too.
 */
import type { RuleAst } from './ast';
import { checkRuleIsBooleanType, evaluateAst, RuleEvaluationOptions } from './evaluate-rule';
import { parseRuleCached, RuleSyntaxError } from './parse-rule';
import { collectIdentifierNodes, walkRule } from './print-rule';
import { normalizeRule, wrapRule } from '../rule-braces';
import { JavaInt, RuleEvaluationError } from './values';
import { DoubleValue } from '../model';

export const RULE_DOCS_URL = 'https://opensource.indeedeng.io/proctor/docs/test-rules/';

/** Proctor's syntax-error text (§2.1.1 without the "Invalid rule in {testName}: " prefix). */
export function ruleSyntaxErrorMessage(rule: string): string {
  return `Unable to evaluate rule ${rule} due to a syntax error. Check that your rule is in the correct format and returns a boolean. For more information read: ${RULE_DOCS_URL}.`;
}

export function undefinedVariableMessage(name: string, rule: string): string {
  return `The variable ${name} is defined in rule ${rule}, however it is not defined in the application's test specification. Add the variable to your application's providedContext.json or remove it from the rule, or if the application should not load your test report the issue to the Proctor team.`;
}

export type RuleProblemKind = 'syntax' | 'undefined-variable' | 'type' | 'evaluation';

export interface RuleProblem {
  kind: RuleProblemKind;
  /** The full message; syntax problems end with ` (at column N: detail)` (N is 1-based) or ` (detail)`. */
  message: string;
  /** 0-based offset into the rule text as given to verifyRule, when known. */
  position?: number;
  /** The parser's / evaluator's own explanation (what the hint in the message says). */
  detail?: string;
}

/** Matches the hint verifyRule appends to syntax messages, so a UI can underline the spot. */
export const RULE_POSITION_HINT = / \(at column (\d+): (.*)\)$/s;

/** Dummy values by provided-context type name (case-insensitive); unknown types are "absent" identifiers. */
function dummyValue(typeName: string): { ok: true; value: unknown } | { ok: false } {
  switch (typeName.trim().toLowerCase()) {
    case 'int':
    case 'integer':
      // An Integer: `proctor:inRange(n, 1, 10)` fails on it, as Proctor's loader finds.
      return { ok: true, value: 0 };
    case 'short':
      return { ok: true, value: new JavaInt(0, 'java.lang.Short') };
    case 'byte':
      return { ok: true, value: new JavaInt(0, 'java.lang.Byte') };
    case 'long':
      // A Long (a JS number 0 would be read as an Integer).
      return { ok: true, value: 0n };
    case 'bool':
    case 'boolean':
      return { ok: true, value: true };
    case 'double':
      // A Java Double 0.0 (a plain JS 0 would be read as a Long).
      return { ok: true, value: new DoubleValue(0) };
    case 'string':
    case 'java.lang.string':
    case 'char':
    case 'character':
      return { ok: true, value: '' };
    default:
      return { ok: false };
  }
}

/** Maps an offset in the effective (wrapped) rule back to the text the caller gave us. */
function offsetMapper(original: string, effective: string): (pos: number) => number {
  if (effective === original) return (pos) => pos;
  const inner = normalizeRule(original) as string;
  const leading = original.length - original.trimStart().length;
  const innerAt = Math.max(0, original.indexOf(inner, leading));
  const wrapped = original.trim().startsWith('${');
  const after = wrapped ? original.trimEnd().length - 1 : innerAt + inner.length;
  return (pos) => (pos < 2 ? innerAt : pos - 2 < inner.length ? innerAt + pos - 2 : after);
}

function hasOwnKey(vars: Record<string, unknown> | undefined, name: string): boolean {
  return vars !== undefined && Object.hasOwn(vars, name);
}

/** Structured verification result ([] = valid). */
export function verifyRuleDetailed(
  rule: string | null | undefined,
  providedContext?: Record<string, string>,
  constants?: Record<string, unknown>,
): RuleProblem[] {
  if (rule == null || normalizeRule(rule) === null) return [];
  // RuleVerifyUtils.verifyRule parses the text as given (`#{a}`, `x${a}`, `${a}${b}` are templates it accepts).
  // Bare text is verified as the `${…}` a definition's consumable form would carry.
  const effective = rule.includes('${') || rule.includes('#{') ? rule : (wrapRule(rule) as string);
  const toOriginal = offsetMapper(rule, effective);

  let ast: RuleAst;
  try {
    ast = parseRuleCached(effective);
  } catch (e) {
    if (!(e instanceof RuleSyntaxError)) throw e;
    const position = toOriginal(e.position);
    // A bare rule has no '}' of its own: the one wrapRule added is the end of the user's text.
    const bare = !rule.trim().startsWith('${');
    const detail = bare && e.position === effective.length - 1 ? e.message.replace("unexpected '}'", 'unexpected end of rule') : e.message;
    return [
      {
        kind: 'syntax',
        message: `${ruleSyntaxErrorMessage(effective)} (at column ${position + 1}: ${detail})`,
        position,
        detail,
      },
    ];
  }
  if (!providedContext) return [];

  const context: Record<string, unknown> = {};
  const absent = new Set<string>();
  for (const [name, type] of Object.entries(providedContext)) {
    const dummy = dummyValue(String(type));
    if (dummy.ok) context[name] = dummy.value;
    else absent.add(name);
  }

  for (const id of collectIdentifierNodes(ast)) {
    if (!hasOwnKey(constants, id.name) && !Object.hasOwn(context, id.name) && !absent.has(id.name)) {
      return [{ kind: 'undefined-variable', message: undefinedVariableMessage(id.name, effective), position: toOriginal(id.start) }];
    }
  }

  // RuleVerifyUtils.isIgnorable: failures are ignored when a leaf refers to an identifier that could not be instantiated.
  let referencesAbsent = false;
  walkRule(ast, (n) => {
    if ((n.type === 'identifier' && absent.has(n.name)) || (n.type === 'string' && absent.has(n.value))) referencesAbsent = true;
  });

  const scope: RuleEvaluationOptions = { constants, context };
  try {
    checkRuleIsBooleanType(effective, ast, scope);
  } catch (e) {
    if (!(e instanceof RuleEvaluationError)) throw e;
    if (e.javaException === 'java.lang.IllegalArgumentException') {
      return [{ kind: 'type', message: `${ruleSyntaxErrorMessage(effective)} (${e.message})`, detail: e.message }];
    }
    if (referencesAbsent) return [];
    return [{ kind: 'evaluation', message: `Failed to evaluate a rule ${effective}: ${e.message}`, detail: e.message }];
  }
  try {
    evaluateAst(ast, scope);
  } catch (e) {
    if (!(e instanceof RuleEvaluationError)) throw e;
    if (referencesAbsent) return [];
    return [{ kind: 'evaluation', message: `Failed to evaluate a rule ${effective}: ${e.message}`, detail: e.message }];
  }
  return [];
}

/** Proctor-style messages for a rule ([] = valid; an empty rule is valid). */
export function verifyRule(rule: string | null | undefined, providedContext?: Record<string, string>, constants?: Record<string, unknown>): string[] {
  return verifyRuleDetailed(rule, providedContext, constants).map((p) => p.message);
}
